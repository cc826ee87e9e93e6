// The daemon's central type: starts runs of registered agents in sessions, checkpoints them, resumes them after a
// restart, forks them from checkpoints, and answers for runs, sessions and state.
import { randomUUID } from 'node:crypto';
import { RunStatus, workerModeMessage, type AgentInfo, type Checkpoint, type Run as RunMessage } from '../api/contract.js';
import { FailedPreconditionError, InvalidInputError, SessionNotFoundError } from '../errors.js';
import type { AgentDefinition } from '../sdk/types.js';
import type { Checkpointer, CheckpointRecord } from '../store/checkpointer.js';
import type { ItemStore } from '../store/item-store.js';
import { RunRows, runRowToMessage, type RunRow, type RunRowFilter } from '../store/run-rows.js';
import { SessionRows, sessionRowToMessage } from '../store/session-rows.js';
import type { Database } from '../store/database.js';
import type { WorkerDispatcher } from '../workers/worker-dispatcher.js';
import { buildGraph, type AgentGraph } from './agent-graph.js';
import type { AgentRegistry } from './agent-registry.js';
import { initialProgress, type RunProgress } from './frontier.js';
import { executeRun, type RunDependencies } from './run-executor.js';
import { RunRegistry } from './run-registry.js';
import { Run } from './run.js';
import { FeedbackBroker } from './feedback-broker.js';
import { SessionPool, type Session } from './session-pool.js';
import { FeedbackRows } from '../store/feedback-rows.js';
import { serveStoreCall } from './store-calls.js';
import { context, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import type { RuntimeMetrics } from '../telemetry/metrics.js';
import type { Logger } from '../telemetry/logger.js';
import { startRuntimeSpan, withSpan } from '../telemetry/tracing.js';
import { EphemeralCheckpointer } from '../store/ephemeral-checkpointer.js';

export interface StartRunRequest {
  agent: string;
  sessionId?: string;
  input: unknown;
  config?: Record<string, unknown>;
  idempotencyKey?: string;
}

export interface AgentRuntimeOptions {
  maxSupersteps: number;
  runRetention: number;
  sessionIdleTtlMs: number;
  sessionSweepIntervalMs: number;
  historyTurns: number;
}

const UNIQUE_VIOLATION = '23505';

export function checkpointToMessage(record: CheckpointRecord): Checkpoint {
  return {
    id: record.id,
    runId: record.runId,
    sessionId: record.sessionId,
    agent: record.agent,
    superstep: record.superstep,
    state: record.progress.state,
    outputs: record.progress.outputs,
    nextWorkers: record.progress.frontier.map((t) => t.worker),
    createdAt: record.createdAt.toISOString(),
  };
}

export class AgentRuntime {
  readonly runs: RunRegistry;
  readonly sessions: SessionPool;
  readonly runRows: RunRows;
  readonly sessionRows: SessionRows;
  readonly feedback: FeedbackBroker;
  private readonly deps: RunDependencies;
  /** For agents declared durability 'ephemeral': same executor, no database writes. */
  private readonly ephemeralDeps: RunDependencies;
  private readonly startingByKey = new Map<string, Promise<RunMessage>>();

  constructor(
    readonly agents: AgentRegistry,
    readonly dispatcher: WorkerDispatcher,
    readonly db: Database,
    readonly checkpointer: Checkpointer,
    readonly items: ItemStore,
    private readonly options: AgentRuntimeOptions,
    readonly metrics: RuntimeMetrics,
    private readonly log: Logger,
  ) {
    const onError = (err: unknown, message: string) => log.error({ err }, message);
    this.runs = new RunRegistry(options.runRetention);
    this.runRows = new RunRows(db);
    this.sessionRows = new SessionRows(db);
    this.sessions = new SessionPool(this.sessionRows, options.historyTurns, options.sessionIdleTtlMs, options.sessionSweepIntervalMs);
    this.feedback = new FeedbackBroker(checkpointer, new FeedbackRows(db), onError);
    this.deps = { dispatcher, checkpointer, feedback: this.feedback, metrics, store: (method, args) => serveStoreCall(items, method, args), maxSupersteps: options.maxSupersteps, onError };
    this.ephemeralDeps = { ...this.deps, checkpointer: new EphemeralCheckpointer() };
  }

  /**
   * Creates a run, records it durably, and queues it in its session; answers once a client may be told about it:
   * at once for a new session of an ephemeral agent, whose start awaits nothing (each promise on the path of every
   * run costs, and more while tracing keeps async context). Bad input throws at once.
   */
  startRun(request: StartRunRequest): Run | Promise<Run> {
    const agent = this.agents.get(request.agent);
    const problem = agent.validateInput?.(request.input);
    if (problem) throw new InvalidInputError(`input for agent '${agent.name}' is not valid: ${problem}`);
    if (request.sessionId || agent.durability === 'durable') return this.startRecordedRun(request, agent);
    const session = this.sessions.create(randomUUID(), agent, request.config ?? {});
    const run = this.newRun(request, agent, session);
    const { graph } = session;
    if (graph instanceof Promise) return graph.then((built) => (this.schedule(run, session, built, undefined, this.ephemeralDeps), run));
    this.schedule(run, session, graph, undefined, this.ephemeralDeps);
    return run;
  }

  /** startRun for a run in a session that may already exist, or of a durable agent: both await the database. */
  private async startRecordedRun(request: StartRunRequest, agent: AgentDefinition): Promise<Run> {
    const session = request.sessionId ? await this.sessions.open(request.sessionId, agent, request.config) : this.sessions.create(randomUUID(), agent, request.config ?? {});
    const run = this.newRun(request, agent, session);
    if (agent.durability === 'durable') {
      await this.checkpointer.createRun({ id: run.id, sessionId: run.spec.sessionId, agent: agent.name, input: run.spec.input, config: run.spec.config, idempotencyKey: run.spec.idempotencyKey });
    }
    const graph = session.graph instanceof Promise ? await session.graph : session.graph;
    this.schedule(run, session, graph, undefined, agent.durability === 'durable' ? this.deps : this.ephemeralDeps);
    return run;
  }

  private newRun(request: StartRunRequest, agent: AgentDefinition, session: Session): Run {
    return new Run({ agent: agent.name, sessionId: session.id, input: request.input ?? null, config: session.config, idempotencyKey: request.idempotencyKey ?? '' });
  }

  /** Submit: like startRun, but a repeated idempotency key returns the first run, even across restarts. */
  submit(request: StartRunRequest): Promise<RunMessage> {
    const key = request.idempotencyKey;
    if (!key) return Promise.resolve(request).then((r) => this.startRun(r)).then((run) => run.toMessage());
    const live = this.runs.findByIdempotencyKey(key);
    if (live) return Promise.resolve(live.toMessage());
    // Concurrent Submits with one key must share one run, so the key is claimed before any await.
    let starting = this.startingByKey.get(key);
    if (!starting) {
      starting = this.submitOnce(request, key).finally(() => this.startingByKey.delete(key));
      this.startingByKey.set(key, starting);
    }
    return starting;
  }

  private async submitOnce(request: StartRunRequest, key: string): Promise<RunMessage> {
    const existing = await this.runRows.byIdempotencyKey(key);
    if (existing) return this.runs.find(existing.id)?.toMessage() ?? runRowToMessage(existing);
    try {
      return (await this.startRun(request)).toMessage();
    } catch (error) {
      // Another daemon on the same database took the key first.
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return runRowToMessage((await this.runRows.byIdempotencyKey(key))!);
      throw error;
    }
  }

  /** Runs `run` when its session's earlier runs are done, from `start` (a checkpoint) or from the beginning. */
  private schedule(run: Run, session: Session, graph: AgentGraph, start?: RunProgress, deps = this.deps): void {
    this.runs.add(run);
    run.parentContext = context.active();
    run.cancellation.onAbort(() => this.feedback.withdrawRun(run.id));
    this.sessions.enqueue(session, () => {
      run.history = [...session.history];
      const progress = start ?? initialProgress(graph, run.spec.input, session.state);
      return this.traced(run, () => executeRun(run, graph, deps, progress), (final) => {
        const succeeded = run.status === RunStatus.RUN_STATUS_SUCCEEDED;
        this.sessions.recordRun(session, final.state, succeeded ? { runId: run.id, agent: run.spec.agent, input: run.spec.input, output: run.output } : undefined);
      });
    });
  }

  /**
   * Runs `execute` inside the run's span (GenAI semantic conventions), with metrics and a log line per state change,
   * then hands its result to `then` (in the same callback: one promise fewer on the path of every run).
   */
  private traced<T>(run: Run, execute: () => Promise<T>, then: (result: T) => void): Promise<void> {
    const { agent, sessionId } = run.spec;
    const parent = run.parentContext ?? ROOT_CONTEXT;
    run.parentContext = undefined; // a finished run stays in memory a while (RunRegistry): it must not keep the call's spans alive
    const span = startRuntimeSpan(
      `invoke_agent ${agent}`,
      { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agent, 'gen_ai.conversation.id': sessionId, 'agentd.run.id': run.id },
      parent,
    );
    const ended = () => {
      const status = RunStatus[run.status].replace('RUN_STATUS_', '').toLowerCase();
      this.metrics.runFinished(agent, status);
      span.setAttribute('agentd.run.status', status);
      if (run.error) span.setStatus({ code: SpanStatusCode.ERROR, message: run.error.message });
      const line = { run_id: run.id, agent, status, supersteps: run.supersteps, error: run.error?.message };
      if (run.status === RunStatus.RUN_STATUS_FAILED) this.log.warn(line, 'run failed');
      else this.log.info(line, `run ${status}`);
      span.end();
    };
    return context.with(withSpan(parent, span), () => {
      this.metrics.runStarted(agent);
      this.log.info({ run_id: run.id, agent, session_id: sessionId, resumed: run.restored }, 'run started');
      return execute().then(
        (result) => {
          ended();
          then(result);
        },
        (error: unknown) => {
          ended();
          throw error;
        },
      );
    });
  }

  /** Resumes every run a previous daemon left unfinished, each from its last checkpoint. */
  async recover(): Promise<number> {
    const unfinished = await this.runRows.unfinished();
    for (const row of unfinished) await this.resume(row);
    return unfinished.length;
  }

  private async resume(row: RunRow): Promise<void> {
    const [latest, events] = await Promise.all([this.checkpointer.latest(row.id), this.checkpointer.events(row.id)]);
    const run = new Run(
      { agent: row.agent, sessionId: row.session_id, input: row.input, config: row.config, idempotencyKey: row.idempotency_key ?? '', forkedFrom: row.forked_from ?? undefined },
      { id: row.id, createdAt: row.created_at, events },
    );
    let agent: AgentDefinition;
    try {
      agent = this.agents.get(row.agent);
    } catch (error) {
      this.runs.add(run);
      const message = `cannot resume after restart: ${(error as Error).message}`;
      await this.checkpointer.finish({ runId: run.id, sessionId: row.session_id, agent: row.agent, config: row.config, status: RunStatus.RUN_STATUS_FAILED, output: null, error: { code: 'agent_missing', message, worker: '' }, supersteps: row.supersteps, state: latest?.progress.state ?? {} });
      run.finish(RunStatus.RUN_STATUS_FAILED, null, { code: 'agent_missing', message, worker: '' });
      return;
    }
    const session = await this.sessions.open(row.session_id, agent, row.config);
    // A fork that never reached its first checkpoint starts from the checkpoint it was forked from.
    const origin = latest ?? (row.forked_from ? await this.checkpointer.get(row.forked_from) : undefined);
    this.schedule(run, session, await session.graph, origin?.progress);
  }

  /** Starts a run that resumes from a checkpoint, optionally with a changed state; the checkpoint's history stays. */
  async fork(checkpointId: string, statePatch: Record<string, unknown> | undefined, sessionId: string | undefined): Promise<Run> {
    const checkpoint = await this.checkpointer.get(checkpointId);
    const source = await this.runRows.get(checkpoint.runId);
    const agent = this.agents.get(checkpoint.agent);
    const session = await this.sessions.open(sessionId || checkpoint.sessionId, agent, undefined);
    const progress: RunProgress = { ...checkpoint.progress, state: { ...checkpoint.progress.state, ...statePatch } };
    const run = new Run({ agent: agent.name, sessionId: session.id, input: source.input, config: session.config, idempotencyKey: '', forkedFrom: checkpoint.id });
    await this.checkpointer.createRun({ id: run.id, sessionId: session.id, agent: agent.name, input: source.input, config: session.config, idempotencyKey: '', forkedFrom: checkpoint.id });
    this.schedule(run, session, await session.graph, progress);
    return run;
  }

  async getRun(runId: string): Promise<RunMessage> {
    return this.runs.find(runId)?.toMessage() ?? runRowToMessage(await this.runRows.get(runId));
  }

  /** Resolves with the run when it has finished, `timeoutMs` has passed (0: no timeout), or `signal` aborts. */
  async waitRun(runId: string, timeoutMs: number, signal?: AbortSignal): Promise<RunMessage> {
    const run = this.runs.find(runId);
    if (!run) return runRowToMessage(await this.runRows.get(runId));
    if (!run.finished) {
      await new Promise<void>((resolve) => {
        const timer = timeoutMs > 0 ? setTimeout(resolve, timeoutMs) : undefined;
        signal?.addEventListener('abort', () => resolve(), { once: true });
        void run.done.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return run.toMessage();
  }

  async cancelRun(runId: string, reason: string): Promise<RunMessage> {
    const run = this.runs.find(runId);
    if (!run) return runRowToMessage(await this.runRows.get(runId));
    run.cancel('cancelled', reason ? `cancelled: ${reason}` : 'cancelled by CancelRun');
    return run.toMessage();
  }

  async listRuns(filter: RunRowFilter, pageSize: number, pageToken: string) {
    const { runs, nextPageToken } = await this.runRows.list(filter, pageSize, pageToken);
    return { runs: runs.map((row) => this.runs.find(row.id)?.toMessage() ?? runRowToMessage(row)), nextPageToken };
  }

  async getSession(sessionId: string) {
    return sessionRowToMessage(await this.sessionRows.get(sessionId));
  }

  async listSessions(pageSize: number, pageToken: string) {
    const { sessions, nextPageToken } = await this.sessionRows.list(pageSize, pageToken);
    return { sessions: sessions.map(sessionRowToMessage), nextPageToken };
  }

  /** Cancels the session's live runs, waits for them to stop, then deletes the session's runs and checkpoints. */
  async deleteSession(sessionId: string): Promise<number> {
    const live = this.runs.liveInSession(sessionId);
    for (const run of live) run.cancel('cancelled', 'cancelled: the session was deleted');
    await Promise.all(live.map((r) => r.done));
    this.sessions.forget(sessionId);
    this.runs.forgetSession(sessionId);
    if (!(await this.sessionRows.delete(sessionId))) throw new SessionNotFoundError(sessionId);
    return live.length;
  }

  async getState(sessionId: string | undefined, checkpointId: string | undefined): Promise<Checkpoint> {
    if (checkpointId) {
      const record = await this.checkpointer.get(checkpointId);
      if (sessionId && record.sessionId !== sessionId) {
        throw new FailedPreconditionError(`checkpoint '${checkpointId}' belongs to session '${record.sessionId}', not '${sessionId}'`);
      }
      return checkpointToMessage(record);
    }
    const latest = await this.checkpointer.latestOfSession(sessionId!);
    if (latest) return checkpointToMessage(latest);
    await this.sessionRows.get(sessionId!); // NOT_FOUND for an unknown session
    throw new FailedPreconditionError(`session '${sessionId}' has no checkpoint yet: none of its runs has completed a superstep`);
  }

  async listCheckpoints(filter: { sessionId?: string; runId?: string }, pageSize: number, pageToken: string) {
    const { checkpoints, nextPageToken } = await this.checkpointer.list(filter, pageSize, pageToken);
    return { checkpoints: checkpoints.map(checkpointToMessage), nextPageToken };
  }

  /** Each agent as its builder describes it with an empty config. */
  async listAgents(): Promise<AgentInfo[]> {
    return Promise.all(
      this.agents.list().map(async (agent) => {
        const graph = await buildGraph(agent.name, agent.build, {});
        return {
          name: agent.name,
          description: agent.description,
          workers: [...graph.workers.values()].map((w) => ({ name: w.name, mode: workerModeMessage[w.mode], after: w.after, description: w.description })),
          startWorkers: [...graph.startWorkers],
          outputWorker: graph.outputWorker,
        };
      }),
    );
  }

  async close(): Promise<void> {
    this.sessions.close();
    await this.dispatcher.close();
    await this.checkpointer.close();
  }
}
