// Domain errors. Each carries the fix in its message; api/status-mapping.ts turns them into gRPC statuses.

export class AgentdError extends Error {
  override name = 'AgentdError';
}

export class AgentNotFoundError extends AgentdError {
  override name = 'AgentNotFoundError';
  constructor(agent: string, known: string[]) {
    super(`agent '${agent}' is not registered; known agents: ${known.length ? known.join(', ') : '(none)'}`);
  }
}

export class RunNotFoundError extends AgentdError {
  override name = 'RunNotFoundError';
  constructor(runId: string) {
    super(`run '${runId}' does not exist (or has been forgotten); list runs with ListRuns`);
  }
}

export class InvalidInputError extends AgentdError {
  override name = 'InvalidInputError';
}

export class PayloadTooLargeError extends AgentdError {
  override name = 'PayloadTooLargeError';
}

export class AgentDefinitionError extends AgentdError {
  override name = 'AgentDefinitionError';
}

/** The run was cancelled (CancelRun, client gone, or deadline); `code` says which. */
export class RunCancelledError extends AgentdError {
  override name = 'RunCancelledError';
  constructor(
    readonly code: 'cancelled' | 'deadline_exceeded',
    message: string,
  ) {
    super(message);
  }
}

/** A worker failed; the run fails with this error. */
export class WorkerFailedError extends AgentdError {
  override name = 'WorkerFailedError';
  constructor(
    readonly worker: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The database cannot be reached; the daemon keeps trying and answers UNAVAILABLE meanwhile. */
export class DatabaseUnavailableError extends AgentdError {
  override name = 'DatabaseUnavailableError';
}

/** Too many callers are waiting for a database connection; the caller should retry later. */
export class DatabaseBusyError extends AgentdError {
  override name = 'DatabaseBusyError';
}

export class SessionNotFoundError extends AgentdError {
  override name = 'SessionNotFoundError';
  constructor(sessionId: string) {
    super(`session '${sessionId}' does not exist; sessions are created by the first Invoke, Stream or Submit that names them`);
  }
}

export class CheckpointNotFoundError extends AgentdError {
  override name = 'CheckpointNotFoundError';
  constructor(checkpointId: string) {
    super(`checkpoint '${checkpointId}' does not exist; list a session's checkpoints with ListCheckpoints`);
  }
}

export class ItemNotFoundError extends AgentdError {
  override name = 'ItemNotFoundError';
  constructor(namespace: string[], key: string) {
    super(`no item '${key}' in namespace [${namespace.join(', ')}]; store one with PutItem`);
  }
}

/** The request is valid but the current state forbids it (e.g. answering twice). */
export class FailedPreconditionError extends AgentdError {
  override name = 'FailedPreconditionError';
}

export class FeedbackNotFoundError extends AgentdError {
  override name = 'FeedbackNotFoundError';
  constructor(requestId: string) {
    super(`feedback request '${requestId}' does not exist; subscribe with Feedback to see pending requests`);
  }
}
