// The Checkpointer conformance suite, run against both backends: PostgreSQL and PGlite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RunStatus } from '../../server/api/contract.js';
import type { RunProgress } from '../../server/runtime/frontier.js';
import type { Database } from '../../server/store/database.js';
import { migrate } from '../../server/store/migrations.js';
import { PGliteDatabase } from '../../server/store/pglite-database.js';
import { PostgresDatabase } from '../../server/store/postgres-database.js';
import { RunRows } from '../../server/store/run-rows.js';
import { SessionRows } from '../../server/store/session-rows.js';
import { SqlCheckpointer } from '../../server/store/sql-checkpointer.js';
import { createDatabase } from '../support/postgres-cluster.js';

const progress = (superstep: number, state: Record<string, unknown> = {}): RunProgress => ({
  superstep,
  outputs: { [`w${superstep}`]: superstep },
  joins: {},
  frontier: superstep < 3 ? [{ worker: `w${superstep + 1}`, input: superstep }] : [],
  lastFinished: [`w${superstep}`],
  state,
});

// PostgreSQL twice: with named prepared statements (the default) and without (behind PgBouncer in transaction mode).
describe.each(['postgres', 'postgres without prepared statements', 'pglite'] as const)('Checkpointer on %s', (backend) => {
  let db: Database;
  let checkpointer: SqlCheckpointer;
  beforeAll(async () => {
    db =
      backend === 'pglite'
        ? await PGliteDatabase.open(fs.mkdtempSync(path.join(os.tmpdir(), 'agentd-unit-')))
        : new PostgresDatabase({
            url: await createDatabase(inject('postgres'), 'unit'),
            poolSize: 5,
            maxWaiting: 100,
            acquireTimeoutMs: 5000,
            preparedStatements: backend === 'postgres',
          });
    await migrate(db);
    await migrate(db); // applying twice is a no-op
    checkpointer = new SqlCheckpointer(db);
  });
  afterAll(async () => {
    await checkpointer?.close();
    await db?.close();
  });

  const newRun = (sessionId: string) => ({ id: randomUUID(), sessionId, agent: 'a', input: { q: 1 }, config: { c: true }, idempotencyKey: '' });

  it('records a run, its checkpoints in order, and its end with the session state', async () => {
    const run = newRun('s-order');
    await checkpointer.createRun(run);
    const ids = [];
    for (const step of [1, 2]) ids.push(await checkpointer.save({ runId: run.id, sessionId: run.sessionId, progress: progress(step, { n: step }), events: [] }));
    const last = progress(3, { n: 3 });
    ids.push(
      await checkpointer.save(
        { runId: run.id, sessionId: run.sessionId, progress: last, events: [] },
        { runId: run.id, sessionId: run.sessionId, agent: 'a', config: {}, status: RunStatus.RUN_STATUS_SUCCEEDED, output: 'done', error: undefined, supersteps: 3, state: last.state },
      ),
    );
    expect(new Set(ids).size).toBe(3);
    expect((await checkpointer.latest(run.id))?.progress).toEqual(last);
    expect((await checkpointer.get(ids[0])).progress.state).toEqual({ n: 1 });
    const listed = await checkpointer.list({ runId: run.id }, 10, '');
    expect(listed.checkpoints.map((c) => c.superstep)).toEqual([3, 2, 1]);
    const row = await new RunRows(db).get(run.id);
    expect(row).toMatchObject({ status: RunStatus.RUN_STATUS_SUCCEEDED, output: 'done', supersteps: 3 });
    expect(await new SessionRows(db).get(run.sessionId)).toMatchObject({ state: { n: 3 }, run_count: 1, last_run_id: run.id });
  });

  it('lists runs left unfinished, for recovery', async () => {
    const run = newRun('s-unfinished');
    await checkpointer.createRun(run);
    await checkpointer.save({ runId: run.id, sessionId: run.sessionId, progress: progress(1), events: [] });
    const unfinished = await new RunRows(db).unfinished();
    expect(unfinished.find((r) => r.id === run.id)).toMatchObject({ status: RunStatus.RUN_STATUS_RUNNING, supersteps: 1 });
  });

  it('groups concurrent writes into shared transactions', async () => {
    const before = { ...checkpointer.stats };
    const runs = Array.from({ length: 40 }, (_, i) => newRun(`s-group-${i}`));
    await Promise.all(runs.map((r) => checkpointer.createRun(r)));
    await Promise.all(runs.map((r) => checkpointer.save({ runId: r.id, sessionId: r.sessionId, progress: progress(1), events: [] })));
    const transactions = checkpointer.stats.transactions - before.transactions;
    expect(checkpointer.stats.writes - before.writes).toBe(80);
    expect(transactions).toBeLessThanOrEqual(4);
  });

  it('keeps a session right when one batch finishes its run and creates its next one with another agent', async () => {
    const first = newRun('s-turns');
    await checkpointer.createRun(first);
    const second = { ...newRun('s-turns'), agent: 'b', config: { switched: true } };
    await Promise.all([
      checkpointer.save(
        { runId: first.id, sessionId: first.sessionId, progress: progress(3, { turn: 1 }), events: [] },
        { runId: first.id, sessionId: first.sessionId, agent: 'a', config: {}, status: RunStatus.RUN_STATUS_SUCCEEDED, output: 'one', error: undefined, supersteps: 3, state: { turn: 1 } },
      ),
      checkpointer.createRun(second),
    ]);
    expect(await new SessionRows(db).get('s-turns')).toMatchObject({ agent: 'b', config: { switched: true }, state: { turn: 1 }, run_count: 1, last_run_id: first.id });
    expect(await new RunRows(db).get(first.id)).toMatchObject({ status: RunStatus.RUN_STATUS_SUCCEEDED, output: 'one', supersteps: 3 });
    expect(await new RunRows(db).get(second.id)).toMatchObject({ status: RunStatus.RUN_STATUS_QUEUED, agent: 'b' });
  });

  it('leaves a run its final status when a question, its withdrawal and the finish share a batch', async () => {
    const run = newRun('s-feedback');
    await checkpointer.createRun(run);
    await checkpointer.save({ runId: run.id, sessionId: run.sessionId, progress: progress(1), events: [] });
    const question = randomUUID();
    await Promise.all([
      checkpointer.feedbackAsked({ id: question, runId: run.id, sessionId: run.sessionId, agent: 'a', worker: 'w2', callKey: '2/0/w2/1', payload: { q: '?' }, deadline: undefined }),
      checkpointer.feedbackResolved({ id: question, runId: run.id, status: 'withdrawn', answer: null, answeredBy: '' }),
      checkpointer.finish({ runId: run.id, sessionId: run.sessionId, agent: 'a', config: {}, status: RunStatus.RUN_STATUS_CANCELLED, output: null, error: { code: 'cancelled', message: 'cancelled', worker: '' }, supersteps: 1, state: {} }),
    ]);
    expect(await new RunRows(db).get(run.id)).toMatchObject({ status: RunStatus.RUN_STATUS_CANCELLED, error: { code: 'cancelled' }, supersteps: 1 });
    const asked = await db.query<{ status: string }>('select status from agentd_feedback where id = $1', [question]);
    expect(asked.rows[0].status).toBe('withdrawn');
  });

  it('writes a checkpoint saved before its run was recorded after the run, not lost', async () => {
    const run = newRun('s-early');
    const [, id] = await Promise.all([checkpointer.createRun(run), checkpointer.save({ runId: run.id, sessionId: run.sessionId, progress: progress(1), events: [] })]);
    expect((await checkpointer.get(id)).runId).toBe(run.id);
    expect(await new RunRows(db).get(run.id)).toMatchObject({ status: RunStatus.RUN_STATUS_RUNNING, supersteps: 1 });
  });

  it('rejects a new run with a clear error when its insert fails, without losing the others in the batch', async () => {
    const good = newRun('s-batch');
    const duplicate = { ...newRun('s-batch'), idempotencyKey: 'dup-key' };
    await checkpointer.createRun(duplicate);
    const results = await Promise.allSettled([checkpointer.createRun(good), checkpointer.createRun({ ...newRun('s-batch'), idempotencyKey: 'dup-key' })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await new RunRows(db).get(good.id)).id).toBe(good.id);
  });
});
