// Reading runs back from the database: by id, by idempotency key, the unfinished ones, and pages of a listing.
import type { Run as RunMessage, RunError, RunStatus } from '../api/contract.js';
import { RunNotFoundError } from '../errors.js';
import type { Database } from './database.js';
import { decodePageToken, encodePageToken } from './page-token.js';

export interface RunRow {
  id: string;
  session_id: string;
  agent: string;
  status: RunStatus;
  input: unknown;
  output: unknown;
  error: RunError | null;
  config: Record<string, unknown>;
  idempotency_key: string | null;
  forked_from: string | null;
  supersteps: number;
  created_at: Date;
  finished_at: Date | null;
}

export interface RunRowFilter {
  sessionId?: string;
  agent?: string;
  status?: RunStatus;
}

const COLUMNS = 'id::text as id, session_id, agent, status, input, output, error, config, idempotency_key, forked_from::text as forked_from, supersteps, created_at, finished_at';

export function runRowToMessage(row: RunRow): RunMessage {
  return {
    id: row.id,
    agent: row.agent,
    sessionId: row.session_id,
    status: row.status,
    input: row.input,
    output: row.status === 4 ? row.output : undefined,
    error: row.error ?? undefined,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString(),
    idempotencyKey: row.idempotency_key ?? '',
    supersteps: row.supersteps,
    forkedFromCheckpointId: row.forked_from ?? '',
  };
}

export class RunRows {
  constructor(private readonly db: Database) {}

  async get(runId: string): Promise<RunRow> {
    const { rows } = await this.db.query<RunRow>(`select ${COLUMNS} from agentd_runs where id = $1`, [runId]);
    if (!rows[0]) throw new RunNotFoundError(runId);
    return rows[0];
  }

  async byIdempotencyKey(key: string): Promise<RunRow | undefined> {
    const { rows } = await this.db.query<RunRow>(`select ${COLUMNS} from agentd_runs where idempotency_key = $1`, [key]);
    return rows[0];
  }

  /** Runs a daemon died in the middle of, oldest first: what start-up resumes. */
  async unfinished(): Promise<RunRow[]> {
    const { rows } = await this.db.query<RunRow>(`select ${COLUMNS} from agentd_runs where status in (1, 2, 3) order by created_at, id`);
    return rows;
  }

  async list(filter: RunRowFilter, pageSize: number, pageToken: string): Promise<{ runs: RunRow[]; nextPageToken: string }> {
    const cursor = decodePageToken(pageToken, 'ListRuns');
    const { rows } = await this.db.query<RunRow>(
      `select ${COLUMNS} from agentd_runs
       where ($1::text is null or session_id = $1) and ($2::text is null or agent = $2) and ($3::smallint is null or status = $3)
         and ($4::timestamptz is null or (created_at, id) < ($4::timestamptz, $5::uuid))
       order by created_at desc, id desc limit $6`,
      [filter.sessionId ?? null, filter.agent ?? null, filter.status ?? null, cursor?.[0] ?? null, cursor?.[1] ?? null, pageSize + 1],
    );
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return { runs: page, nextPageToken: rows.length > pageSize && last ? encodePageToken([last.created_at.toISOString(), last.id]) : '' };
  }
}
