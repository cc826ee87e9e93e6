// The one place domain errors become gRPC statuses.
import { status, type ServiceError, Metadata } from '@grpc/grpc-js';
import {
  AgentDefinitionError,
  AgentNotFoundError,
  CheckpointNotFoundError,
  FeedbackNotFoundError,
  DatabaseBusyError,
  DatabaseUnavailableError,
  FailedPreconditionError,
  InvalidInputError,
  ItemNotFoundError,
  PayloadTooLargeError,
  RunNotFoundError,
  SessionNotFoundError,
} from '../errors.js';
import type { Logger } from '../telemetry/logger.js';

const NOT_FOUND = [AgentNotFoundError, RunNotFoundError, SessionNotFoundError, CheckpointNotFoundError, ItemNotFoundError, FeedbackNotFoundError];

function statusOf(error: unknown): status {
  if (NOT_FOUND.some((type) => error instanceof type)) return status.NOT_FOUND;
  if (error instanceof InvalidInputError) return status.INVALID_ARGUMENT;
  if (error instanceof PayloadTooLargeError || error instanceof DatabaseBusyError) return status.RESOURCE_EXHAUSTED;
  if (error instanceof AgentDefinitionError || error instanceof FailedPreconditionError) return status.FAILED_PRECONDITION;
  if (error instanceof DatabaseUnavailableError) return status.UNAVAILABLE;
  return status.INTERNAL;
}

export function toServiceError(error: unknown, log: Logger): Partial<ServiceError> {
  const message = error instanceof Error ? error.message : String(error);
  const code = statusOf(error);
  if (code === status.INTERNAL) log.error({ err: error }, 'internal error answering a call');
  return { code, details: message, metadata: new Metadata() };
}
