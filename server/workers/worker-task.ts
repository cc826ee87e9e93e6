// What the run executor hands to a worker executor, whatever the mode.
import type { Context } from '@opentelemetry/api';
import type { WorkerPlacement } from '../api/contract.js';
import type { WorkerDefinition } from '../runtime/agent-graph.js';
import type { Cancellation } from './cancellation.js';

import type { Turn } from '../sdk/types.js';

export type StoreMethod = 'get' | 'put' | 'search' | 'delete';

/** Runtime services a worker reaches from wherever it runs; always invoked on the main loop. */
export interface WorkerServices {
  /** Called once the worker actually starts, with where it runs. */
  started(placement: WorkerPlacement): void;
  emit(name: string, data: unknown): void;
  ferryTo(worker: string, input: unknown): void;
  setState(patch: Record<string, unknown>): void;
  /** The session's store; answers are plain JSON so they can cross to threads and processes. */
  store(method: StoreMethod, args: Record<string, unknown>): Promise<unknown>;
  /** Parks the run until a human answers (or the timeout passes); resolves with the answer. */
  requestFeedback(payload: unknown, timeoutMs: number | undefined): Promise<unknown>;
}

export interface WorkerTask {
  definition: WorkerDefinition;
  input: unknown;
  runId: string;
  sessionId: string;
  agent: string;
  superstep: number;
  config: Record<string, unknown>;
  /** Session state as of this superstep. */
  state: Record<string, unknown>;
  history: Turn[];
  /** Aborted on run cancellation, sibling failure or worker timeout. */
  cancellation: Cancellation;
  services: WorkerServices;
  /** The worker span's context (async mode) and its W3C traceparent (threads and processes); unset when not tracing. */
  traceContext?: Context;
  traceparent?: string;
}

export interface WorkerResult {
  output: unknown;
  placement: WorkerPlacement;
}

/**
 * An async worker still running on the main loop: the promise of its output, and where it runs. Whoever waits maps
 * the output to its result in the one `then` it needs anyway, instead of the executor adding a second.
 */
export class PendingOutput {
  constructor(
    readonly output: Promise<unknown>,
    readonly placement: WorkerPlacement,
  ) {}

  result(): Promise<WorkerResult> {
    return this.output.then((output) => ({ output, placement: this.placement }));
  }
}

/** What an executor answers: the result at once, a pending async worker, or the promise of the result. */
export type WorkerAnswer = WorkerResult | PendingOutput | Promise<WorkerResult>;

/** The result of an answer, at once when it is there. */
export function settled(answer: WorkerAnswer): WorkerResult | Promise<WorkerResult> {
  return answer instanceof PendingOutput ? answer.result() : answer;
}

/**
 * Runs workers of one mode. A worker that finishes at once may be answered at once: every promise and await on
 * this path is paid per worker execution, and several times over while tracing keeps async context.
 */
export interface WorkerExecutor {
  execute(task: WorkerTask): WorkerAnswer;
  close(): Promise<void>;
}
