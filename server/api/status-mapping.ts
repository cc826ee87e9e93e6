// The one place domain errors become gRPC statuses.
import { status, type ServiceError, Metadata } from '@grpc/grpc-js';
import { AgentDefinitionError, AgentNotFoundError, InvalidInputError, PayloadTooLargeError, RunNotFoundError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';

export function toServiceError(error: unknown, log: Logger): Partial<ServiceError> {
  const message = error instanceof Error ? error.message : String(error);
  const code =
    error instanceof AgentNotFoundError || error instanceof RunNotFoundError
      ? status.NOT_FOUND
      : error instanceof InvalidInputError
        ? status.INVALID_ARGUMENT
        : error instanceof PayloadTooLargeError
          ? status.RESOURCE_EXHAUSTED
          : error instanceof AgentDefinitionError
            ? status.FAILED_PRECONDITION
            : status.INTERNAL;
  if (code === status.INTERNAL) log.error({ err: error }, 'internal error answering a call');
  return { code, details: message, metadata: new Metadata() };
}
