// Runs held in memory: live ones (their events, cancellation, completion), and recently finished ones up to the
// retention limit, so WaitRun and GetRun on fresh runs need no database read. The database has every run.
import type { Run } from './run.js';

export class RunRegistry {
  private readonly runs = new Map<string, Run>();
  private readonly byIdempotencyKey = new Map<string, Run>();
  private readonly finishedOrder: string[] = [];

  constructor(private readonly retention: number) {}

  add(run: Run): void {
    this.runs.set(run.id, run);
    if (run.spec.idempotencyKey) this.byIdempotencyKey.set(run.spec.idempotencyKey, run);
    run.onFinished(() => this.retire(run));
  }

  find(runId: string): Run | undefined {
    return this.runs.get(runId);
  }

  findByIdempotencyKey(key: string): Run | undefined {
    return this.byIdempotencyKey.get(key);
  }

  /** Live runs of a session (running or queued here). */
  liveInSession(sessionId: string): Run[] {
    return [...this.runs.values()].filter((r) => r.spec.sessionId === sessionId && !r.finished);
  }

  /** Forgets every run of a deleted session. */
  forgetSession(sessionId: string): void {
    for (const run of this.runs.values()) {
      if (run.spec.sessionId !== sessionId) continue;
      this.runs.delete(run.id);
      if (run.spec.idempotencyKey && this.byIdempotencyKey.get(run.spec.idempotencyKey) === run) this.byIdempotencyKey.delete(run.spec.idempotencyKey);
    }
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

