// Invoke, Stream, Submit/WaitRun/GetRun/CancelRun/ListRuns and ListAgents through the real gRPC API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunFailedError, RunStatus, WorkerMode } from '../../clients/ts/src/index.js';
import { collect, label } from '../support/collect.js';
import { startDaemon, type DaemonProcess } from '../support/daemon-process.js';

let daemon: DaemonProcess;
beforeAll(async () => {
  daemon = await startDaemon();
});
afterAll(async () => {
  await daemon?.stop();
});

describe('Invoke', () => {
  it('runs the diamond to completion and returns the summary of both branches', async () => {
    const run = await daemon.client.invoke('diamond', { x: 1 });
    expect(run.status).toBe(RunStatus.RUN_STATUS_SUCCEEDED);
    expect(run.output).toBe('w1=4, w2=6, total=10');
    expect(run.supersteps).toBe(3);
    expect(run.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps the session id the client chose', async () => {
    const run = await daemon.client.invoke('echo', { hello: ['world', 1, true, null] }, { sessionId: 'user-42:chat' });
    expect(run.sessionId).toBe('user-42:chat');
    expect(run.output).toEqual({ hello: ['world', 1, true, null] });
  });

  it('fails the run, not the daemon, when a worker throws, naming the worker and its message', async () => {
    const error = await daemon.client.invoke('failing', { a: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    const run = (error as RunFailedError).run;
    expect(run.status).toBe(RunStatus.RUN_STATUS_FAILED);
    expect(run.error).toMatchObject({ code: 'worker_failed', worker: 'explode' });
    expect(run.error?.message).toContain('the flux capacitor is out of flux');
    expect((await daemon.client.invoke('echo', 'still serving')).output).toBe('still serving');
  });

  it('stops the other branches of a superstep when one fails, and fails the run with the failing worker', async () => {
    const started = Date.now();
    const error = await daemon.client.invoke('failing-branch', null).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(5_000); // the sibling would wait 10 s had its signal not fired
    const run = (error as RunFailedError).run;
    expect(run.status).toBe(RunStatus.RUN_STATUS_FAILED);
    expect(run.error).toMatchObject({ code: 'worker_failed', worker: 'explode' });
    expect(run.error?.message).toContain('branch blew up');
  });

  it('calls the builder once per session, with that session’s config', async () => {
    const first = await daemon.client.invoke('greeter', 'Ada', { sessionId: 's-fr', config: { greeting: 'Bonjour' } });
    const again = await daemon.client.invoke('greeter', 'Alan', { sessionId: 's-fr' });
    const other = await daemon.client.invoke('greeter', 'Grace', { sessionId: 's-en' });
    expect(first.output.text).toBe('Bonjour, Ada!');
    expect(again.output.text).toBe('Bonjour, Alan!');
    expect(again.output.instance).toBe(first.output.instance);
    expect(again.output.config).toEqual({ greeting: 'Bonjour' });
    expect(other.output.text).toBe('Hello, Grace!');
    expect(other.output.instance).not.toBe(first.output.instance);
  });
});

describe('Stream', () => {
  it('streams worker events in order, with the two branches overlapping in time', async () => {
    const events = await collect(daemon.client.stream('diamond', { x: 2 }));
    const labels = events.map(label);
    expect(labels[0]).toBe('run_started');
    expect(labels.slice(1, 3)).toEqual(['worker_started:w0', 'worker_finished:w0']);
    expect(labels.slice(3, 5).sort()).toEqual(['worker_started:w1', 'worker_started:w2']);
    expect(labels.slice(5, 7).sort()).toEqual(['worker_finished:w1', 'worker_finished:w2']);
    expect(labels.slice(7)).toEqual(['worker_started:summary', 'worker_finished:summary', 'run_finished']);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    const finished = events.find((e) => e.workerFinished?.worker === 'w1')!.workerFinished!;
    expect(finished.output).toBe(6);
    expect(finished.placement).toMatchObject({ mode: WorkerMode.WORKER_MODE_ASYNC, pid: daemon.pid });
    expect(finished.durationMs).toBeGreaterThan(50);
    expect(events.at(-1)!.runFinished).toMatchObject({ status: RunStatus.RUN_STATUS_SUCCEEDED, output: 'w1=6, w2=9, total=15' });
  });

  it('delivers custom events emitted by a worker between its start and finish', async () => {
    const labels = (await collect(daemon.client.stream('emitter', { n: 3 }))).map(label);
    expect(labels).toEqual(['run_started', 'worker_started:count', 'custom:progress', 'custom:progress', 'custom:progress', 'worker_finished:count', 'run_finished']);
  });

  it('ends with a failed run_finished event naming the failing worker', async () => {
    const events = await collect(daemon.client.stream('failing', {}));
    const failedWorker = events.find((e) => e.workerFinished?.worker === 'explode')!.workerFinished!;
    expect(failedWorker.error?.message).toContain('flux');
    expect(events.at(-1)!.runFinished).toMatchObject({ status: RunStatus.RUN_STATUS_FAILED, error: { worker: 'explode' } });
  });
});

describe('ferryTo', () => {
  it('routes a run to the worker chosen at run time', async () => {
    const question = await collect(daemon.client.stream('router', { text: 'is it raining?' }));
    const statement = await collect(daemon.client.stream('router', { text: 'it is raining' }));
    expect(question.map(label)).toContain('worker_started:answer');
    expect(question.map(label)).not.toContain('worker_started:acknowledge');
    expect(question.at(-1)!.runFinished!.output).toBe('Answering the question: is it raining?');
    expect(statement.map(label)).toContain('worker_started:acknowledge');
    expect(statement.map(label)).not.toContain('worker_started:answer');
    expect(statement.at(-1)!.runFinished!.output).toBe('Noted: it is raining');
  });

  it('can loop a worker back to itself, one superstep per hop', async () => {
    const run = await daemon.client.invoke('looper', 990);
    expect(run.output).toBe(1000);
    expect(run.supersteps).toBe(11);
  });

  it('fails the run with a clear message when ferrying to a worker that does not exist', async () => {
    const error = (await daemon.client.invoke('bad-ferry', null).catch((e) => e)) as RunFailedError;
    expect(error.run.error?.message).toMatch(/no such worker.*nowhere|nowhere.*no such worker/);
    expect(error.run.error?.worker).toBe('route');
  });

  it('stops a run that exceeds the superstep limit', async () => {
    const error = (await daemon.client.invoke('looper', -5000).catch((e) => e)) as RunFailedError;
    expect(error.run.error).toMatchObject({ code: 'superstep_limit' });
    expect(error.run.error?.message).toContain('AGENTD_MAX_SUPERSTEPS');
  });
});

describe('background runs', () => {
  it('Submit returns at once; WaitRun and GetRun return the finished run', async () => {
    const submitted = await daemon.client.submit('diamond', { x: 10 });
    expect([RunStatus.RUN_STATUS_QUEUED, RunStatus.RUN_STATUS_RUNNING]).toContain(submitted.status);
    const waited = await daemon.client.wait(submitted.id);
    expect(waited).toMatchObject({ id: submitted.id, status: RunStatus.RUN_STATUS_SUCCEEDED, output: 'w1=22, w2=33, total=55' });
    expect(waited.finishedAt).toBeTruthy();
    expect(await daemon.client.getRun(submitted.id)).toEqual(waited);
  });

  it('WaitRun returns the run still running when its timeout passes first', async () => {
    const submitted = await daemon.client.submit('slow', { ms: 2000 });
    const waited = await daemon.client.wait(submitted.id, 100);
    expect(waited.status).toBe(RunStatus.RUN_STATUS_RUNNING);
    await daemon.client.cancel(submitted.id);
  });

  it('Submit with the same idempotency key returns the same run', async () => {
    const key = `order-${Date.now()}`;
    const [a, b] = await Promise.all([
      daemon.client.submit('echo', 1, { idempotencyKey: key }),
      daemon.client.submit('echo', 1, { idempotencyKey: key }),
    ]);
    const c = await daemon.client.submit('echo', 1, { idempotencyKey: key });
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    const d = await daemon.client.submit('echo', 1, { idempotencyKey: `${key}-other` });
    expect(d.id).not.toBe(a.id);
  });

  it('CancelRun stops a running run and reports it cancelled', async () => {
    const submitted = await daemon.client.submit('slow', { ms: 30_000 });
    await new Promise((r) => setTimeout(r, 200));
    const cancelled = await daemon.client.cancel(submitted.id, 'user changed their mind');
    const finished = await daemon.client.wait(cancelled.id, 5000);
    expect(finished.status).toBe(RunStatus.RUN_STATUS_CANCELLED);
    expect(finished.error).toMatchObject({ code: 'cancelled', message: 'cancelled: user changed their mind' });
  });

  it('ListRuns filters by session and agent, newest first, in pages', async () => {
    const sessionId = `list-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await daemon.client.invoke('echo', i, { sessionId })).id);
    await daemon.client.invoke('diamond', { x: 1 }, { sessionId });
    const first = await daemon.client.listRuns({ sessionId, agent: 'echo', pageSize: 3 });
    expect(first.runs.map((r) => r.id)).toEqual(ids.slice(2).reverse());
    const second = await daemon.client.listRuns({ sessionId, agent: 'echo', pageSize: 3, pageToken: first.nextPageToken });
    expect(second.runs.map((r) => r.id)).toEqual(ids.slice(0, 2).reverse());
    expect(second.nextPageToken).toBe('');
    const succeeded = await daemon.client.listRuns({ sessionId, status: RunStatus.RUN_STATUS_SUCCEEDED });
    expect(succeeded.runs).toHaveLength(6);
  });
});

describe('ListAgents', () => {
  it('lists each agent with its workers, their modes, edges, start and output workers', async () => {
    const agents = await daemon.client.listAgents();
    expect(agents.map((a) => a.name)).toEqual(expect.arrayContaining(['diamond', 'echo', 'router', 'slow']));
    const diamond = agents.find((a) => a.name === 'diamond')!;
    expect(diamond.description).toContain('fan-out');
    expect(diamond.startWorkers).toEqual(['w0']);
    expect(diamond.outputWorker).toBe('summary');
    expect(diamond.workers).toContainEqual({ name: 'summary', mode: WorkerMode.WORKER_MODE_ASYNC, after: ['w1', 'w2'], description: '' });
  });
});

describe('command line', () => {
  it('exits quietly when its output is piped into a reader that stops early (agentd agents | head)', async () => {
    const { execFile } = await import('node:child_process');
    // `true` exits before agentd has its answer, so agentd's first write meets a closed pipe.
    const script = `set -o pipefail; bin/agentd agents --address ${daemon.address} | true`;
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile('bash', ['-c', script], (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr })),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
