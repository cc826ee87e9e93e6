// Errors the client raises: one for a failed call (with its gRPC status), one for a run that did not succeed.
import { status, type ServiceError } from '@grpc/grpc-js';
import { RunStatus, type Run } from './generated/agentd/v1/run.js';

export class AgentdCallError extends Error {
  override name = 'AgentdCallError';
  constructor(
    /** The gRPC status code, e.g. status.NOT_FOUND. */
    readonly code: status,
    readonly details: string,
  ) {
    super(`${status[code] ?? code}: ${details}`);
  }

  static from(error: ServiceError): AgentdCallError {
    return new AgentdCallError(error.code, error.details || error.message);
  }
}

export class RunFailedError extends Error {
  override name = 'RunFailedError';
  constructor(readonly run: Run) {
    const what = run.status === RunStatus.RUN_STATUS_CANCELLED ? 'was cancelled' : 'failed';
    super(`run ${run.id} of agent '${run.agent}' ${what}: ${run.error?.message ?? 'no error message'}`);
  }
}
