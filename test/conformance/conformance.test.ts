// The shared conformance scenarios (scenarios.json), run with the TypeScript client.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentdCallError, RunFailedError, RunStatus, status, type Run, type RunEvent } from '../../clients/ts/src/index.js';
import { startDaemon, type DaemonProcess } from '../support/daemon-process.js';

interface Scenario {
  name: string;
  call: string;
  agent?: string;
  input?: unknown;
  run_id?: string;
  answer?: unknown;
  timeout_ms?: number;
  expect: { status?: string; output?: unknown; events?: string[]; error?: string; error_contains?: string };
}

const { scenarios } = JSON.parse(fs.readFileSync(new URL('./scenarios.json', import.meta.url), 'utf8')) as { scenarios: Scenario[] };
const statusName = (s: RunStatus) => RunStatus[s].replace('RUN_STATUS_', '');
const kindOf = (e: RunEvent) => Object.keys(e).find((k) => !['runId', 'sequence', 'time'].includes(k) && (e as unknown as Record<string, unknown>)[k] !== undefined)!.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

let daemon: DaemonProcess;
beforeAll(async () => {
  daemon = await startDaemon();
});
afterAll(async () => {
  await daemon?.stop();
});

async function perform(s: Scenario): Promise<{ status?: string; output?: unknown; events?: string[]; error?: string; message?: string }> {
  const client = daemon.client;
  const fromRun = (run: Run) => ({ status: statusName(run.status), output: run.output, message: run.error?.message ?? '' });
  try {
    switch (s.call) {
      case 'invoke':
        return fromRun(await client.invoke(s.agent!, s.input, { timeoutMs: s.timeout_ms }));
      case 'stream': {
        const events: RunEvent[] = [];
        for await (const event of client.stream(s.agent!, s.input, { timeoutMs: s.timeout_ms })) events.push(event);
        const finished = events.at(-1)!.runFinished!;
        return { events: events.map(kindOf), status: statusName(finished.status), output: finished.output };
      }
      case 'submit_wait':
        return fromRun(await client.wait((await client.submit(s.agent!, s.input)).id));
      case 'submit_cancel': {
        const run = await client.submit(s.agent!, s.input);
        await client.cancel(run.id, 'conformance');
        return fromRun(await client.wait(run.id, 10_000));
      }
      case 'get_run':
        return fromRun(await client.getRun(s.run_id!));
      case 'feedback': {
        const handler = client.handleFeedback(() => s.answer, { agents: [s.agent!], clientName: 'ts-conformance' });
        try {
          return fromRun(await client.invoke(s.agent!, s.input, { timeoutMs: 30_000 }));
        } finally {
          handler.stop();
        }
      }
      default:
        throw new Error(`unknown call ${s.call}`);
    }
  } catch (error) {
    if (error instanceof RunFailedError) return fromRun(error.run);
    if (error instanceof AgentdCallError) return { error: status[error.code], message: error.details };
    throw error;
  }
}

describe('conformance (TypeScript client)', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const seen = await perform(scenario);
    const expected = scenario.expect;
    if (expected.error) expect(seen.error).toBe(expected.error);
    else expect(seen.status).toBe(expected.status);
    if ('output' in expected) expect(seen.output).toEqual(expected.output);
    if (expected.events) expect(seen.events).toEqual(expected.events);
    if (expected.error_contains) expect(seen.message).toContain(expected.error_contains);
  });
});

describe('examples/clients/ts/quickstart.ts', () => {
  it('invokes, streams and answers an approval through a handler', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/clients/ts/quickstart.ts', daemon.address], { encoding: 'utf8' });
    expect(out).toContain('invoke: w1=4, w2=6, total=10');
    expect(out.match(/workerFinished/g)).toHaveLength(4);
    expect(out).toContain('approval: published');
  });
});
