// Embedded PostgreSQL (PGlite, WebAssembly) with its data directory on disk: no server to run.
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './database.js';

/**
 * Array types whose values our queries can return (text, uuid, int2/4/8, bool, jsonb, timestamptz arrays). PGlite
 * adds a parser for every array type it knows (~300) and copies that table on every query result (~75 µs), so the
 * daemon keeps these only; base types fall back to PGlite's default parsers.
 */
const RETURNED_ARRAY_TYPES = [1009, 2951, 1005, 1007, 1016, 1000, 3807, 1185];

export class PGliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  private waiting = 0;

  private constructor(private readonly db: PGlite) {}

  static async open(dataDir: string): Promise<PGliteDatabase> {
    fs.mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    db.parsers = Object.fromEntries(RETURNED_ARRAY_TYPES.filter((oid) => db.parsers[oid]).map((oid) => [oid, db.parsers[oid]]));
    return new PGliteDatabase(db);
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    this.waiting++;
    try {
      const result = await this.db.query<R>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    } finally {
      this.waiting--;
    }
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    this.waiting++;
    try {
      return await this.db.transaction(async (t) =>
        work({
          query: async <R>(sql: string, params: unknown[] = []) => {
            const result = await t.query<R>(sql, params);
            return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
          },
          exec: async (sql: string) => void (await t.exec(sql)),
        }),
      );
    } finally {
      this.waiting--;
    }
  }

  stats() {
    // One embedded connection: everything else queues inside PGlite.
    return { inUse: this.waiting > 0 ? 1 : 0, waiting: Math.max(0, this.waiting - 1), size: 1 };
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
