// A superstep ends when all its workers have answered, at the first failure, or when the run is cancelled; what a
// worker answers after that is dropped.
import { describe, expect, it } from 'vitest';
import { WorkerMode } from '../../server/api/contract.js';
import { WorkerFailedError } from '../../server/errors.js';
import { SuperstepJoin, type JoinedExecution } from '../../server/runtime/superstep-join.js';
import { Cancellation } from '../../server/workers/cancellation.js';
import type { FinishedTask } from '../../server/runtime/frontier.js';
import type { WorkerResult } from '../../server/workers/worker-task.js';

const placement = { mode: WorkerMode.WORKER_MODE_ASYNC, threadId: 0, pid: process.pid };
const answer = (output: unknown): WorkerResult => ({ output, placement });

/** An execution that logs what the join records of it; stopped() maps errors as the run executor's does. */
function execution(worker: string, log: string[], cancellation: Cancellation): JoinedExecution {
  return {
    succeeded: (result) => (log.push(`${worker} succeeded`), { worker, output: result.output, ferried: [] }),
    stopped: (error) => {
      if (cancellation.aborted && (error === cancellation.reason || !(error instanceof WorkerFailedError))) {
        log.push(`${worker} cancelled`);
        return error;
      }
      log.push(`${worker} failed`);
      return error instanceof WorkerFailedError ? error : new WorkerFailedError(worker, 'worker_failed', String(error));
    },
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** The join's tasks: at once, or as a promise. */
function settle(join: SuperstepJoin): FinishedTask[] | Promise<FinishedTask[]> {
  const later = deferred<FinishedTask[]>();
  later.promise.catch(() => {}); // unused when the tasks come at once
  return join.settle(later.resolve, later.reject) ?? later.promise;
}

const setup = () => {
  const cancellation = new Cancellation();
  const log: string[] = [];
  const join = new SuperstepJoin(cancellation, (failure) => cancellation.abort(failure));
  return { cancellation, log, join };
};

describe('superstep join', () => {
  it('answers at once, in frontier order, when every worker answered at once', () => {
    const { cancellation, log, join } = setup();
    join.add(0, execution('a', log, cancellation), answer(1));
    join.add(1, execution('b', log, cancellation), answer(2));
    expect(settle(join)).toEqual([
      { worker: 'a', output: 1, ferried: [] },
      { worker: 'b', output: 2, ferried: [] },
    ]);
  });

  it('keeps frontier order whatever order the workers finish in', async () => {
    const { cancellation, log, join } = setup();
    const slow = deferred<WorkerResult>();
    join.add(0, execution('slow', log, cancellation), slow.promise);
    join.add(1, execution('fast', log, cancellation), Promise.resolve(answer('f')));
    join.add(2, execution('sync', log, cancellation), answer('s'));
    const result = settle(join);
    setTimeout(() => slow.resolve(answer('late')), 5);
    expect((await result).map((t) => t.output)).toEqual(['late', 'f', 's']);
    expect(log).toEqual(['sync succeeded', 'fast succeeded', 'slow succeeded']);
  });

  it('fails at the first failure, aborts the siblings and records them as cancelled, and drops their late answers', async () => {
    const { cancellation, log, join } = setup();
    const sibling = deferred<WorkerResult>();
    join.add(0, execution('sibling', log, cancellation), sibling.promise);
    join.add(1, execution('broken', log, cancellation), Promise.reject(new Error('boom')));
    const error = await (settle(join) as Promise<unknown>).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerFailedError);
    expect((error as WorkerFailedError).worker).toBe('broken');
    expect(cancellation.reason).toBe(error);
    sibling.resolve(answer('too late'));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['broken failed', 'sibling cancelled']);
  });

  it('fails as soon as the run is cancelled, even if a worker never settles', async () => {
    const { cancellation, log, join } = setup();
    join.add(0, execution('stuck', log, cancellation), new Promise<WorkerResult>(() => {}));
    const result = settle(join) as Promise<unknown>;
    cancellation.abort({ code: 'cancelled', message: 'run cancelled' });
    await expect(result).rejects.toEqual({ code: 'cancelled', message: 'run cancelled' });
    expect(log).toEqual(['stuck cancelled']);
  });

  it('fails when a worker could not be dispatched, stopping the ones already running', async () => {
    const { cancellation, log, join } = setup();
    join.add(0, execution('running', log, cancellation), new Promise<WorkerResult>(() => {}));
    const failure = new WorkerFailedError('missing', 'mode_unavailable', "mode 'thread' is not enabled");
    join.fail(failure);
    expect(join.failed).toBe(true);
    await expect(settle(join)).rejects.toBe(failure);
    expect(log).toEqual(['running cancelled']);
  });
});
