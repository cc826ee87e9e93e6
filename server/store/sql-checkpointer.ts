// The Checkpointer in SQL, for PostgreSQL and PGlite alike. Writes from concurrent runs are grouped: while one
// transaction commits, the next writes queue up and then go out together as multi-row statements.
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { CheckpointNotFoundError, DatabaseUnavailableError } from '../errors.js';
import type { RunEvent } from '../api/contract.js';
import type { RunProgress } from '../runtime/frontier.js';
import type { Checkpointer, CheckpointFilter, CheckpointRecord, CheckpointWrite, FeedbackAsked, FeedbackResolution, NewRun, RunFinish } from './checkpointer.js';
import type { Database, Queryable } from './database.js';
import { decodePageToken, encodePageToken } from './page-token.js';

interface Pending<T> {
  value: T;
  resolve(id: string): void;
  reject(error: Error): void;
}

interface Batch {
  runs: Pending<NewRun>[];
  checkpoints: Pending<CheckpointWrite>[];
  asked: Pending<FeedbackAsked>[];
  resolved: Pending<FeedbackResolution>[];
  finishes: Pending<RunFinish>[];
}

const emptyBatch = (): Batch => ({ runs: [], checkpoints: [], asked: [], resolved: [], finishes: [] });
const size = (b: Batch) => b.runs.length + b.checkpoints.length + b.asked.length + b.resolved.length + b.finishes.length;

const RUN_STATUS_QUEUED = 1;
const RUN_STATUS_RUNNING = 2;
const json = (value: unknown) => JSON.stringify(value ?? null);

interface CheckpointRow {
  id: string;
  run_id: string;
  session_id: string;
  agent: string;
  superstep: number;
  progress: RunProgress;
  events: RunEvent[];
  created_at: Date;
}

const CHECKPOINT_COLUMNS = 'c.id::text as id, c.run_id::text as run_id, c.session_id, r.agent, c.superstep, c.progress, c.events, c.created_at';

function toRecord(row: CheckpointRow): CheckpointRecord {
  return { id: row.id, runId: row.run_id, sessionId: row.session_id, agent: row.agent, superstep: row.superstep, progress: row.progress, events: row.events, createdAt: row.created_at };
}

export class SqlCheckpointer implements Checkpointer {
  private batch: Batch = emptyBatch();
  private flushing = false;
  private closed = false;
  private retryDelayMs = 50;
  /** Transactions committed and writes they carried, for metrics and the bench. */
  readonly stats = { transactions: 0, writes: 0 };

  constructor(private readonly db: Database) {}

  createRun(run: NewRun): Promise<void> {
    return new Promise<string>((resolve, reject) => this.enqueue('runs', { value: run, resolve, reject })).then(() => undefined);
  }

  save(checkpoint: CheckpointWrite, finish?: RunFinish): Promise<string> {
    const saved = new Promise<string>((resolve, reject) => this.enqueue('checkpoints', { value: checkpoint, resolve, reject }));
    if (finish) this.enqueue('finishes', { value: finish, resolve: () => {}, reject: () => {} });
    return saved;
  }

  finish(finish: RunFinish): Promise<void> {
    return new Promise<string>((resolve, reject) => this.enqueue('finishes', { value: finish, resolve, reject })).then(() => undefined);
  }

  feedbackAsked(asked: FeedbackAsked): Promise<void> {
    return new Promise<string>((resolve, reject) => this.enqueue('asked', { value: asked, resolve, reject })).then(() => undefined);
  }

  feedbackResolved(resolution: FeedbackResolution): Promise<void> {
    return new Promise<string>((resolve, reject) => this.enqueue('resolved', { value: resolution, resolve, reject })).then(() => undefined);
  }

  private enqueue<K extends keyof Batch>(kind: K, pending: Batch[K][number]): void {
    (this.batch[kind] as Array<Batch[K][number]>).push(pending);
    if (!this.flushing) {
      this.flushing = true;
      // Let writes issued in the same tick join this transaction.
      // One transaction serves many runs: its spans start their own trace instead of joining one run's.
      setImmediate(() => void context.with(ROOT_CONTEXT, () => this.flushLoop()));
    }
  }

  private async flushLoop(): Promise<void> {
    while (!this.closed) {
      const batch = this.batch;
      if (size(batch) === 0) break;
      this.batch = emptyBatch();
      try {
        const ids = await this.db.transaction((tx) => this.write(tx, batch));
        this.stats.transactions++;
        this.stats.writes += size(batch);
        this.retryDelayMs = 50;
        batch.runs.forEach((p) => p.resolve(p.value.id));
        batch.checkpoints.forEach((p, i) => p.resolve(ids[i]));
        batch.asked.forEach((p) => p.resolve(p.value.id));
        batch.resolved.forEach((p) => p.resolve(p.value.id));
        batch.finishes.forEach((p) => p.resolve(p.value.runId));
      } catch (error) {
        if (!(error instanceof DatabaseUnavailableError)) {
          // One bad write (a duplicate idempotency key, a deleted run) must not fail the others it was grouped with.
          if (size(batch) > 1) await this.writeOneByOne(batch);
          else [...batch.runs, ...batch.checkpoints, ...batch.asked, ...batch.resolved, ...batch.finishes].forEach((p) => p.reject(error as Error));
          continue;
        }
        // New runs fail fast (the client hears UNAVAILABLE); acknowledged runs' writes wait for the database.
        batch.runs.forEach((p) => p.reject(error as Error));
        this.batch.checkpoints.unshift(...batch.checkpoints);
        this.batch.asked.unshift(...batch.asked);
        this.batch.resolved.unshift(...batch.resolved);
        this.batch.finishes.unshift(...batch.finishes);
        await new Promise((r) => setTimeout(r, this.retryDelayMs));
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 2000);
      }
    }
    this.flushing = false;
  }

  /** Writes each item of a failed batch in its own transaction, so only the bad ones are rejected. */
  private async writeOneByOne(batch: Batch): Promise<void> {
    const kinds = ['runs', 'checkpoints', 'asked', 'resolved', 'finishes'] as const;
    for (const kind of kinds) {
      for (const pending of batch[kind] as Array<Pending<unknown>>) {
        const single = emptyBatch();
        (single[kind] as Array<Pending<unknown>>).push(pending);
        try {
          const ids = await this.db.transaction((tx) => this.write(tx, single));
          this.stats.transactions++;
          this.stats.writes++;
          pending.resolve(kind === 'checkpoints' ? ids[0] : '');
        } catch (error) {
          if (error instanceof DatabaseUnavailableError && kind !== 'runs') (this.batch[kind] as Array<Pending<unknown>>).push(pending);
          else pending.reject(error as Error);
        }
      }
    }
  }

  private async write(tx: Queryable, batch: Batch): Promise<string[]> {
    if (batch.runs.length) {
      const runs = batch.runs.map((p) => p.value);
      // The session follows its latest run's agent and config: a session can switch agents.
      await tx.query(
        `insert into agentd_sessions (id, agent, config)
         select distinct on (id) id, agent, config from unnest($1::text[], $2::text[], $3::jsonb[]) as s(id, agent, config)
         on conflict (id) do update set agent = excluded.agent, config = excluded.config, updated_at = now()`,
        [runs.map((r) => r.sessionId), runs.map((r) => r.agent), runs.map((r) => json(r.config))],
      );
      await tx.query(
        `insert into agentd_runs (id, session_id, agent, status, input, config, idempotency_key, forked_from)
         select id, session_id, agent, ${RUN_STATUS_QUEUED}, input, config, nullif(idempotency_key, ''), forked_from
         from unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::text[], $7::bigint[])
           as r(id, session_id, agent, input, config, idempotency_key, forked_from)`,
        [
          runs.map((r) => r.id),
          runs.map((r) => r.sessionId),
          runs.map((r) => r.agent),
          runs.map((r) => json(r.input)),
          runs.map((r) => json(r.config)),
          runs.map((r) => r.idempotencyKey),
          runs.map((r) => r.forkedFrom ?? null),
        ],
      );
    }
    let ids: string[] = [];
    if (batch.checkpoints.length) {
      const cps = batch.checkpoints.map((p) => p.value);
      const { rows } = await tx.query<{ id: string; run_id: string; superstep: number }>(
        `insert into agentd_checkpoints (run_id, session_id, superstep, progress, events)
         select * from unnest($1::uuid[], $2::text[], $3::int[], $4::jsonb[], $5::jsonb[])
         returning id::text as id, run_id::text as run_id, superstep`,
        [cps.map((c) => c.runId), cps.map((c) => c.sessionId), cps.map((c) => c.progress.superstep), cps.map((c) => json(c.progress)), cps.map((c) => json(c.events))],
      );
      const byKey = new Map(rows.map((r) => [`${r.run_id}/${r.superstep}`, r.id]));
      ids = cps.map((c) => byKey.get(`${c.runId}/${c.progress.superstep}`)!);
      await tx.query(
        // Status numbers grow along the lifecycle: greatest() moves queued to running and leaves later states alone.
        `update agentd_runs r set status = greatest(r.status, ${RUN_STATUS_RUNNING}), supersteps = greatest(r.supersteps, u.superstep)
         from unnest($1::uuid[], $2::int[]) as u(id, superstep) where r.id = u.id`,
        [cps.map((c) => c.runId), cps.map((c) => c.progress.superstep)],
      );
    }
    if (batch.asked.length) {
      const asked = batch.asked.map((p) => p.value);
      await tx.query(
        `insert into agentd_feedback (id, run_id, session_id, agent, worker, call_key, payload, deadline)
         select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[])
         on conflict (run_id, call_key) do nothing`,
        [
          asked.map((a) => a.id),
          asked.map((a) => a.runId),
          asked.map((a) => a.sessionId),
          asked.map((a) => a.agent),
          asked.map((a) => a.worker),
          asked.map((a) => a.callKey),
          asked.map((a) => json(a.payload)),
          asked.map((a) => a.deadline?.toISOString() ?? null),
        ],
      );
      await tx.query(`update agentd_runs set status = 3 where id = any($1::uuid[]) and status in (1, 2)`, [asked.map((a) => a.runId)]);
    }
    if (batch.resolved.length) {
      const resolved = batch.resolved.map((p) => p.value);
      await tx.query(
        `update agentd_feedback f set status = u.status, answer = u.answer, answered_by = u.answered_by, resolved_at = now()
         from unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[]) as u(id, status, answer, answered_by) where f.id = u.id and f.status = 'pending'`,
        [resolved.map((r) => r.id), resolved.map((r) => r.status), resolved.map((r) => json(r.answer)), resolved.map((r) => r.answeredBy)],
      );
      await tx.query(
        `update agentd_runs r set status = 2 where r.id = any($1::uuid[]) and r.status = 3
           and not exists (select 1 from agentd_feedback f where f.run_id = r.id and f.status = 'pending')`,
        [resolved.map((r) => r.runId)],
      );
    }
    if (batch.finishes.length) {
      const fs = batch.finishes.map((p) => p.value);
      await tx.query(
        `update agentd_runs r set status = u.status, output = u.output, error = u.error, supersteps = u.supersteps, finished_at = now()
         from unnest($1::uuid[], $2::smallint[], $3::jsonb[], $4::jsonb[], $5::int[]) as u(id, status, output, error, supersteps) where r.id = u.id`,
        [fs.map((f) => f.runId), fs.map((f) => f.status), fs.map((f) => json(f.output)), fs.map((f) => (f.error ? json(f.error) : null)), fs.map((f) => f.supersteps)],
      );
      await tx.query(
        `update agentd_sessions s set state = u.state, run_count = s.run_count + 1, last_run_id = u.run_id, updated_at = now()
         from unnest($1::text[], $2::jsonb[], $3::uuid[]) as u(id, state, run_id) where s.id = u.id`,
        [fs.map((f) => f.sessionId), fs.map((f) => json(f.state)), fs.map((f) => f.runId)],
      );
    }
    return ids;
  }

  async latest(runId: string): Promise<CheckpointRecord | undefined> {
    const { rows } = await this.db.query<CheckpointRow>(
      `select ${CHECKPOINT_COLUMNS} from agentd_checkpoints c join agentd_runs r on r.id = c.run_id where c.run_id = $1 order by c.superstep desc limit 1`,
      [runId],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async latestOfSession(sessionId: string): Promise<CheckpointRecord | undefined> {
    const { rows } = await this.db.query<CheckpointRow>(
      `select ${CHECKPOINT_COLUMNS} from agentd_checkpoints c join agentd_runs r on r.id = c.run_id where c.session_id = $1 order by c.id desc limit 1`,
      [sessionId],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async get(checkpointId: string): Promise<CheckpointRecord> {
    if (!/^\d{1,18}$/.test(checkpointId)) throw new CheckpointNotFoundError(checkpointId);
    const { rows } = await this.db.query<CheckpointRow>(`select ${CHECKPOINT_COLUMNS} from agentd_checkpoints c join agentd_runs r on r.id = c.run_id where c.id = $1`, [checkpointId]);
    if (!rows[0]) throw new CheckpointNotFoundError(checkpointId);
    return toRecord(rows[0]);
  }

  async list(filter: CheckpointFilter, pageSize: number, pageToken: string) {
    const cursor = decodePageToken(pageToken, 'ListCheckpoints');
    const { rows } = await this.db.query<CheckpointRow>(
      `select ${CHECKPOINT_COLUMNS} from agentd_checkpoints c join agentd_runs r on r.id = c.run_id
       where ($1::text is null or c.session_id = $1) and ($2::uuid is null or c.run_id = $2) and ($3::bigint is null or c.id < $3)
       order by c.id desc limit $4`,
      [filter.sessionId ?? null, filter.runId ?? null, cursor ? String(cursor[0]) : null, pageSize + 1],
    );
    const page = rows.slice(0, pageSize).map(toRecord);
    return { checkpoints: page, nextPageToken: rows.length > pageSize ? encodePageToken([page.at(-1)!.id]) : '' };
  }

  async events(runId: string): Promise<RunEvent[]> {
    const { rows } = await this.db.query<{ events: RunEvent[] }>('select events from agentd_checkpoints where run_id = $1 order by superstep', [runId]);
    return rows.flatMap((r) => r.events);
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setTimeout(r, 10));
    this.closed = true;
  }
}
