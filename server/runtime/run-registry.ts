// Runs known to this daemon: live ones, and the most recent finished ones up to the retention limit.
import { InvalidInputError, RunNotFoundError } from '../errors.js';
import type { RunStatus } from '../api/contract.js';
import type { Run } from './run.js';

export interface RunFilter {
  sessionId?: string;
  agent?: string;
  status?: RunStatus;
}

export class RunRegistry {
  private readonly runs = new Map<string, Run>();
  private readonly byIdempotencyKey = new Map<string, Run>();
  private readonly finishedOrder: string[] = [];

  constructor(private readonly retention: number) {}

  add(run: Run): void {
    this.runs.set(run.id, run);
    if (run.spec.idempotencyKey) this.byIdempotencyKey.set(run.spec.idempotencyKey, run);
    void run.done.then(() => this.retire(run));
  }

  get(runId: string): Run {
    const run = this.runs.get(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }

  findByIdempotencyKey(key: string): Run | undefined {
    return this.byIdempotencyKey.get(key);
  }

  /** Newest first; the page token is an opaque cursor returned by the previous page. */
  list(filter: RunFilter, pageSize: number, pageToken: string): { runs: Run[]; nextPageToken: string } {
    const offset = decodePageToken(pageToken);
    const matching = [...this.runs.values()]
      .filter((r) => (!filter.sessionId || r.spec.sessionId === filter.sessionId) && (!filter.agent || r.spec.agent === filter.agent) && (!filter.status || r.status === filter.status))
      .reverse();
    const page = matching.slice(offset, offset + pageSize);
    const next = offset + page.length < matching.length ? Buffer.from(JSON.stringify({ offset: offset + page.length })).toString('base64url') : '';
    return { runs: page, nextPageToken: next };
  }

  private retire(run: Run): void {
    this.finishedOrder.push(run.id);
    while (this.finishedOrder.length > this.retention) {
      const old = this.runs.get(this.finishedOrder.shift()!);
      if (!old) continue;
      this.runs.delete(old.id);
      if (old.spec.idempotencyKey && this.byIdempotencyKey.get(old.spec.idempotencyKey) === old) this.byIdempotencyKey.delete(old.spec.idempotencyKey);
    }
  }
}

function decodePageToken(token: string): number {
  if (!token) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString()) as { offset: unknown };
    if (Number.isInteger(offset) && (offset as number) >= 0) return offset as number;
  } catch {
    // fall through to the error below
  }
  throw new InvalidInputError(`page_token '${token}' is not a token returned by ListRuns; omit it to start from the first page`);
}
