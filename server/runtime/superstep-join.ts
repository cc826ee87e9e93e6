// Waits for one superstep's worker executions: all of them finished, the first failure, or the run's cancellation.
import { WorkerFailedError } from '../errors.js';
import type { Cancellation } from '../workers/cancellation.js';
import { PendingOutput, type WorkerAnswer, type WorkerResult } from '../workers/worker-task.js';
import type { FinishedTask } from './frontier.js';

/** One worker execution as the join sees it (the run executor's WorkerExecution). */
export interface JoinedExecution {
  /** Records the result; the finished task the next superstep is planned from. */
  succeeded(result: WorkerResult): FinishedTask;
  /** Records how the execution stopped; the error the superstep fails with. */
  stopped(error: unknown): unknown;
}

/**
 * A superstep's finished tasks, in frontier order, once every worker has answered. At the first failure the
 * superstep fails at once: a WorkerFailedError aborts the run's cancellation (stopping the siblings), and the
 * executions still running are recorded as stopped. When the cancellation aborts (the run cancelled, its deadline
 * passed) it fails at once too, even if a worker ignores ctx.signal and never settles; what such a worker returns
 * later is dropped.
 *
 * It costs one `then` per worker that did not answer at once (on an async worker's own promise), and no promise of
 * its own: with tracing on every promise also costs an async-hook call, so this takes the place of a race against
 * the cancellation and a mapped promise per worker, a Promise.all and an await per superstep.
 */
export class SuperstepJoin {
  private readonly tasks: FinishedTask[] = [];
  /** Executions started and not yet settled, by frontier index. */
  private readonly running: Array<JoinedExecution | undefined> = [];
  private remaining = 0;
  private failure: { error: unknown } | undefined;
  private settled: { done(tasks: FinishedTask[]): void; failed(error: unknown): void } | undefined;
  private unhook: (() => void) | undefined;

  constructor(
    private readonly cancellation: Cancellation,
    private readonly abortSiblings: (failure: WorkerFailedError) => void,
  ) {}

  /** True once the superstep has failed: start no more workers. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** An execution that was dispatched, with its executor's answer. */
  add(index: number, execution: JoinedExecution, answer: WorkerAnswer): void {
    if (answer instanceof PendingOutput) {
      const { placement } = answer;
      this.wait(index, execution, answer.output, (output) => this.succeeded(index, { output, placement }));
    } else if (answer instanceof Promise) {
      this.wait(index, execution, answer, (result) => this.succeeded(index, result));
    } else {
      this.tasks[index] = execution.succeeded(answer);
    }
  }

  private wait<T>(index: number, execution: JoinedExecution, answer: Promise<T>, succeeded: (value: T) => void): void {
    this.running[index] = execution;
    this.remaining++;
    answer.then(succeeded, (error: unknown) => this.stopped(index, error));
  }

  /**
   * Fails the superstep with `error`: called by the run executor for a worker that could not be dispatched (or threw
   * at once), and by the join itself at the first failure and on cancellation.
   */
  fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    this.unhook?.();
    if (error instanceof WorkerFailedError) this.abortSiblings(error);
    const reason = this.cancellation.aborted ? this.cancellation.reason : error;
    for (let index = 0; index < this.running.length; index++) {
      const execution = this.running[index];
      if (!execution) continue;
      this.running[index] = undefined;
      execution.stopped(reason);
    }
    this.settled?.failed(error);
  }

  /**
   * The finished tasks at once when every worker answered at once. Otherwise undefined, and the join calls `done`
   * with them, or `failed` with the error the superstep failed with (at once if it already has).
   */
  settle(done: (tasks: FinishedTask[]) => void, failed: (error: unknown) => void): FinishedTask[] | undefined {
    if (this.failure) {
      failed(this.failure.error);
      return undefined;
    }
    if (this.remaining === 0) return this.tasks;
    this.settled = { done, failed };
    this.unhook = this.cancellation.onAbort((reason) => this.fail(reason));
    return undefined;
  }

  private succeeded(index: number, result: WorkerResult): void {
    const execution = this.running[index];
    if (!execution) return; // the superstep already failed
    this.running[index] = undefined;
    this.tasks[index] = execution.succeeded(result);
    if (--this.remaining > 0) return;
    this.unhook?.();
    this.settled?.done(this.tasks);
  }

  private stopped(index: number, error: unknown): void {
    const execution = this.running[index];
    if (!execution) return;
    this.running[index] = undefined;
    this.fail(execution.stopped(error));
  }
}
