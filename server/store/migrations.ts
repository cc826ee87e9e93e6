// Versioned schema migrations, applied in order at start-up under an advisory lock (several daemons may start at once).
import type { Database } from './database.js';

const MIGRATIONS: Array<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'sessions, runs, checkpoints, store items',
    sql: `
      create table agentd_sessions (
        id text primary key,
        agent text not null,
        config jsonb not null default '{}',
        state jsonb not null default '{}',
        run_count integer not null default 0,
        last_run_id uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create table agentd_runs (
        id uuid primary key,
        session_id text not null,
        agent text not null,
        status smallint not null,
        input jsonb,
        output jsonb,
        error jsonb,
        config jsonb not null default '{}',
        idempotency_key text unique,
        forked_from bigint,
        supersteps integer not null default 0,
        created_at timestamptz not null default now(),
        finished_at timestamptz
      );
      create index agentd_runs_session on agentd_runs (session_id, created_at desc);
      create index agentd_runs_unfinished on agentd_runs (created_at) where status in (1, 2, 3);
      create table agentd_checkpoints (
        id bigserial primary key,
        run_id uuid not null references agentd_runs (id) on delete cascade,
        session_id text not null,
        superstep integer not null,
        progress jsonb not null,
        events jsonb not null default '[]',
        created_at timestamptz not null default now(),
        unique (run_id, superstep)
      );
      create index agentd_checkpoints_session on agentd_checkpoints (session_id, id desc);
      create table agentd_store_items (
        namespace text[] not null,
        key text not null,
        value jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (namespace, key)
      );
    `,
  },
  {
    version: 2,
    name: 'feedback requests',
    sql: `
      create table agentd_feedback (
        id uuid primary key,
        run_id uuid not null references agentd_runs (id) on delete cascade,
        session_id text not null,
        agent text not null,
        worker text not null,
        call_key text not null,
        payload jsonb,
        status text not null default 'pending',
        answer jsonb,
        answered_by text,
        deadline timestamptz,
        created_at timestamptz not null default now(),
        resolved_at timestamptz,
        unique (run_id, call_key)
      );
      create index agentd_feedback_pending on agentd_feedback (created_at) where status = 'pending';
    `,
  },
];

export async function migrate(db: Database): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(7350123)');
    await tx.query('create table if not exists agentd_schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())');
    const { rows } = await tx.query<{ version: number }>('select version from agentd_schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const now: number[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('insert into agentd_schema_migrations (version, name) values ($1, $2)', [migration.version, migration.name]);
      now.push(migration.version);
    }
    return now;
  });
}
