// The wire contract, generated from proto/ by ts-proto (`make gen`). The one import point for server code.
export * from '../../clients/ts/src/generated/agentd/v1/runtime_service.js';
export { Run, RunError, RunStatus } from '../../clients/ts/src/generated/agentd/v1/run.js';
export { RunEvent, WorkerPlacement } from '../../clients/ts/src/generated/agentd/v1/event.js';
export { AgentInfo, WorkerInfo, WorkerMode } from '../../clients/ts/src/generated/agentd/v1/agent.js';
export { Checkpoint, Item, Session } from '../../clients/ts/src/generated/agentd/v1/session.js';
export { FeedbackOutcome, FeedbackResolved, FeedbackSubscription, PendingFeedback } from '../../clients/ts/src/generated/agentd/v1/feedback.js';
