// Durable run state: run rows, one checkpoint per superstep, and the run's finish, written with group commit.
import type { RunError, RunEvent, RunStatus } from '../api/contract.js';
import type { RunProgress } from '../runtime/frontier.js';

export interface NewRun {
  id: string;
  sessionId: string;
  agent: string;
  input: unknown;
  config: Record<string, unknown>;
  idempotencyKey: string;
  forkedFrom?: string;
}

export interface CheckpointWrite {
  runId: string;
  sessionId: string;
  progress: RunProgress;
  /** Events emitted during this superstep, kept so a resumed run's stream can be replayed. */
  events: RunEvent[];
}

export interface RunFinish {
  runId: string;
  sessionId: string;
  agent: string;
  config: Record<string, unknown>;
  status: RunStatus;
  output: unknown;
  error: RunError | undefined;
  supersteps: number;
  /** The session state the next turn starts from. */
  state: Record<string, unknown>;
}

export interface FeedbackAsked {
  id: string;
  runId: string;
  sessionId: string;
  agent: string;
  worker: string;
  /** Identifies the question within its run, so a worker re-executed after a restart finds it again. */
  callKey: string;
  payload: unknown;
  deadline: Date | undefined;
}

export interface FeedbackResolution {
  id: string;
  runId: string;
  status: 'answered' | 'expired' | 'withdrawn';
  answer: unknown;
  answeredBy: string;
}

export interface CheckpointRecord {
  id: string;
  runId: string;
  sessionId: string;
  agent: string;
  superstep: number;
  progress: RunProgress;
  events: RunEvent[];
  createdAt: Date;
}

export interface CheckpointFilter {
  sessionId?: string;
  runId?: string;
}

export interface Checkpointer {
  /** False for the checkpointer of ephemeral agents, which writes nothing: the run executor does not wait on it. */
  readonly durable: boolean;
  /** Durably records a new run (and its session) before the client is told about it; fails fast if the database is down. */
  createRun(run: NewRun): Promise<void>;
  /** Records a superstep; with `finish`, also the run's end in the same transaction. Retries until the database answers. */
  save(checkpoint: CheckpointWrite, finish?: RunFinish): Promise<string>;
  /** Records a run's end without a new checkpoint (failure, cancellation). Retries until the database answers. */
  finish(finish: RunFinish): Promise<void>;
  /** Records a pending feedback request and the run's waiting status. Retries until the database answers. */
  feedbackAsked(asked: FeedbackAsked): Promise<void>;
  /** Records how a feedback request ended (the run is running again). Retries until the database answers. */
  feedbackResolved(resolution: FeedbackResolution): Promise<void>;
  latest(runId: string): Promise<CheckpointRecord | undefined>;
  get(checkpointId: string): Promise<CheckpointRecord>;
  latestOfSession(sessionId: string): Promise<CheckpointRecord | undefined>;
  list(filter: CheckpointFilter, pageSize: number, pageToken: string): Promise<{ checkpoints: CheckpointRecord[]; nextPageToken: string }>;
  /** Every event of a run recorded so far, in order. */
  events(runId: string): Promise<RunEvent[]>;
  close(): Promise<void>;
}
