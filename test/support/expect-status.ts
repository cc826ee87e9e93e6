// Asserts a client call fails with a given gRPC status and a message that contains `text`.
import { expect } from 'vitest';
import { AgentdCallError, status } from '../../clients/ts/src/index.js';

export async function expectStatus(call: Promise<unknown>, code: status, text?: string | RegExp): Promise<AgentdCallError> {
  const error = await call.then(
    () => {
      throw new Error(`expected ${status[code]}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgentdCallError);
  const callError = error as AgentdCallError;
  expect(status[callError.code]).toBe(status[code]);
  if (text) expect(callError.details).toMatch(text);
  return callError;
}
