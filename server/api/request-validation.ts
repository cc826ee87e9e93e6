// Checks the fields of incoming requests and says what to fix when one is wrong.
import { InvalidInputError } from '../errors.js';
import type { StartRunRequest } from '../runtime/agent-runtime.js';

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,256}$/;

interface RunRequestFields {
  agent: string;
  sessionId: string;
  input?: unknown;
  config?: Record<string, unknown>;
  idempotencyKey?: string;
}

export function parseRunRequest(request: RunRequestFields): StartRunRequest {
  if (!request.agent) throw new InvalidInputError('agent is required: set it to the name of a registered agent (see ListAgents)');
  if (request.sessionId && !SESSION_ID.test(request.sessionId)) {
    throw new InvalidInputError(
      `session_id '${request.sessionId.slice(0, 140)}' is not valid: use 1-128 characters of letters, digits and . _ : @ -, starting with a letter or digit, or leave it empty for a new session`,
    );
  }
  if (request.idempotencyKey && !IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
    throw new InvalidInputError('idempotency_key must be 1-256 printable ASCII characters without spaces');
  }
  return {
    agent: request.agent,
    sessionId: request.sessionId || undefined,
    input: request.input ?? null,
    config: request.config,
    idempotencyKey: request.idempotencyKey || undefined,
  };
}

export function parseRunId(runId: string): string {
  if (!runId) throw new InvalidInputError('run_id is required: pass the id returned by Submit, Invoke or Stream');
  if (!RUN_ID.test(runId)) throw new InvalidInputError(`run_id '${runId.slice(0, 80)}' is not a run id: run ids are UUIDs like 1b4e28ba-2fa1-11d2-883f-0016d3cca427`);
  return runId;
}

export function parsePageSize(pageSize: number): number {
  if (pageSize < 0 || pageSize > 1000) throw new InvalidInputError(`page_size ${pageSize} is out of range: use 1-1000, or 0 for the default of 100`);
  return pageSize || 100;
}

export function parseSessionFilter(sessionId: string): string | undefined {
  if (sessionId && !SESSION_ID.test(sessionId)) throw new InvalidInputError(`session_id '${sessionId.slice(0, 140)}' is not a valid session id`);
  return sessionId || undefined;
}

export function parseSessionId(sessionId: string): string {
  if (!sessionId) throw new InvalidInputError('session_id is required');
  if (!SESSION_ID.test(sessionId)) throw new InvalidInputError(`session_id '${sessionId.slice(0, 140)}' is not a valid session id`);
  return sessionId;
}

export function parseCheckpointId(checkpointId: string, required: boolean): string | undefined {
  if (!checkpointId) {
    if (required) throw new InvalidInputError('checkpoint_id is required: take one from ListCheckpoints or GetState');
    return undefined;
  }
  if (!/^\d{1,18}$/.test(checkpointId)) throw new InvalidInputError(`checkpoint_id '${checkpointId.slice(0, 40)}' is not a checkpoint id: checkpoint ids are decimal numbers from ListCheckpoints`);
  return checkpointId;
}

export function parseNamespace(namespace: string[], field: string, allowEmpty = false): string[] {
  if (!allowEmpty && namespace.length === 0) throw new InvalidInputError(`${field} is required: give one or more parts, like ["users", "42", "memories"]`);
  if (namespace.length > 16) throw new InvalidInputError(`${field} has ${namespace.length} parts; at most 16 are allowed`);
  const bad = namespace.find((part) => part === '' || part.length > 256);
  if (bad !== undefined) throw new InvalidInputError(`${field} parts must be 1-256 characters; got '${bad.slice(0, 40)}'`);
  return namespace;
}

export function parseItemKey(key: string): string {
  if (!key) throw new InvalidInputError('key is required');
  if (key.length > 512) throw new InvalidInputError('key is longer than 512 characters');
  return key;
}
