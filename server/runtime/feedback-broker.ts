// Human-in-the-loop: workers' questions, the clients subscribed to them, and the answers. The first valid answer to
// a request wins: the worker resumes at once, the answerer is acknowledged once the answer is durable.
import { createHash } from 'node:crypto';
import { FeedbackOutcome, RunStatus, type FeedbackResolved, type FeedbackResponse, type PendingFeedback } from '../api/contract.js';
import { FailedPreconditionError, FeedbackNotFoundError, RunCancelledError } from '../errors.js';
import { FeedbackTimeoutError } from '../sdk/index.js';
import type { Checkpointer } from '../store/checkpointer.js';
import type { FeedbackFilter, FeedbackRow, FeedbackRows } from '../store/feedback-rows.js';
import type { Run } from './run.js';

export interface FeedbackSubscriber {
  filter: FeedbackFilter;
  send(message: FeedbackResponse): void;
}

interface Waiting {
  request: PendingFeedback;
  run: Run;
  resolve(answer: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

const OUTCOME = { answered: FeedbackOutcome.FEEDBACK_OUTCOME_ANSWERED, expired: FeedbackOutcome.FEEDBACK_OUTCOME_EXPIRED, withdrawn: FeedbackOutcome.FEEDBACK_OUTCOME_WITHDRAWN };
const RECENT_LIMIT = 10_000;

/** The same question of the same run always has the same id, so a worker re-run after a restart finds it again. */
export function feedbackRequestId(runId: string, callKey: string): string {
  const h = createHash('sha256').update(`${runId}/${callKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function matches(filter: FeedbackFilter, request: PendingFeedback): boolean {
  return (
    (filter.sessionIds.length === 0 || filter.sessionIds.includes(request.sessionId)) &&
    (filter.runIds.length === 0 || filter.runIds.includes(request.runId)) &&
    (filter.agents.length === 0 || filter.agents.includes(request.agent))
  );
}

function rowToPending(row: FeedbackRow): PendingFeedback {
  return {
    requestId: row.id,
    runId: row.run_id,
    sessionId: row.session_id,
    agent: row.agent,
    worker: row.worker,
    payload: row.payload,
    deadline: row.deadline?.toISOString(),
    createdAt: row.created_at.toISOString(),
  };
}

export class FeedbackBroker {
  private readonly waiting = new Map<string, Waiting>();
  /** Requests resolved here whose outcome may not be committed yet, so a second answer hears who was first. */
  private readonly recentlyResolved = new Map<string, { status: keyof typeof OUTCOME; answeredBy: string }>();
  private readonly subscribers = new Set<FeedbackSubscriber>();

  constructor(
    private readonly checkpointer: Checkpointer,
    private readonly rows: FeedbackRows,
    private readonly onError: (error: unknown, message: string) => void,
  ) {}

  get pendingCount(): number {
    return this.waiting.size;
  }

  /** A worker asks; resolves with the answer, rejects on timeout or when the run is cancelled. */
  async ask(run: Run, worker: string, callKey: string, payload: unknown, timeoutMs: number | undefined): Promise<unknown> {
    const id = feedbackRequestId(run.id, callKey);
    let request: PendingFeedback | undefined;
    if (run.restored) {
      // Re-executed after a restart: the question may have been asked, or even answered, before.
      const row = await this.rows.find(id);
      if (row?.status === 'answered') return row.answer;
      if (row?.status === 'expired') throw new FeedbackTimeoutError(`feedback request ${id} timed out without an answer`);
      if (row?.status === 'withdrawn') throw new RunCancelledError('cancelled', 'feedback request withdrawn');
      if (row) request = rowToPending(row);
    }
    if (!request) {
      const now = new Date();
      const deadline = timeoutMs ? new Date(now.getTime() + timeoutMs) : undefined;
      request = { requestId: id, runId: run.id, sessionId: run.spec.sessionId, agent: run.spec.agent, worker, payload: payload ?? null, deadline: deadline?.toISOString(), createdAt: now.toISOString() };
      // Broadcast first, persist in the background: if the daemon dies before the write, the re-run worker asks again under the same id.
      this.checkpointer
        .feedbackAsked({ id, runId: run.id, sessionId: run.spec.sessionId, agent: run.spec.agent, worker, callKey, payload: payload ?? null, deadline })
        .catch((e) => this.onError(e, 'could not record a feedback request'));
    }
    run.status = RunStatus.RUN_STATUS_WAITING_FEEDBACK;
    run.events.append({ feedbackRequested: request });
    this.broadcast(request, { request });
    return new Promise<unknown>((resolve, reject) => {
      const remaining = request.deadline ? Date.parse(request.deadline) - Date.now() : undefined;
      const entry: Waiting = { request: request!, run, resolve, reject, timer: undefined };
      this.waiting.set(id, entry);
      if (remaining !== undefined) entry.timer = setTimeout(() => this.expire(id), Math.max(0, remaining));
    });
  }

  /** Answers a request. Rejects with NOT_FOUND or FAILED_PRECONDITION (saying who answered first); resolves once durable. */
  async answer(requestId: string, data: unknown, answeredBy: string): Promise<void> {
    const entry = this.waiting.get(requestId);
    if (!entry) return this.answerUnheld(requestId, data, answeredBy);
    this.settle(entry, 'answered', answeredBy);
    entry.resolve(data);
    await this.checkpointer.feedbackResolved({ id: requestId, runId: entry.run.id, status: 'answered', answer: data, answeredBy });
  }

  /** An answer for a request no worker here is waiting on: already resolved, unknown, or asked before a restart. */
  private async answerUnheld(requestId: string, data: unknown, answeredBy: string): Promise<void> {
    const recent = this.recentlyResolved.get(requestId);
    const row = recent ? undefined : await this.rows.find(requestId);
    const status = recent?.status ?? row?.status;
    if (!status) throw new FeedbackNotFoundError(requestId);
    if (status === 'answered') throw new FailedPreconditionError(`feedback request ${requestId} was already answered by ${recent?.answeredBy ?? row?.answered_by}; the first answer won`);
    if (status === 'expired') throw new FailedPreconditionError(`feedback request ${requestId} expired before it was answered`);
    if (status === 'withdrawn') throw new FailedPreconditionError(`feedback request ${requestId} was withdrawn: its run was cancelled`);
    // Pending in the database, and its worker has not asked again since the restart: the answer waits for it there.
    this.remember(requestId, 'answered', answeredBy);
    await this.checkpointer.feedbackResolved({ id: requestId, runId: row!.run_id, status: 'answered', answer: data, answeredBy });
    this.broadcastResolved(rowToPending(row!), { requestId, runId: row!.run_id, outcome: OUTCOME.answered, answeredBy });
  }

  /** Withdraws every request of a cancelled run from all subscribers. */
  withdrawRun(runId: string): void {
    for (const entry of [...this.waiting.values()]) {
      if (entry.run.id !== runId) continue;
      this.settle(entry, 'withdrawn', '');
      entry.reject(new RunCancelledError('cancelled', 'feedback request withdrawn: the run was cancelled'));
      this.persist(entry, 'withdrawn', '');
    }
  }

  private expire(requestId: string): void {
    const entry = this.waiting.get(requestId);
    if (!entry) return;
    this.settle(entry, 'expired', '');
    const waited = Date.now() - Date.parse(entry.request.createdAt!);
    entry.reject(new FeedbackTimeoutError(`feedback request ${requestId} from worker '${entry.request.worker}' timed out after ${waited} ms without an answer`));
    this.persist(entry, 'expired', '');
  }

  private settle(entry: Waiting, status: keyof typeof OUTCOME, answeredBy: string): void {
    const { request, run } = entry;
    this.waiting.delete(request.requestId);
    clearTimeout(entry.timer);
    this.remember(request.requestId, status, answeredBy);
    const resolved: FeedbackResolved = { requestId: request.requestId, runId: run.id, outcome: OUTCOME[status], answeredBy };
    if (!run.finished) {
      run.events.append({ feedbackResolved: resolved });
      if (![...this.waiting.values()].some((w) => w.run === run)) run.status = RunStatus.RUN_STATUS_RUNNING;
    }
    this.broadcastResolved(request, resolved);
  }

  private persist(entry: Waiting, status: 'expired' | 'withdrawn', answeredBy: string): void {
    this.checkpointer
      .feedbackResolved({ id: entry.request.requestId, runId: entry.run.id, status, answer: null, answeredBy })
      .catch((e) => this.onError(e, 'could not record a feedback outcome'));
  }

  private remember(requestId: string, status: keyof typeof OUTCOME, answeredBy: string): void {
    this.recentlyResolved.set(requestId, { status, answeredBy });
    if (this.recentlyResolved.size > RECENT_LIMIT) this.recentlyResolved.delete(this.recentlyResolved.keys().next().value!);
  }

  private broadcast(request: PendingFeedback, message: FeedbackResponse): void {
    for (const subscriber of this.subscribers) if (matches(subscriber.filter, request)) subscriber.send(message);
  }

  private broadcastResolved(request: PendingFeedback, resolved: FeedbackResolved): void {
    this.broadcast(request, { resolved });
  }

  /** Registers a subscriber and sends it every pending request it matches, including ones asked before a restart. */
  async subscribe(subscriber: FeedbackSubscriber): Promise<() => void> {
    this.subscribers.add(subscriber);
    const held = [...this.waiting.values()].map((w) => w.request);
    const stored = (await this.rows.pending(subscriber.filter)).map(rowToPending).filter((r) => !this.waiting.has(r.requestId) && !this.recentlyResolved.has(r.requestId));
    for (const request of [...held, ...stored]) if (matches(subscriber.filter, request)) subscriber.send({ request });
    return () => this.subscribers.delete(subscriber);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }
}
