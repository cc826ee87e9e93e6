// The types an agent author writes against. Runtime services are async; the *Sync twins block and
// exist only off the main loop (thread and process workers).

export type WorkerMode = 'async' | 'thread' | 'process';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One finished turn of the session, oldest first in ctx.history. */
export interface Turn {
  runId: string;
  agent: string;
  input: unknown;
  output: unknown;
}

export interface StoredItem {
  namespace: string[];
  key: string;
  value: unknown;
  createdAt: string;
  updatedAt: string;
}

/** Namespaced JSON items shared across sessions. The *Sync twins block (thread and process workers only). */
export interface WorkerStore {
  get(namespace: string[], key: string): Promise<StoredItem | undefined>;
  put(namespace: string[], key: string, value: unknown): Promise<StoredItem>;
  search(namespacePrefix: string[], options?: { filter?: Record<string, unknown>; limit?: number }): Promise<StoredItem[]>;
  delete(namespace: string[], key: string): Promise<boolean>;
  getSync(namespace: string[], key: string): StoredItem | undefined;
  putSync(namespace: string[], key: string, value: unknown): StoredItem;
  searchSync(namespacePrefix: string[], options?: { filter?: Record<string, unknown>; limit?: number }): StoredItem[];
  deleteSync(namespace: string[], key: string): boolean;
}

export interface WorkerContext {
  readonly runId: string;
  readonly sessionId: string;
  readonly agent: string;
  readonly worker: string;
  readonly superstep: number;
  /** The session's config, as passed with the request that built the session's agent. */
  readonly config: Record<string, unknown>;
  /** Aborted when the run is cancelled, its deadline passes, or the worker times out. */
  readonly signal: AbortSignal;
  /** Emits a custom event to the run's stream. */
  emit(name: string, data?: unknown): Promise<void>;
  /** Blocking twin of emit, for synchronous code in thread and process workers. */
  emitSync(name: string, data?: unknown): void;
  /** Routes the run: the named worker runs in the next superstep with `input`, instead of this worker's successors. */
  ferryTo(worker: string, input?: unknown): void;
  /** The session state as of this superstep; carried from turn to turn and checkpointed. */
  readonly state: Record<string, unknown>;
  /** Merges `patch` into the session state after this superstep (in worker order). */
  setState(patch: Record<string, unknown>): void;
  /** The session's earlier turns (most recent AGENTD_HISTORY_TURNS), oldest first. */
  readonly history: Turn[];
  readonly store: WorkerStore;
  /**
   * Asks a human and waits for the answer: the run parks in waiting_feedback (durably) until a client answers over
   * the Feedback stream or AnswerFeedback. Rejects with FeedbackTimeoutError after `timeoutMs`.
   * After a daemon restart the worker runs again and this call returns the answer given meanwhile.
   */
  requestFeedback<T = unknown>(payload: unknown, options?: { timeoutMs?: number }): Promise<T>;
  /** Blocking twin of requestFeedback, for synchronous code in thread and process workers. */
  requestFeedbackSync<T = unknown>(payload: unknown, options?: { timeoutMs?: number }): T;
}

export type WorkerFn<I = any, O = unknown> = (input: I, ctx: WorkerContext) => O | Promise<O>;

/** A worker loaded from a module file, so another thread or process can load it too. */
export interface ModuleWorkerSource {
  /** Path or file URL of the module, e.g. new URL('./hash.ts', import.meta.url). */
  module: string | URL;
  /** Export name; defaults to the worker's name. */
  export?: string;
}

/** A worker in any language: a command speaking the line-delimited JSON protocol (docs/worker-protocol.md). */
export interface CommandWorkerSource {
  command: string[];
  cwd?: string;
}

export type WorkerSource = WorkerFn | ModuleWorkerSource | CommandWorkerSource;

export interface WorkerOptions {
  /** Workers whose outputs this one waits for. One: receives its output. Several: receives { name: output }. */
  after?: string | string[];
  /** Defaults to 'async' for a function, 'thread' for a module, 'process' for a command. */
  mode?: WorkerMode;
  description?: string;
  /** Fails the worker (and its run) when it runs longer than this. */
  timeoutMs?: number;
  /** At most this many executions of this worker at once, across all runs (thread and process modes). */
  concurrency?: number;
}

/** Collects an agent's workers; handed to the agent's builder once per session. */
export interface GraphBuilder {
  worker(name: string, source: WorkerSource, options?: WorkerOptions): GraphBuilder;
  /** The worker whose result is the run's output; defaults to the graph's single sink. */
  output(name: string): GraphBuilder;
}

export type AgentBuilder = (graph: GraphBuilder, config: Record<string, unknown>) => void | Promise<void>;

export interface AgentOptions {
  description?: string;
  /**
   * 'durable' (default): runs are recorded and checkpointed after every superstep, and survive restarts.
   * 'ephemeral': runs live in memory only (no database writes), for cheap, short, re-runnable work.
   */
  durability?: 'durable' | 'ephemeral';
  /** Returns a message saying what is wrong with the input, or undefined when it is fine. */
  validateInput?: (input: unknown) => string | undefined;
}

export interface AgentDefinition {
  readonly kind: 'agentd.agent';
  readonly name: string;
  readonly description: string;
  readonly build: AgentBuilder;
  readonly validateInput?: (input: unknown) => string | undefined;
  readonly durability: 'durable' | 'ephemeral';
}
