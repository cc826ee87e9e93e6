// Durable sessions, one suite run against both backends: PostgreSQL (a real cluster) and embedded PGlite.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RunStatus, status } from '../../clients/ts/src/index.js';
import { expectStatus } from '../support/expect-status.js';
import { startDaemon, type DaemonOptions, type DaemonProcess } from '../support/daemon-process.js';
import { createDatabase, freePort } from '../support/postgres-cluster.js';

describe.each(['postgres', 'pglite'] as const)('durable sessions on %s', (backend) => {
  let daemon: DaemonProcess;
  let database: DaemonOptions;

  beforeAll(async () => {
    database = backend === 'postgres' ? { databaseUrl: await createDatabase(inject('postgres')) } : {};
    daemon = await startDaemon(database);
    if (backend === 'pglite') database = { dataDir: daemon.dataDir };
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  async function restart() {
    await daemon.stop();
    daemon = await startDaemon(database);
  }

  it('multi-turn: each turn sees the history and state of the earlier ones, also after a restart', async () => {
    const sessionId = `chat-${backend}`;
    const first = await daemon.client.invoke('chat', 'hello', { sessionId });
    const second = await daemon.client.invoke('chat', 'how are you?', { sessionId });
    expect(first.output).toEqual({ turn: 1, message: 'hello', earlier: [], previous: null });
    expect(second.output).toEqual({ turn: 2, message: 'how are you?', earlier: ['hello'], previous: 'hello' });
    await restart();
    const third = await daemon.client.invoke('chat', 'still there?', { sessionId });
    expect(third.output).toEqual({ turn: 3, message: 'still there?', earlier: ['hello', 'how are you?'], previous: 'how are you?' });
    const session = await daemon.client.getSession(sessionId);
    expect(session).toMatchObject({ id: sessionId, agent: 'chat', runCount: 3, lastRunId: third.id, state: { turns: 3, last: 'still there?' } });
  });

  it('a session swept from memory after its idle TTL comes back from the database with its history and state', async () => {
    const metricsPort = await freePort();
    await daemon.stop();
    daemon = await startDaemon({ ...database, env: { AGENTD_SESSION_IDLE_TTL_MS: '500', AGENTD_SESSION_SWEEP_MS: '50', AGENTD_METRICS_PORT: String(metricsPort) } });
    const loaded = async () => Number(/agentd_sessions_loaded(?:\{[^}]*\})? (\d+)/.exec(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text())?.[1]);
    try {
      const sessionId = `swept-${backend}`;
      await daemon.client.invoke('chat', 'before', { sessionId });
      expect(await loaded()).toBe(1);
      await expect.poll(loaded, { timeout: 5000, interval: 50 }).toBe(0);
      const after = await daemon.client.invoke('chat', 'after', { sessionId });
      expect(after.output).toEqual({ turn: 2, message: 'after', earlier: ['before'], previous: 'before' });
    } finally {
      await restart();
    }
  });

  it('turns of one session run one after another, in order', async () => {
    const sessionId = `queue-${backend}`;
    const runs = await Promise.all(['a', 'b', 'c', 'd'].map((m) => daemon.client.submit('chat', m, { sessionId })));
    const done = await Promise.all(runs.map((r) => daemon.client.wait(r.id)));
    expect(done.map((r) => r.output.turn)).toEqual([1, 2, 3, 4]);
  });

  it('a session can switch to another agent and keep its history and state', async () => {
    const sessionId = `switch-${backend}`;
    await daemon.client.invoke('chat', 'one', { sessionId });
    await daemon.client.invoke('chat', 'two', { sessionId });
    const recap = await daemon.client.invoke('recap', null, { sessionId });
    expect(recap.output).toEqual({ turns: 2, agents: ['chat', 'chat'], inputs: ['one', 'two'] });
    expect((await daemon.client.getSession(sessionId))).toMatchObject({ agent: 'recap', runCount: 3 });
  });

  it('checkpoints every superstep; a fork resumes from an earlier one and leaves the original intact', async () => {
    const sessionId = `fork-${backend}`;
    const original = await daemon.client.invoke('counter', null, { sessionId });
    expect(original.output).toEqual({ c: 111 });
    const { checkpoints } = await daemon.client.listCheckpoints({ runId: original.id });
    expect(checkpoints.map((c) => c.superstep)).toEqual([3, 2, 1]);
    const afterA = checkpoints.find((c) => c.superstep === 1)!;
    expect(afterA).toMatchObject({ runId: original.id, sessionId, agent: 'counter', state: { total: 1 }, outputs: { a: { a: 1 } }, nextWorkers: ['b'] });

    const state = await daemon.client.getState({ sessionId, checkpointId: afterA.id });
    expect(state).toEqual(afterA);

    const fork = await daemon.client.fork(afterA.id, { statePatch: { total: 1000 } });
    expect(fork.forkedFromCheckpointId).toBe(afterA.id);
    const forked = await daemon.client.wait(fork.id);
    expect(forked.status).toBe(RunStatus.RUN_STATUS_SUCCEEDED);
    expect(forked.output).toEqual({ c: 1110 });
    expect((await daemon.client.getRun(original.id)).output).toEqual({ c: 111 });
    const again = await daemon.client.listCheckpoints({ runId: original.id });
    expect(again.checkpoints).toEqual(checkpoints);
    const forkCheckpoints = await daemon.client.listCheckpoints({ runId: fork.id });
    expect(forkCheckpoints.checkpoints.map((c) => c.superstep)).toEqual([3, 2]);
    const latest = await daemon.client.getState({ sessionId });
    expect(latest).toMatchObject({ runId: fork.id, superstep: 3, state: { total: 1110 }, nextWorkers: [] });
  });

  it('lists checkpoints of a session newest first, in pages', async () => {
    const sessionId = `pages-${backend}`;
    await daemon.client.invoke('counter', null, { sessionId });
    await daemon.client.invoke('counter', null, { sessionId });
    const first = await daemon.client.listCheckpoints({ sessionId, pageSize: 4 });
    const second = await daemon.client.listCheckpoints({ sessionId, pageSize: 4, pageToken: first.nextPageToken });
    const all = [...first.checkpoints, ...second.checkpoints];
    expect(all).toHaveLength(6);
    expect(second.nextPageToken).toBe('');
    expect(all.map((c: { id: string }) => Number(c.id))).toEqual([...all.map((c: { id: string }) => Number(c.id))].sort((a, b) => b - a));
  });

  it('store: put, get, search by namespace prefix and filter, delete', async () => {
    const put = (namespace: string[], key: string, value: unknown) => daemon.client.putItem(namespace, key, value);
    await put(['users', 'ada', 'prefs'], 'theme', { kind: 'preference', value: 'dark' });
    await put(['users', 'ada', 'prefs'], 'lang', { kind: 'preference', value: 'en' });
    await put(['users', 'ada', 'notes'], 'n1', { kind: 'note', text: 'likes tea' });
    await put(['users', 'bob', 'prefs'], 'theme', { kind: 'preference', value: 'light' });
    const updated = await put(['users', 'ada', 'prefs'], 'theme', { kind: 'preference', value: 'solarized' });
    expect(updated).toMatchObject({ namespace: ['users', 'ada', 'prefs'], key: 'theme', value: { kind: 'preference', value: 'solarized' } });

    const got = await daemon.client.getItem(['users', 'ada', 'prefs'], 'theme');
    expect(got.value).toEqual({ kind: 'preference', value: 'solarized' });

    const ada = await daemon.client.searchItems(['users', 'ada']);
    expect(ada.items.map((i: { key: string }) => i.key)).toEqual(['n1', 'lang', 'theme']);
    const prefs = await daemon.client.searchItems(['users'], { filter: { kind: 'preference' }, pageSize: 2 });
    expect(prefs.items).toHaveLength(2);
    const rest = await daemon.client.searchItems(['users'], { filter: { kind: 'preference' }, pageSize: 2, pageToken: prefs.nextPageToken });
    expect([...prefs.items, ...rest.items].map((i: { namespace: string[]; key: string }) => `${i.namespace[1]}/${i.key}`)).toEqual(['ada/lang', 'ada/theme', 'bob/theme']);

    await daemon.client.deleteItem(['users', 'ada', 'notes'], 'n1');
    await expectStatus(daemon.client.getItem(['users', 'ada', 'notes'], 'n1'), status.NOT_FOUND, /no item 'n1' in namespace \[users, ada, notes\]/);
    await expectStatus(daemon.client.deleteItem(['users', 'ada', 'notes'], 'n1'), status.NOT_FOUND);
    await expectStatus(daemon.client.putItem([], 'k', 1), status.INVALID_ARGUMENT, /namespace is required/);
    await expectStatus(daemon.client.getItem(['a'], ''), status.INVALID_ARGUMENT, /key is required/);
  });

  it('workers use the store from every mode: async, and the blocking twins in a thread and a process', async () => {
    const run = await daemon.client.invoke('memory', { user: `u-${backend}`, fact: 'likes tea' });
    expect(run.output).toEqual(['async:async', 'process:process', 'thread:thread']);
    const stored = await daemon.client.searchItems(['users', `u-${backend}`]);
    expect(stored.items).toHaveLength(3);
  });

  it('sessions: get, list in pages, delete with their runs', async () => {
    const ids = [`s1-${backend}`, `s2-${backend}`, `s3-${backend}`];
    for (const sessionId of ids) await daemon.client.invoke('echo', sessionId, { sessionId });
    const first = await daemon.client.listSessions({ pageSize: 2 });
    expect(first.sessions.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    const second = await daemon.client.listSessions({ pageSize: 2, pageToken: first.nextPageToken });
    expect(second.sessions[0].id).toBe(ids[0]);

    expect(await daemon.client.deleteSession(ids[1])).toBe(0);
    await expectStatus(daemon.client.getSession(ids[1]), status.NOT_FOUND, /session 's2-.*' does not exist/);
    expect((await daemon.client.listRuns({ sessionId: ids[1] })).runs).toEqual([]);
    await expectStatus(daemon.client.deleteSession(ids[1]), status.NOT_FOUND);
  });

  it('deleting a session cancels its running runs first', async () => {
    const sessionId = `busy-${backend}`;
    const run = await daemon.client.submit('slow', { ms: 30_000 }, { sessionId });
    await new Promise((r) => setTimeout(r, 200));
    expect(await daemon.client.deleteSession(sessionId)).toBe(1);
    await expectStatus(daemon.client.getRun(run.id), status.NOT_FOUND);
  });

  it('Submit with an idempotency key returns the same run after a restart', async () => {
    const key = `pay-invoice-${backend}`;
    const first = await daemon.client.submit('echo', 'pay', { idempotencyKey: key });
    await daemon.client.wait(first.id);
    await restart();
    const again = await daemon.client.submit('echo', 'pay', { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    expect(again.status).toBe(RunStatus.RUN_STATUS_SUCCEEDED);
  });

  it('ephemeral agents keep runs in memory only: no checkpoints, gone after a restart', async () => {
    const run = await daemon.client.invoke('scratch', 'temporary', { sessionId: `scratch-${backend}` });
    expect(run.output).toBe('temporary');
    expect((await daemon.client.getRun(run.id)).status).toBe(RunStatus.RUN_STATUS_SUCCEEDED);
    expect((await daemon.client.listCheckpoints({ runId: run.id })).checkpoints).toEqual([]);
    await restart();
    await expectStatus(daemon.client.getRun(run.id), status.NOT_FOUND);
  });

  it('bad session, checkpoint and fork requests get clear statuses', async () => {
    await expectStatus(daemon.client.getSession('nobody-here'), status.NOT_FOUND, /does not exist/);
    await expectStatus(daemon.client.getSession(''), status.INVALID_ARGUMENT, /session_id is required/);
    await expectStatus(daemon.client.getState({}), status.INVALID_ARGUMENT, /session_id .* or checkpoint_id/);
    await expectStatus(daemon.client.getState({ checkpointId: 'abc' }), status.INVALID_ARGUMENT, /is not a checkpoint id/);
    await expectStatus(daemon.client.getState({ checkpointId: '999999999' }), status.NOT_FOUND, /checkpoint '999999999' does not exist/);
    await expectStatus(daemon.client.fork(''), status.INVALID_ARGUMENT, /checkpoint_id is required/);
    await expectStatus(daemon.client.listCheckpoints({}), status.INVALID_ARGUMENT, /exactly one of session_id or run_id/);
    await expectStatus(daemon.client.listSessions({ pageToken: 'nope' }), status.INVALID_ARGUMENT, /page_token/);
    expect((await daemon.client.invoke('echo', 'alive')).output).toBe('alive');
  });
});
