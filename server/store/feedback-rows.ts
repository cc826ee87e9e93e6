// Reading feedback requests back: by id, by their place in a run (for replay after a restart), and pending ones.
import type { Database } from './database.js';

export interface FeedbackRow {
  id: string;
  run_id: string;
  session_id: string;
  agent: string;
  worker: string;
  call_key: string;
  payload: unknown;
  status: 'pending' | 'answered' | 'expired' | 'withdrawn';
  answer: unknown;
  answered_by: string | null;
  deadline: Date | null;
  created_at: Date;
}

export interface FeedbackFilter {
  sessionIds: string[];
  runIds: string[];
  agents: string[];
}

const COLUMNS = 'id::text as id, run_id::text as run_id, session_id, agent, worker, call_key, payload, status, answer, answered_by, deadline, created_at';

export class FeedbackRows {
  constructor(private readonly db: Database) {}

  async find(id: string): Promise<FeedbackRow | undefined> {
    const { rows } = await this.db.query<FeedbackRow>(`select ${COLUMNS} from agentd_feedback where id = $1`, [id]);
    return rows[0];
  }

  async pending(filter: FeedbackFilter): Promise<FeedbackRow[]> {
    const { rows } = await this.db.query<FeedbackRow>(
      `select ${COLUMNS} from agentd_feedback where status = 'pending'
         and (cardinality($1::text[]) = 0 or session_id = any($1::text[]))
         and (cardinality($2::text[]) = 0 or run_id::text = any($2::text[]))
         and (cardinality($3::text[]) = 0 or agent = any($3::text[]))
       order by created_at`,
      [filter.sessionIds, filter.runIds, filter.agents],
    );
    return rows;
  }
}
