export { AgentdClient, type CallSettings, type ClientSettings, type RunOptions, type SubmitOptions } from './client.js';
export { AgentdCallError, RunFailedError } from './errors.js';
export { RunStatus, type Run, type RunError } from './generated/agentd/v1/run.js';
export type { RunEvent, WorkerPlacement } from './generated/agentd/v1/event.js';
export { WorkerMode, type AgentInfo, type WorkerInfo } from './generated/agentd/v1/agent.js';
export { status } from '@grpc/grpc-js';
export type { Checkpoint, Item, Session } from './generated/agentd/v1/session.js';
export { FeedbackStream, type FeedbackEvent, type FeedbackFilter } from './feedback.js';
export { FeedbackOutcome, type FeedbackResolved, type PendingFeedback } from './generated/agentd/v1/feedback.js';
