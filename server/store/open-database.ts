// Picks the backend: PostgreSQL when DATABASE_URL is set, embedded PGlite on disk otherwise; then migrates.
import path from 'node:path';
import type { DaemonConfig } from '../config.js';
import type { Database } from './database.js';
import { migrate } from './migrations.js';
import { PGliteDatabase } from './pglite-database.js';
import { PostgresDatabase } from './postgres-database.js';
import { TracedDatabase } from '../telemetry/traced-database.js';
import { tracingRequested } from '../telemetry/tracing.js';

export async function openDatabase(
  config: Pick<DaemonConfig, 'databaseUrl' | 'dataDir' | 'dbPoolSize' | 'dbMaxWaiting' | 'dbAcquireTimeoutMs' | 'dbPreparedStatements'>,
): Promise<Database> {
  const db: Database = config.databaseUrl
    ? new PostgresDatabase({
        url: config.databaseUrl,
        poolSize: config.dbPoolSize,
        maxWaiting: config.dbMaxWaiting,
        acquireTimeoutMs: config.dbAcquireTimeoutMs,
        preparedStatements: config.dbPreparedStatements,
      })
    : await PGliteDatabase.open(path.resolve(config.dataDir, 'pglite'));
  await migrate(db);
  return tracingRequested() ? new TracedDatabase(db) : db;
}
