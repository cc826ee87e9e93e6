// async mode: the worker is awaited on the main loop, for I/O-bound work.
import { context } from '@opentelemetry/api';
import { WorkerMode } from '../api/contract.js';
import type { Turn, WorkerContext, WorkerStore } from '../sdk/types.js';
import { workerStore } from './store-access.js';
import { PendingOutput, type WorkerAnswer, type WorkerExecutor, type WorkerResult, type WorkerTask } from './worker-task.js';

const placement = { mode: WorkerMode.WORKER_MODE_ASYNC, threadId: 0, pid: process.pid };

function blockingTwinOnMainLoop(name: string): never {
  const twin = name === 'emitSync' || name === 'requestFeedbackSync' ? name.replace('Sync', '') : `store.${name.replace('Sync', '')}`;
  throw new Error(`${name} blocks and cannot be called on the main loop; in an async worker use 'await ctx.${twin}(...)'`);
}

/** ctx for a worker on the main loop. A class, because one is made per worker execution on the hot path. */
class AsyncWorkerContext implements WorkerContext {
  private storeApi: WorkerStore | undefined;

  constructor(private readonly task: WorkerTask) {}

  get runId(): string {
    return this.task.runId;
  }
  get sessionId(): string {
    return this.task.sessionId;
  }
  get agent(): string {
    return this.task.agent;
  }
  get worker(): string {
    return this.task.definition.name;
  }
  get superstep(): number {
    return this.task.superstep;
  }
  get config(): Record<string, unknown> {
    return this.task.config;
  }
  get signal(): AbortSignal {
    return this.task.cancellation.signal;
  }
  get state(): Record<string, unknown> {
    return this.task.state;
  }
  get history(): Turn[] {
    return this.task.history;
  }

  async emit(name: string, data?: unknown): Promise<void> {
    this.task.services.emit(name, data);
  }
  emitSync(): void {
    blockingTwinOnMainLoop('emitSync');
  }
  ferryTo(worker: string, input?: unknown): void {
    this.task.services.ferryTo(worker, input);
  }
  setState(patch: Record<string, unknown>): void {
    this.task.services.setState(patch);
  }
  async requestFeedback<T>(payload: unknown, options?: { timeoutMs?: number }): Promise<T> {
    return (await this.task.services.requestFeedback(payload, options?.timeoutMs)) as T;
  }
  requestFeedbackSync<T>(): T {
    return blockingTwinOnMainLoop('requestFeedbackSync');
  }
  get store(): WorkerStore {
    return (this.storeApi ??= workerStore(
      (method, args) => this.task.services.store(method, args),
      (method) => blockingTwinOnMainLoop(`${method}Sync`),
    ));
  }
}

export function contextFor(task: WorkerTask): WorkerContext {
  return new AsyncWorkerContext(task);
}

const placed = (output: unknown): WorkerResult => ({ output, placement });

export class AsyncExecutor implements WorkerExecutor {
  /**
   * A worker that returns a plain value is answered at once; one that returns a promise, when it settles. Whoever
   * waits stops waiting on cancellation (the run's superstep join, the dispatcher's timeout), even if the worker
   * ignores ctx.signal: that costs no promise here.
   */
  execute(task: WorkerTask): WorkerAnswer {
    const fn = task.definition.fn!;
    task.services.started(placement);
    const ctx = contextFor(task);
    const output = task.traceContext ? context.with(task.traceContext, () => fn(task.input, ctx)) : fn(task.input, ctx);
    return output instanceof Promise ? new PendingOutput(output, placement) : placed(output);
  }

  async close(): Promise<void> {}
}
