// Sessions in the database: their state and config, their history of turns, listing and deletion.
import type { Session } from '../api/contract.js';
import { SessionNotFoundError } from '../errors.js';
import type { Database } from './database.js';
import { decodePageToken, encodePageToken } from './page-token.js';

export interface SessionRow {
  id: string;
  agent: string;
  config: Record<string, unknown>;
  state: Record<string, unknown>;
  run_count: number;
  last_run_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** One finished turn of a session, as workers see it in ctx.history. */
export interface Turn {
  runId: string;
  agent: string;
  input: unknown;
  output: unknown;
}

const COLUMNS = 'id, agent, config, state, run_count, last_run_id::text as last_run_id, created_at, updated_at';

export function sessionRowToMessage(row: SessionRow): Session {
  return {
    id: row.id,
    agent: row.agent,
    config: row.config,
    state: row.state,
    runCount: row.run_count,
    lastRunId: row.last_run_id ?? '',
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export class SessionRows {
  constructor(private readonly db: Database) {}

  async find(sessionId: string): Promise<SessionRow | undefined> {
    const { rows } = await this.db.query<SessionRow>(`select ${COLUMNS} from agentd_sessions where id = $1`, [sessionId]);
    return rows[0];
  }

  async get(sessionId: string): Promise<SessionRow> {
    const row = await this.find(sessionId);
    if (!row) throw new SessionNotFoundError(sessionId);
    return row;
  }

  /** The last `limit` succeeded turns, oldest first. */
  async history(sessionId: string, limit: number): Promise<Turn[]> {
    if (limit === 0) return [];
    const { rows } = await this.db.query<{ id: string; agent: string; input: unknown; output: unknown }>(
      `select id::text as id, agent, input, output from agentd_runs where session_id = $1 and status = 4 order by finished_at desc, id desc limit $2`,
      [sessionId, limit],
    );
    return rows.reverse().map((r) => ({ runId: r.id, agent: r.agent, input: r.input, output: r.output }));
  }

  async list(pageSize: number, pageToken: string): Promise<{ sessions: SessionRow[]; nextPageToken: string }> {
    const cursor = decodePageToken(pageToken, 'ListSessions');
    const { rows } = await this.db.query<SessionRow>(
      `select ${COLUMNS} from agentd_sessions where ($1::timestamptz is null or (updated_at, id) < ($1::timestamptz, $2::text))
       order by updated_at desc, id desc limit $3`,
      [cursor?.[0] ?? null, cursor?.[1] ?? null, pageSize + 1],
    );
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return { sessions: page, nextPageToken: rows.length > pageSize && last ? encodePageToken([last.updated_at.toISOString(), last.id]) : '' };
  }

  /** Deletes the session, its runs and their checkpoints; returns false if there was no such session. */
  async delete(sessionId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.query('delete from agentd_runs where session_id = $1', [sessionId]);
      const { rowCount } = await tx.query('delete from agentd_sessions where id = $1', [sessionId]);
      return rowCount > 0;
    });
  }
}
