// Sends each worker execution to the executor of its mode, under the worker's concurrency limit and timeout.
import { WorkerFailedError } from '../errors.js';
import { abortable } from './abortable.js';
import { Semaphore } from './semaphore.js';
import type { WorkerMode } from '../sdk/types.js';
import { settled, type WorkerAnswer, type WorkerExecutor, type WorkerResult, type WorkerTask } from './worker-task.js';

export class WorkerDispatcher {
  private readonly concurrencyLimits = new Map<string, Semaphore>();

  constructor(
    private readonly executors: Partial<Record<WorkerMode, WorkerExecutor>>,
    private readonly defaultTimeoutMs = 0,
  ) {}

  executor(mode: WorkerMode): WorkerExecutor | undefined {
    return this.executors[mode];
  }

  supports(mode: WorkerMode): boolean {
    return this.executors[mode] !== undefined;
  }

  /** Runs `task` in its mode's executor; answered at once when the executor can, and no limit or timeout applies. */
  execute(task: WorkerTask): WorkerAnswer {
    const limit = task.definition.concurrency ? this.limiterFor(task) : undefined;
    return limit ? this.executeLimited(task, limit) : this.executeNow(task);
  }

  private async executeLimited(task: WorkerTask, limit: Semaphore): Promise<WorkerResult> {
    await limit.acquire(task.cancellation);
    try {
      return await settled(this.executeNow(task));
    } finally {
      limit.release();
    }
  }

  private limiterFor(task: WorkerTask): Semaphore {
    const key = `${task.agent}/${task.definition.name}`;
    let limiter = this.concurrencyLimits.get(key);
    if (!limiter) this.concurrencyLimits.set(key, (limiter = new Semaphore(task.definition.concurrency!)));
    return limiter;
  }

  private executeNow(task: WorkerTask): WorkerAnswer {
    const { definition } = task;
    const executor = this.executors[definition.mode];
    if (!executor) {
      throw new WorkerFailedError(definition.name, 'mode_unavailable', `worker '${definition.name}': mode '${definition.mode}' is not enabled in this daemon`);
    }
    const timeoutMs = definition.timeoutMs ?? this.defaultTimeoutMs;
    return timeoutMs ? this.executeWithTimeout(executor, task, timeoutMs) : executor.execute(task);
  }

  private async executeWithTimeout(executor: WorkerExecutor, task: WorkerTask, timeoutMs: number): Promise<WorkerResult> {
    const { definition } = task;
    const timeout = task.cancellation.child();
    const timer = setTimeout(
      () => timeout.cancellation.abort(new WorkerFailedError(definition.name, 'timeout', `worker '${definition.name}' (${definition.mode}) timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      // Settles when the timeout fires even if the worker ignores ctx.signal (an async worker may never settle).
      const result = settled(executor.execute({ ...task, cancellation: timeout.cancellation }));
      return await (result instanceof Promise ? abortable(result, timeout.cancellation, (done) => done) : result);
    } catch (error) {
      if (timeout.cancellation.aborted && !task.cancellation.aborted) throw timeout.cancellation.reason;
      throw error;
    } finally {
      clearTimeout(timer);
      timeout.dispose();
    }
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.executors).map((e) => e?.close()));
  }
}
