// Thread and process workers: same results as async, blocking runtime calls, crash isolation, cancellation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunFailedError, RunStatus, WorkerMode, type RunEvent } from '../../clients/ts/src/index.js';
import { collect, label } from '../support/collect.js';
import { startDaemon, type DaemonProcess } from '../support/daemon-process.js';

let daemon: DaemonProcess;
beforeAll(async () => {
  daemon = await startDaemon({ env: { AGENTD_THREAD_MAX_OLD_GEN_MB: '64', AGENTD_PROCESS_MAX_OLD_GEN_MB: '96', AGENTD_THREADS: '2', AGENTD_PROCESSES: '2' } });
});
afterAll(async () => {
  await daemon?.stop();
});

const placementOf = (events: RunEvent[], worker: string) => events.find((e) => e.workerFinished?.worker === worker)!.workerFinished!.placement!;

async function failure(agent: string, input: unknown) {
  const error = await daemon.client.invoke(agent, input).catch((e) => e);
  expect(error).toBeInstanceOf(RunFailedError);
  return (error as RunFailedError).run.error!;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the same CPU-bound worker in every mode', () => {
  it('gives the same output and reports where it ran', async () => {
    const runs = {
      async: await collect(daemon.client.stream('primes-async', { below: 50_000 })),
      thread: await collect(daemon.client.stream('primes-thread', { below: 50_000 })),
      process: await collect(daemon.client.stream('primes-process', { below: 50_000 })),
    };
    for (const events of Object.values(runs)) expect(events.at(-1)!.runFinished!.output).toEqual({ below: 50_000, primes: 5133 });
    expect(placementOf(runs.async, 'count')).toEqual({ mode: WorkerMode.WORKER_MODE_ASYNC, threadId: 0, pid: daemon.pid });
    const thread = placementOf(runs.thread, 'count');
    expect(thread.mode).toBe(WorkerMode.WORKER_MODE_THREAD);
    expect(thread.pid).toBe(daemon.pid);
    expect(thread.threadId).toBeGreaterThan(0);
    const proc = placementOf(runs.process, 'count');
    expect(proc.mode).toBe(WorkerMode.WORKER_MODE_PROCESS);
    expect(proc.pid).not.toBe(daemon.pid);
    // The pool picks the thread as the task starts: worker_started says thread mode, worker_finished which thread.
    expect(runs.thread.find((e) => e.workerStarted)!.workerStarted!.placement).toEqual({ ...thread, threadId: 0 });
    expect(runs.process.find((e) => e.workerStarted)!.workerStarted!.placement).toEqual(proc);
  });

  it('lists each worker with its mode', async () => {
    const agents = await daemon.client.listAgents();
    const modeOf = (agent: string, worker: string) => agents.find((a) => a.name === agent)!.workers.find((w) => w.name === worker)!.mode;
    expect(modeOf('primes-thread', 'count')).toBe(WorkerMode.WORKER_MODE_THREAD);
    expect(modeOf('primes-process', 'count')).toBe(WorkerMode.WORKER_MODE_PROCESS);
    expect(modeOf('wordcount-py', 'count')).toBe(WorkerMode.WORKER_MODE_PROCESS);
    expect(modeOf('wordcount-py', 'report')).toBe(WorkerMode.WORKER_MODE_ASYNC);
  });
});

describe('runtime calls from threads and processes', () => {
  it.each(['thread', 'process'])('a %s worker’s blocking emitSync events reach the stream in order', async (mode) => {
    const events = await collect(daemon.client.stream(`act-${mode}`, { action: 'emit-sync', n: 5 }));
    const labels = events.map(label);
    const start = labels.indexOf('worker_started:act');
    expect(labels.slice(start, start + 7)).toEqual(['worker_started:act', ...Array(5).fill('custom:step'), 'worker_finished:act']);
    expect(events.filter((e) => e.custom).map((e) => e.custom!.data)).toEqual([1, 2, 3, 4, 5].map((i) => ({ i })));
  });

  it('async emit from a thread and a process keeps its order before the worker finishes', async () => {
    const events = await collect(daemon.client.stream('emit-async-modes', { n: 4 }));
    const labels = events.map(label);
    expect(labels).toEqual([
      'run_started',
      'worker_started:threaded',
      ...Array(4).fill('custom:step'),
      'worker_finished:threaded',
      'worker_started:forked',
      ...Array(4).fill('custom:step'),
      'worker_finished:forked',
      'run_finished',
    ]);
  });

  it('ferryTo works from a thread worker', async () => {
    const run = await daemon.client.invoke('act-thread', { action: 'ferry' });
    expect(run.output).toEqual({ after: { from: 'act' } });
  });

  it('a blocking twin called on the main loop fails the worker with a clear message', async () => {
    const error = await failure('blocking-on-main-loop', null);
    expect(error.worker).toBe('oops');
    expect(error.message).toMatch(/emitSync blocks and cannot be called on the main loop; in an async worker use 'await ctx.emit/);
  });

  it('a Python process worker returns its result and emits through the protocol', async () => {
    const events = await collect(daemon.client.stream('wordcount-py', 'The cat and the hat. The end!'));
    expect(events.find((e) => e.custom)!.custom).toMatchObject({ worker: 'count', name: 'progress', data: { words: 7 } });
    expect(events.find((e) => e.workerFinished?.worker === 'count')!.workerFinished!.output).toEqual({ words: 7, most_common: ['the', 'and', 'cat'] });
    expect(events.at(-1)!.runFinished!.output).toBe('7 words; most common: the, and, cat');
  });
});

describe('crash isolation: only the crashing run fails, and the pool recovers', () => {
  const cases: Array<[mode: string, action: string, code: string, cause: RegExp]> = [
    ['thread', 'throw', 'worker_failed', /thread mode\) failed: deliberate failure in act/],
    ['thread', 'exit', 'worker_crashed', /thread mode\) crashed: its thread exited/],
    ['thread', 'oom', 'worker_crashed', /thread mode\) crashed: its thread ran out of memory/],
    ['process', 'throw', 'worker_failed', /process mode, pid \d+\) failed: deliberate failure in act/],
    ['process', 'exit', 'worker_crashed', /process mode, pid \d+\) crashed: it exited with code 3/],
    ['process', 'sigkill', 'worker_crashed', /process mode, pid \d+\) crashed: it was killed with SIGKILL/],
    ['process', 'segfault', 'worker_crashed', /process mode, pid \d+\) crashed: it crashed with a segmentation fault \(SIGSEGV\)/],
    ['process', 'oom', 'worker_crashed', /process mode, pid \d+\) crashed: it ran out of memory/],
  ];

  it.each(cases)('%s worker: %s', async (mode, action, code, cause) => {
    const sibling = daemon.client.invoke('slow', { ms: 300 });
    const error = await failure(`act-${mode}`, { action });
    expect(error).toMatchObject({ code, worker: 'act' });
    expect(error.message).toMatch(cause);
    expect((await sibling).status).toBe(RunStatus.RUN_STATUS_SUCCEEDED);
    const next = await daemon.client.invoke(`act-${mode}`, { action: 'where' });
    expect(next.output.after.pid).toBeGreaterThan(0);
  });
});

describe('cancellation and timeouts', () => {
  async function startedRun(agent: string, input: unknown) {
    const stream = daemon.client.stream(agent, input)[Symbol.asyncIterator]();
    for (;;) {
      const { value } = await stream.next();
      if (value.workerStarted) return { runId: value.runId, placement: value.workerStarted.placement!, stream };
    }
  }

  it('CancelRun kills a process worker stuck in a busy loop within 2 s', async () => {
    const { runId, placement } = await startedRun('act-process', { action: 'busy' });
    expect(isAlive(placement.pid)).toBe(true);
    const asked = Date.now();
    await daemon.client.cancel(runId, 'stuck');
    const run = await daemon.client.wait(runId, 5000);
    expect(run.status).toBe(RunStatus.RUN_STATUS_CANCELLED);
    for (let i = 0; i < 40 && isAlive(placement.pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(placement.pid)).toBe(false);
    expect(Date.now() - asked).toBeLessThan(2000);
    expect((await daemon.client.invoke('act-process', { action: 'where' })).status).toBe(RunStatus.RUN_STATUS_SUCCEEDED);
  });

  it('CancelRun aborts a thread worker stuck in a busy loop, and the pool keeps serving', async () => {
    const { runId } = await startedRun('act-thread', { action: 'busy' });
    await daemon.client.cancel(runId);
    expect((await daemon.client.wait(runId, 5000)).status).toBe(RunStatus.RUN_STATUS_CANCELLED);
    const again = await Promise.all([1, 2, 3].map(() => daemon.client.invoke('primes-thread', { below: 1000 })));
    expect(again.map((r) => r.output.primes)).toEqual([168, 168, 168]);
  });

  it('a worker that exceeds its timeout fails the run with a timeout error', async () => {
    const error = await failure('timeouts', { action: 'busy' });
    expect(error).toMatchObject({ code: 'timeout', worker: 'act' });
    expect(error.message).toBe("worker 'act' (process) timed out after 500 ms");
  });
});

describe('process recycling', () => {
  it('replaces a process after AGENTD_PROCESS_MAX_TASKS tasks', async () => {
    const small = await startDaemon({ env: { AGENTD_PROCESSES: '1', AGENTD_PROCESS_MAX_TASKS: '2' } });
    try {
      const pids: number[] = [];
      for (let i = 0; i < 4; i++) pids.push((await small.client.invoke('act-process', { action: 'where' })).output.after.pid);
      expect(pids[0]).toBe(pids[1]);
      expect(pids[2]).not.toBe(pids[1]);
      expect(pids[2]).toBe(pids[3]);
    } finally {
      await small.stop();
    }
  });
});
