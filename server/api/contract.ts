// The wire contract, generated from proto/ by ts-proto (`make gen`). The one import point for server code.
import { WorkerMode as WorkerModeMessage } from '../../clients/ts/src/generated/agentd/v1/agent.js';

export * from '../../clients/ts/src/generated/agentd/v1/runtime_service.js';
export { Run, RunError, RunStatus } from '../../clients/ts/src/generated/agentd/v1/run.js';
export { RunEvent, WorkerPlacement } from '../../clients/ts/src/generated/agentd/v1/event.js';
export { AgentInfo, WorkerInfo, WorkerMode } from '../../clients/ts/src/generated/agentd/v1/agent.js';
export { Checkpoint, Item, Session } from '../../clients/ts/src/generated/agentd/v1/session.js';
export { FeedbackOutcome, FeedbackResolved, FeedbackSubscription, PendingFeedback } from '../../clients/ts/src/generated/agentd/v1/feedback.js';

/** A worker's mode as the wire enum. */
export const workerModeMessage = {
  async: WorkerModeMessage.WORKER_MODE_ASYNC,
  thread: WorkerModeMessage.WORKER_MODE_THREAD,
  process: WorkerModeMessage.WORKER_MODE_PROCESS,
} as const;
