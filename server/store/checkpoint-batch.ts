// One group commit: the writes of many runs that queued up together, written as a single SQL statement.
// On PGlite a statement costs ~0.3 ms however small it is, and on PostgreSQL each one is a round trip, so a batch
// is one statement of data-modifying CTEs, built from the kinds of writes it holds. Feedback writes, whose
// statements must see each other's effects, follow in the same transaction when a batch has any.
import type { Database, Queryable } from './database.js';
import type { CheckpointWrite, FeedbackAsked, FeedbackResolution, NewRun, RunFinish } from './checkpointer.js';

export interface Pending<T> {
  value: T;
  resolve(id: string): void;
  reject(error: Error): void;
}

export interface Batch {
  runs: Pending<NewRun>[];
  checkpoints: Pending<CheckpointWrite>[];
  asked: Pending<FeedbackAsked>[];
  resolved: Pending<FeedbackResolution>[];
  finishes: Pending<RunFinish>[];
}

export const batchKinds = ['runs', 'checkpoints', 'asked', 'resolved', 'finishes'] as const;
/** The writes about a run that already exists. */
const runBoundKinds = batchKinds.filter((kind) => kind !== 'runs') as Array<Exclude<(typeof batchKinds)[number], 'runs'>>;

export const emptyBatch = (): Batch => ({ runs: [], checkpoints: [], asked: [], resolved: [], finishes: [] });

export const batchSize = (b: Batch) => b.runs.length + b.checkpoints.length + b.asked.length + b.resolved.length + b.finishes.length;

const RUN_STATUS_QUEUED = 1;
const RUN_STATUS_RUNNING = 2;
const RUN_STATUS_WAITING_FEEDBACK = 3;
const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * Moves out of `batch` the writes for runs that `batch` itself creates: a statement cannot update a row it inserts,
 * so those go in the next batch. (The runtime awaits a run's creation before running it, so this is rare.)
 */
export function deferWritesOfNewRuns(batch: Batch): Batch {
  const deferred = emptyBatch();
  if (batch.runs.length === 0) return deferred;
  const created = new Set(batch.runs.map((p) => p.value.id));
  for (const kind of runBoundKinds) {
    const list = batch[kind] as Array<Pending<{ runId: string }>>;
    if (!list.some((p) => created.has(p.value.runId))) continue;
    const keep = list.filter((p) => !created.has(p.value.runId));
    (deferred[kind] as Array<Pending<{ runId: string }>>).push(...list.filter((p) => created.has(p.value.runId)));
    list.splice(0, list.length, ...keep);
  }
  return deferred;
}

/** Writes `batch` in one transaction; returns the ids of its checkpoints, in order. */
export async function writeBatch(db: Database, batch: Batch): Promise<string[]> {
  const statement = mainStatement(batch);
  if (batch.asked.length === 0 && batch.resolved.length === 0) return checkpointIds(batch, statement ? await db.query(statement.sql, statement.params) : undefined);
  return db.transaction(async (tx) => {
    const result = statement ? await tx.query(statement.sql, statement.params) : undefined;
    await writeFeedback(tx, batch);
    return checkpointIds(batch, result);
  });
}

interface Statement {
  sql: string;
  params: unknown[];
}

type CheckpointIdRow = { id: string; run_id: string; superstep: number };

function checkpointIds(batch: Batch, result: { rows: unknown[] } | undefined): string[] {
  if (batch.checkpoints.length === 0) return [];
  const byKey = new Map((result!.rows as CheckpointIdRow[]).map((r) => [`${r.run_id}/${r.superstep}`, r.id]));
  return batch.checkpoints.map((p) => byKey.get(`${p.value.runId}/${p.value.progress.superstep}`)!);
}

/** Sessions, runs and checkpoints of the batch as one statement; each row is changed by one of its parts at most. */
function mainStatement(batch: Batch): Statement | undefined {
  const params: unknown[] = [];
  const rows = (alias: string, columns: Record<string, string>, values: unknown[][]) => rowSource(alias, columns, values, params);
  const ctes: string[] = [];
  const sessions = sessionChanges(batch);
  const created = [...sessions].filter(([, s]) => s.agent !== undefined);
  const finishedOnly = [...sessions].filter(([, s]) => s.agent === undefined);
  if (created.length) {
    // A session follows its latest run's agent and config (a session can switch agents).
    const source = rows('u', { id: 'text', agent: 'text', config: 'jsonb', state: 'jsonb', finished: 'int', last_run_id: 'uuid' }, created.map(([id, s]) => [id, s.agent, json(s.config), s.finished ? json(s.state) : null, s.finished, s.lastRunId ?? null]));
    ctes.push(`sessions_upserted as (
      insert into agentd_sessions as s (id, agent, config, state, run_count, last_run_id)
      select id, agent, config, coalesce(state, '{}'), finished, last_run_id from ${source}
      on conflict (id) do update set agent = excluded.agent, config = excluded.config,
        state = case when excluded.run_count > 0 then excluded.state else s.state end,
        run_count = s.run_count + excluded.run_count, last_run_id = coalesce(excluded.last_run_id, s.last_run_id), updated_at = now())`);
  }
  if (finishedOnly.length) {
    const source = rows('u', { id: 'text', state: 'jsonb', finished: 'int', last_run_id: 'uuid' }, finishedOnly.map(([id, s]) => [id, json(s.state), s.finished, s.lastRunId]));
    ctes.push(`sessions_updated as (
      update agentd_sessions s set state = u.state, run_count = s.run_count + u.finished, last_run_id = u.last_run_id, updated_at = now()
      from ${source} where s.id = u.id)`);
  }
  if (batch.runs.length) {
    const source = rows(
      'r',
      { id: 'uuid', session_id: 'text', agent: 'text', input: 'jsonb', config: 'jsonb', idempotency_key: 'text', forked_from: 'bigint' },
      batch.runs.map(({ value: r }) => [r.id, r.sessionId, r.agent, json(r.input), json(r.config), r.idempotencyKey || null, r.forkedFrom ?? null]),
    );
    ctes.push(`runs_inserted as (
      insert into agentd_runs (id, session_id, agent, status, input, config, idempotency_key, forked_from)
      select id, session_id, agent, ${RUN_STATUS_QUEUED}, input, config, idempotency_key, forked_from from ${source})`);
  }
  if (batch.checkpoints.length) {
    const source = rows(
      'c',
      { run_id: 'uuid', session_id: 'text', superstep: 'int', progress: 'jsonb', events: 'jsonb' },
      batch.checkpoints.map(({ value: c }) => [c.runId, c.sessionId, c.progress.superstep, json(c.progress), json(c.events)]),
    );
    ctes.push(`checkpoints_inserted as (
      insert into agentd_checkpoints (run_id, session_id, superstep, progress, events)
      select run_id, session_id, superstep, progress, events from ${source}
      returning id::text as id, run_id::text as run_id, superstep)`);
  }
  const runChanges = runUpdates(batch);
  if (runChanges.length) {
    const source = rows(
      'u',
      { id: 'uuid', superstep: 'int', status: 'smallint', output: 'jsonb', error: 'jsonb' },
      runChanges.map(([id, c]) => [id, c.finish?.supersteps ?? c.superstep, c.finish?.status ?? null, c.finish ? json(c.finish.output) : null, c.finish?.error ? json(c.finish.error) : null]),
    );
    // A checkpoint moves a queued run to running (status numbers grow along the lifecycle, so greatest() leaves
    // later states alone) and counts its supersteps; a finish sets the final status, output and error.
    ctes.push(`runs_updated as (
      update agentd_runs r set
        status = coalesce(u.status, greatest(r.status, ${RUN_STATUS_RUNNING})),
        supersteps = case when u.status is null then greatest(r.supersteps, u.superstep) else u.superstep end,
        output = case when u.status is null then r.output else u.output end,
        error = case when u.status is null then r.error else u.error end,
        finished_at = case when u.status is null then r.finished_at else now() end
      from ${source} where r.id = u.id)`);
  }
  if (ctes.length === 0) return undefined;
  const main = batch.checkpoints.length ? 'select * from checkpoints_inserted' : 'select 1';
  return { sql: `with ${ctes.join(',\n')}\n${main}`, params };
}

/** Above this many rows a part binds one array per column (unnest) instead of one parameter per value. */
const MAX_VALUES_ROWS = 32;

/**
 * `rows` as a FROM source `alias(columns)` over parameters appended to `params`. A VALUES list costs PGlite about
 * half as much as unnest for a few rows; past a few dozen, one array per column is cheaper on both backends and
 * keeps the parameter count within PostgreSQL's limit however large the batch.
 */
function rowSource(alias: string, columns: Record<string, string>, rows: unknown[][], params: unknown[]): string {
  const names = Object.keys(columns);
  const types = Object.values(columns);
  if (rows.length > MAX_VALUES_ROWS) {
    const arrays = types.map((type, i) => `$${params.push(rows.map((row) => row[i]))}::${type}[]`);
    return `unnest(${arrays.join(', ')}) as ${alias}(${names.join(', ')})`;
  }
  const tuples = rows.map((row) => `(${row.map((value, i) => `$${params.push(value)}::${types[i]}`).join(', ')})`);
  return `(values ${tuples.join(', ')}) as ${alias}(${names.join(', ')})`;
}

interface SessionChange {
  /** Set when the batch creates a run in the session: the session is inserted or switched to this agent/config. */
  agent?: string;
  config?: Record<string, unknown>;
  /** Runs of the session the batch finishes, and the state and run id the last of them leaves. */
  finished: number;
  state?: Record<string, unknown>;
  lastRunId?: string;
}

function sessionChanges(batch: Batch): Map<string, SessionChange> {
  const sessions = new Map<string, SessionChange>();
  const change = (id: string) => sessions.get(id) ?? sessions.set(id, { finished: 0 }).get(id)!;
  for (const { value: run } of batch.runs) Object.assign(change(run.sessionId), { agent: run.agent, config: run.config });
  for (const { value: finish } of batch.finishes) {
    const session = change(finish.sessionId);
    session.finished++;
    session.state = finish.state;
    session.lastRunId = finish.runId;
  }
  return sessions;
}

function runUpdates(batch: Batch): Array<[string, { superstep: number; finish?: RunFinish }]> {
  const runs = new Map<string, { superstep: number; finish?: RunFinish }>();
  for (const { value: cp } of batch.checkpoints) {
    const run = runs.get(cp.runId);
    if (run) run.superstep = Math.max(run.superstep, cp.progress.superstep);
    else runs.set(cp.runId, { superstep: cp.progress.superstep });
  }
  for (const { value: finish } of batch.finishes) {
    const run = runs.get(finish.runId);
    if (run) run.finish = finish;
    else runs.set(finish.runId, { superstep: finish.supersteps, finish });
  }
  return [...runs];
}

/** Questions asked and answered: after the main statement, so a run the batch finishes keeps its final status. */
async function writeFeedback(tx: Queryable, batch: Batch): Promise<void> {
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
    await tx.query(`update agentd_runs set status = ${RUN_STATUS_WAITING_FEEDBACK} where id = any($1::uuid[]) and status in (${RUN_STATUS_QUEUED}, ${RUN_STATUS_RUNNING})`, [
      asked.map((a) => a.runId),
    ]);
  }
  if (batch.resolved.length) {
    const resolved = batch.resolved.map((p) => p.value);
    await tx.query(
      `update agentd_feedback f set status = u.status, answer = u.answer, answered_by = u.answered_by, resolved_at = now()
       from unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[]) as u(id, status, answer, answered_by) where f.id = u.id and f.status = 'pending'`,
      [resolved.map((r) => r.id), resolved.map((r) => r.status), resolved.map((r) => json(r.answer)), resolved.map((r) => r.answeredBy)],
    );
    await tx.query(
      `update agentd_runs r set status = ${RUN_STATUS_RUNNING} where r.id = any($1::uuid[]) and r.status = ${RUN_STATUS_WAITING_FEEDBACK}
         and not exists (select 1 from agentd_feedback f where f.run_id = r.id and f.status = 'pending')`,
      [resolved.map((r) => r.runId)],
    );
  }
}
