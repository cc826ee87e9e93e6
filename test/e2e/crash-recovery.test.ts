// Nothing acknowledged is lost: a daemon killed mid-run resumes every run from its last checkpoint,
// and PostgreSQL going away under a running daemon costs neither runs nor checkpoints.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RunStatus, status } from '../../clients/ts/src/index.js';
import { PGliteDatabase } from '../../server/store/pglite-database.js';
import { expectStatus } from '../support/expect-status.js';
import { startDaemon, type DaemonOptions, type DaemonProcess } from '../support/daemon-process.js';
import { createDatabase, startServer, stopServer } from '../support/postgres-cluster.js';

const RUNS = 20;
const STEPS = ['s1', 's2', 's3', 's4'];

/** Last checkpointed superstep of each run, read straight from the database the dead daemon used. */
async function checkpointedSupersteps(database: DaemonOptions & { dataDir?: string }): Promise<Map<string, number>> {
  const sql = 'select run_id::text as run_id, max(superstep) as superstep from agentd_checkpoints group by run_id';
  let rows: Array<{ run_id: string; superstep: number }>;
  if (database.databaseUrl) {
    const client = new pg.Client({ connectionString: database.databaseUrl });
    await client.connect();
    rows = (await client.query(sql)).rows;
    await client.end();
  } else {
    const db = await PGliteDatabase.open(path.join(database.dataDir!, 'pglite'));
    rows = (await db.query<{ run_id: string; superstep: number }>(sql)).rows;
    await db.close();
  }
  return new Map(rows.map((r) => [r.run_id, Number(r.superstep)]));
}

describe.each(['postgres', 'pglite'] as const)('crash recovery on %s', (backend) => {
  const daemons: DaemonProcess[] = [];
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
  });

  it(`resumes ${RUNS} multi-step runs after SIGKILL; no worker finished before the last checkpoint runs twice`, async () => {
    const counterDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentd-counters-'));
    const env = { AGENTD_TEST_COUNTER_DIR: counterDir };
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentd-crash-'));
    const database: DaemonOptions = backend === 'postgres' ? { databaseUrl: await createDatabase(inject('postgres')) } : { dataDir };

    const first = await startDaemon({ ...database, env });
    daemons.push(first);
    const submitted = await Promise.all(Array.from({ length: RUNS }, (_, i) => first.client.submit('steps', { id: i }, { sessionId: `crash-${backend}-${i}` })));
    await sleep(400);
    await first.kill('SIGKILL');

    const durable = await checkpointedSupersteps({ ...database, dataDir });
    const midway = submitted.filter((r) => (durable.get(r.id) ?? 0) > 0 && (durable.get(r.id) ?? 0) < STEPS.length);
    expect(midway.length).toBeGreaterThan(0); // the kill really landed in the middle of runs

    const second = await startDaemon({ ...database, env });
    daemons.push(second);
    const finished = await Promise.all(submitted.map((r) => second.client.wait(r.id, 30_000)));
    finished.forEach((run, i) => {
      expect(run.status).toBe(RunStatus.RUN_STATUS_SUCCEEDED);
      expect(run.output).toEqual([`run-${i}`, ...STEPS]);
    });

    for (const run of submitted) {
      const lines = fs.readFileSync(path.join(counterDir, run.id), 'utf8').trim().split('\n');
      const checkpointed = durable.get(run.id) ?? 0;
      STEPS.forEach((step, index) => {
        const executions = lines.filter((l) => l === step).length;
        if (index + 1 <= checkpointed) expect(executions, `${step} of run ${run.id} (checkpointed through superstep ${checkpointed})`).toBe(1);
        else expect(executions).toBeGreaterThanOrEqual(1);
      });
    }
    // The resumed runs' streams still start with their original events: history is replayed, not lost.
    const events = await second.client.listCheckpoints({ runId: midway[0].id });
    expect(events.checkpoints.map((c) => c.superstep)).toEqual([4, 3, 2, 1]);
  });
});

describe('PostgreSQL going away under a running daemon', () => {
  let daemon: DaemonProcess | undefined;
  afterAll(async () => {
    await daemon?.stop();
  });

  it('answers UNAVAILABLE while it is down, then finishes every run with every checkpoint', async () => {
    const cluster = inject('postgres');
    daemon = await startDaemon({ databaseUrl: await createDatabase(cluster) });
    const runs = await Promise.all(Array.from({ length: 5 }, (_, i) => daemon!.client.submit('steps', { id: i }, { sessionId: `outage-${i}` })));
    await sleep(200);
    stopServer(cluster, 'fast');
    try {
      await expectStatus(daemon.client.getSession('outage-0'), status.UNAVAILABLE, /PostgreSQL is unavailable.*reconnects/);
      await expectStatus(daemon.client.submit('echo', 'during the outage'), status.UNAVAILABLE);
      await sleep(600); // the runs keep working; their checkpoints wait for the database
    } finally {
      startServer(cluster);
    }
    const finished = await Promise.all(runs.map((r) => daemon!.client.wait(r.id, 30_000)));
    finished.forEach((run, i) => expect(run).toMatchObject({ status: RunStatus.RUN_STATUS_SUCCEEDED, output: [`run-${i}`, ...STEPS] }));
    for (const run of runs) {
      const { checkpoints } = await daemon.client.listCheckpoints({ runId: run.id });
      expect(checkpoints.map((c) => c.superstep)).toEqual([4, 3, 2, 1]);
    }
    expect((await daemon.client.invoke('echo', 'back again')).output).toBe('back again');
  });
});
