// PostgreSQL through one pg.Pool, owned by the main thread. Waiting for a connection is bounded.
import pg from 'pg';
import { DatabaseBusyError, DatabaseUnavailableError } from '../errors.js';
import type { Database, Queryable, QueryResult } from './database.js';

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /**
   * Run statements with parameters as named prepared statements, parsed and planned once per connection (default
   * true). Turn off behind a pooler that cannot route them, such as PgBouncer in transaction mode.
   */
  preparedStatements?: boolean;
  /** Callers allowed to wait for a connection before new ones get DatabaseBusyError. */
  maxWaiting: number;
  acquireTimeoutMs: number;
}

// Errors that mean "the server is not there right now", as opposed to a bad query.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

export function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    (e?.code !== undefined && UNAVAILABLE_CODES.has(e.code)) ||
    /Connection terminated|connection ended|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(e?.message ?? '')
  );
}

/** Distinct statement texts given a name at most; statements beyond them run unnamed. */
const MAX_NAMED_STATEMENTS = 200;

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly statementNames = new Map<string, string>();

  constructor(private readonly options: PostgresOptions) {
    this.pool = new pg.Pool({ connectionString: options.url, max: options.poolSize, connectionTimeoutMillis: options.acquireTimeoutMs, idleTimeoutMillis: 30_000 });
    // An idle client losing its server must not take the daemon down; the next query reconnects.
    this.pool.on('error', () => {});
  }

  private translate(error: unknown): never {
    if (isUnavailable(error)) throw new DatabaseUnavailableError(`PostgreSQL is unavailable (${(error as Error).message}); the daemon reconnects when it returns`);
    if (/timeout exceeded when trying to connect/i.test((error as Error)?.message ?? '')) {
      throw new DatabaseBusyError(`all ${this.options.poolSize} database connections stayed busy for ${this.options.acquireTimeoutMs} ms; retry later or raise AGENTD_DB_POOL_SIZE`);
    }
    throw error;
  }

  private checkBacklog(): void {
    if (this.pool.waitingCount >= this.options.maxWaiting) {
      throw new DatabaseBusyError(`${this.pool.waitingCount} requests are already waiting for a database connection; retry later`);
    }
  }

  /**
   * The statement as pg runs it: named when it has parameters, so PostgreSQL parses and plans it once per
   * connection instead of on every call (a group commit costs the server about half as much CPU).
   */
  private statement(text: string, values: unknown[]): pg.QueryConfig {
    if (this.options.preparedStatements === false || values.length === 0) return { text, values };
    let name = this.statementNames.get(text);
    if (name === undefined) {
      if (this.statementNames.size >= MAX_NAMED_STATEMENTS) return { text, values };
      this.statementNames.set(text, (name = `agentd_${this.statementNames.size + 1}`));
    }
    return { name, text, values };
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    this.checkBacklog();
    try {
      const result = await this.pool.query(this.statement(sql, params));
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      this.translate(error);
    }
  }

  async exec(sql: string): Promise<void> {
    await this.query(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    this.checkBacklog();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.translate(error);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const tx: Queryable = {
        query: async <R>(sql: string, params: unknown[] = []) => {
          const result = await client.query(this.statement(sql, params));
          return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
        },
        exec: async (sql: string) => void (await client.query(sql)),
      };
      const value = await work(tx);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      broken = isUnavailable(error);
      if (!broken) await client.query('ROLLBACK').catch(() => {});
      this.translate(error);
    } finally {
      client.release(broken);
    }
  }

  stats() {
    return { inUse: this.pool.totalCount - this.pool.idleCount, waiting: this.pool.waitingCount, size: this.options.poolSize };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
