// The Checkpointer in SQL, for PostgreSQL and PGlite alike. Writes from concurrent runs are grouped: while one
// batch commits, the next writes queue up and then go out together (see checkpoint-batch.ts).
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { CheckpointNotFoundError, DatabaseUnavailableError } from '../errors.js';
import type { RunEvent } from '../api/contract.js';
import type { RunProgress } from '../runtime/frontier.js';
import type { Checkpointer, CheckpointFilter, CheckpointRecord, CheckpointWrite, FeedbackAsked, FeedbackResolution, NewRun, RunFinish } from './checkpointer.js';
import type { Database } from './database.js';
import { batchKinds, batchSize, deferWritesOfNewRuns, emptyBatch, writeBatch, type Batch, type Pending } from './checkpoint-batch.js';
import { decodePageToken, encodePageToken } from './page-token.js';

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
  readonly durable = true;
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
      if (batchSize(batch) === 0) break;
      this.batch = deferWritesOfNewRuns(batch);
      try {
        const ids = await writeBatch(this.db, batch);
        this.stats.transactions++;
        this.stats.writes += batchSize(batch);
        this.retryDelayMs = 50;
        batch.runs.forEach((p) => p.resolve(p.value.id));
        batch.checkpoints.forEach((p, i) => p.resolve(ids[i]));
        batch.asked.forEach((p) => p.resolve(p.value.id));
        batch.resolved.forEach((p) => p.resolve(p.value.id));
        batch.finishes.forEach((p) => p.resolve(p.value.runId));
      } catch (error) {
        if (!(error instanceof DatabaseUnavailableError)) {
          // One bad write (a duplicate idempotency key, a deleted run) must not fail the others it was grouped with.
          if (batchSize(batch) > 1) await this.writeOneByOne(batch);
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
    for (const kind of batchKinds) {
      for (const pending of batch[kind] as Array<Pending<unknown>>) {
        const single = emptyBatch();
        (single[kind] as Array<Pending<unknown>>).push(pending);
        try {
          const ids = await writeBatch(this.db, single);
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
