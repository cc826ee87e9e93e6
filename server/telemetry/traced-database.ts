// Database spans (db.system.name = postgresql) around every query and transaction, children of the active span.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Database, Queryable, QueryResult } from '../store/database.js';
import { tracer } from './tracing.js';

/**
 * A span name like 'SELECT agentd_sessions': the statement's verb and the first agentd table it names. A WITH
 * statement that writes (a group commit) is named by its writes in order, like OTel's db.query.summary.
 */
function operation(sql: string): string {
  if (/^\s*with\b/i.test(sql)) {
    const writes = [...sql.matchAll(/\b(insert\s+into|update|delete\s+from)\s+(agentd_\w+)/gi)].map((m) => `${m[1].split(/\s/)[0].toUpperCase()} ${m[2]}`);
    if (writes.length) return [...new Set(writes)].join(' ');
  }
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
  const table = /\b(agentd_\w+)/.exec(sql)?.[1];
  return table ? `${verb} ${table}` : verb;
}

async function traced<T>(name: string, sql: string | undefined, system: string, work: () => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'agentd.db.backend': system, ...(sql ? { 'db.query.text': sql.slice(0, 500) } : {}) } }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

export class TracedDatabase implements Database {
  constructor(private readonly inner: Database) {}

  get kind() {
    return this.inner.kind;
  }

  query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return traced(operation(sql), sql, this.inner.kind, () => this.inner.query<R>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return traced('EXEC', sql, this.inner.kind, () => this.inner.exec(sql));
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return traced('TRANSACTION', undefined, this.inner.kind, () =>
      this.inner.transaction((tx) =>
        work({
          query: <R>(sql: string, params?: unknown[]) => traced(operation(sql), sql, this.inner.kind, () => tx.query<R>(sql, params)),
          exec: (sql: string) => tx.exec(sql),
        }),
      ),
    );
  }

  stats() {
    return this.inner.stats();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
