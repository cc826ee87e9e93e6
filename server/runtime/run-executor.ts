// Executes a run superstep by superstep: all ready workers concurrently, then one checkpoint, then the next frontier.
import { RunStatus, workerModeMessage, type RunError, type WorkerPlacement } from '../api/contract.js';
import { RunCancelledError, WorkerFailedError } from '../errors.js';
import type { Checkpointer, RunFinish } from '../store/checkpointer.js';
import type { FeedbackBroker } from './feedback-broker.js';
import { feedbackRequestId } from './feedback-broker.js';
import { context, type Span } from '@opentelemetry/api';
import { endSpanWithError, startRuntimeSpan, traceparentOf, withSpan } from '../telemetry/tracing.js';
import type { RuntimeMetrics } from '../telemetry/metrics.js';
import type { WorkerDispatcher } from '../workers/worker-dispatcher.js';
import type { StoreMethod, WorkerAnswer, WorkerResult, WorkerServices } from '../workers/worker-task.js';
import type { AgentGraph, WorkerDefinition } from './agent-graph.js';
import { advance, runOutput, type FinishedTask, type RunProgress } from './frontier.js';
import { SuperstepJoin, type JoinedExecution } from './superstep-join.js';
import type { Run, RunTerminalStatus } from './run.js';

export interface RunDependencies {
  dispatcher: WorkerDispatcher;
  checkpointer: Checkpointer;
  /** Serves ctx.store calls. */
  store(method: StoreMethod, args: Record<string, unknown>): Promise<unknown>;
  feedback: FeedbackBroker;
  metrics: RuntimeMetrics;
  maxSupersteps: number;
  onError(error: unknown, message: string): void;
}

/** Runs `run` from `progress` (its start, or a checkpoint) to the end; resolves with the final progress. */
export function executeRun(run: Run, graph: AgentGraph, deps: RunDependencies, start: RunProgress): Promise<RunProgress> {
  return new Promise((resolve, reject) => new RunLoop(run, graph, deps, start, resolve, reject).start());
}

/**
 * One run's superstep loop. Supersteps whose workers all answer at once follow each other in one call; otherwise
 * the loop goes on from the superstep's join, or from the save of its checkpoint, when they call back. No await
 * and no promise per superstep: each costs, and more while tracing keeps async context.
 */
class RunLoop {
  /** Events up to here are in earlier checkpoints. */
  private recorded = 0;

  constructor(
    private readonly run: Run,
    private readonly graph: AgentGraph,
    private readonly deps: RunDependencies,
    private progress: RunProgress,
    private readonly resolve: (progress: RunProgress) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  start(): void {
    const { run } = this;
    run.supersteps = this.progress.superstep;
    this.recorded = run.events.all.length;
    run.status = RunStatus.RUN_STATUS_RUNNING;
    if (this.recorded === 0) run.events.append({ runStarted: { agent: run.spec.agent, sessionId: run.spec.sessionId, input: run.spec.input } });
    this.next();
  }

  /** Runs supersteps until one has to be waited for, or the run ends. */
  private next(): void {
    try {
      throwIfCancelled(this.run);
      while (this.progress.frontier.length > 0) {
        if (this.progress.superstep >= this.deps.maxSupersteps) {
          throw new WorkerFailedError('', 'superstep_limit', `run exceeded ${this.deps.maxSupersteps} supersteps (a ferryTo or edge loop?); raise AGENTD_MAX_SUPERSTEPS if this is intended`);
        }
        const finished = runSuperstep(this.run, this.graph, this.progress, this.deps).settle(this.stepped, this.stopped);
        if (!finished || !this.advance(finished)) return;
      }
      this.finish(RunStatus.RUN_STATUS_SUCCEEDED, runOutput(this.graph, this.progress) ?? null);
    } catch (error) {
      this.stopped(error);
    }
  }

  /** A superstep that was waited for has finished. */
  private readonly stepped = (finished: FinishedTask[]): void => {
    try {
      if (this.advance(finished)) this.next();
    } catch (error) {
      this.stopped(error);
    }
  };

  /**
   * Plans the next superstep from what finished, and checkpoints (durable agents). True to go on at once; false
   * when the loop goes on once the checkpoint is saved, or the run has ended.
   */
  private advance(finished: FinishedTask[]): boolean {
    const { run, graph } = this;
    throwIfCancelled(run);
    const progress = (this.progress = advance(graph, this.progress, finished));
    run.supersteps = progress.superstep;
    const { checkpointer } = this.deps;
    const done = progress.frontier.length === 0;
    const output = done ? (runOutput(graph, progress) ?? null) : undefined;
    if (!checkpointer.durable) {
      if (done) this.ended(RunStatus.RUN_STATUS_SUCCEEDED, output);
      return !done;
    }
    const checkpoint = { runId: run.id, sessionId: run.spec.sessionId, progress, events: run.events.all.slice(this.recorded) };
    this.recorded = run.events.all.length;
    if (done) {
      // The last superstep's checkpoint and the run's end commit together.
      const end = finishRecord(run, RunStatus.RUN_STATUS_SUCCEEDED, output, undefined, progress);
      checkpointer.save(checkpoint, end).then(() => this.ended(RunStatus.RUN_STATUS_SUCCEEDED, output), this.stopped);
    } else {
      checkpointer.save(checkpoint).then(() => this.next(), this.stopped);
    }
    return false;
  }

  /** The run stopped early: cancelled, or failed (a worker, the superstep limit, a checkpoint that could not be saved). */
  private readonly stopped = (error: unknown): void => {
    const { run } = this;
    if (run.cancelled) {
      const reason = run.cancellation.reason as { code: string; message: string };
      this.finish(RunStatus.RUN_STATUS_CANCELLED, null, { code: reason.code, message: reason.message, worker: '' });
    } else {
      this.finish(RunStatus.RUN_STATUS_FAILED, null, toRunError(error));
    }
  };

  /** Records the end of the run (durable agents), then ends it. */
  private finish(status: RunTerminalStatus, output: unknown, error?: RunError): void {
    const { checkpointer, onError } = this.deps;
    if (!checkpointer.durable) return this.ended(status, output, error);
    checkpointer
      .finish(finishRecord(this.run, status, output, error, this.progress))
      .catch((e: unknown) => onError(e, 'could not record the end of a run'))
      .then(() => this.ended(status, output, error));
  }

  private ended(status: RunTerminalStatus, output: unknown, error?: RunError): void {
    try {
      this.run.finish(status, output, error);
      this.resolve(this.progress);
    } catch (e) {
      this.reject(e);
    }
  }
}

function finishRecord(run: Run, status: RunTerminalStatus, output: unknown, error: RunError | undefined, progress: RunProgress): RunFinish {
  return {
    runId: run.id,
    sessionId: run.spec.sessionId,
    agent: run.spec.agent,
    config: run.spec.config,
    status,
    output,
    error,
    supersteps: progress.superstep,
    state: progress.state,
  };
}

function throwIfCancelled(run: Run): void {
  if (run.cancelled) throw new RunCancelledError('cancelled', 'run cancelled');
}

function toRunError(error: unknown): RunError {
  if (error instanceof WorkerFailedError) return { code: error.code, message: error.message, worker: error.worker };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error), worker: '' };
}

/** Starts the frontier's workers concurrently; the join says when they have finished. */
function runSuperstep(run: Run, graph: AgentGraph, progress: RunProgress, deps: RunDependencies): SuperstepJoin {
  const superstep = progress.superstep + 1;
  const { frontier } = progress;
  // Workers share the run's cancellation: a failing worker aborts its siblings through it (see Run.abortSiblings),
  // which costs far less than one per superstep.
  const join = new SuperstepJoin(run.cancellation, (failure) => run.abortSiblings(failure));
  for (let index = 0; index < frontier.length && !join.failed; index++) {
    const definition = graph.worker(frontier[index].worker)!;
    const execution = new WorkerExecution(run, graph, deps, definition, superstep, index);
    let answer: WorkerAnswer;
    try {
      answer = dispatchTask(run, deps, execution, frontier[index].input, progress.state);
    } catch (error) {
      join.fail(execution.stopped(error));
      break;
    }
    join.add(index, execution, answer);
  }
  return join;
}

/** Hands one worker execution to the dispatcher, under the execution's span. */
function dispatchTask(run: Run, deps: RunDependencies, execution: WorkerExecution, input: unknown, state: Record<string, unknown>): WorkerAnswer {
  const { definition, span } = execution;
  const traceContext = span.isRecording() ? withSpan(context.active(), span) : undefined;
  return deps.dispatcher.execute({
    definition,
    input,
    runId: run.id,
    sessionId: run.spec.sessionId,
    agent: run.spec.agent,
    superstep: execution.superstep,
    config: run.spec.config,
    state,
    history: run.history,
    cancellation: run.cancellation,
    services: execution,
    traceContext,
    // Also from a trace the sampler dropped: spans opened in the worker then follow that decision.
    traceparent: definition.mode !== 'async' ? traceparentOf(traceContext ?? context.active()) : undefined,
  });
}

/**
 * One worker execution as the run sees it: the runtime services the worker calls (from whatever thread or process
 * it runs in), and its events, metrics and span. A class rather than closures: one is made per worker on the hot path.
 */
class WorkerExecution implements WorkerServices, JoinedExecution {
  readonly finished: FinishedTask;
  /** One span per worker execution, a child of the run's span (the active context when it is made). */
  readonly span: Span;
  private placement: WorkerPlacement;
  private readonly dispatchedAt = performance.now();
  private startedAt = this.dispatchedAt;
  private questions = 0;

  constructor(
    private readonly run: Run,
    private readonly graph: AgentGraph,
    private readonly deps: RunDependencies,
    readonly definition: WorkerDefinition,
    readonly superstep: number,
    private readonly index: number,
  ) {
    this.span = startRuntimeSpan(`execute_worker ${definition.name}`, { 'agentd.worker.mode': definition.mode, 'agentd.superstep': superstep, 'agentd.retry': 0 });
    this.finished = { worker: definition.name, output: null, ferried: [] };
    this.placement = { mode: workerModeMessage[definition.mode], threadId: 0, pid: 0 };
  }

  started(placement: WorkerPlacement): void {
    this.placement = placement;
    this.startedAt = performance.now();
    this.span.setAttribute('agentd.queue_wait_ms', this.startedAt - this.dispatchedAt);
    this.run.events.append({ workerStarted: { worker: this.definition.name, superstep: this.superstep, placement } });
  }

  emit(name: string, data: unknown): void {
    this.run.events.append({ custom: { worker: this.definition.name, name, data: data ?? null } });
  }

  ferryTo(worker: string, input: unknown): void {
    if (!this.graph.worker(worker)) {
      throw new Error(`ctx.ferryTo('${worker}'): agent '${this.run.spec.agent}' has no such worker; workers: ${[...this.graph.workers.keys()].join(', ')}`);
    }
    this.finished.ferried.push({ worker, input: input ?? null });
  }

  setState(patch: Record<string, unknown>): void {
    this.finished.statePatch = { ...this.finished.statePatch, ...patch };
  }

  store(method: StoreMethod, args: Record<string, unknown>): Promise<unknown> {
    return this.deps.store(method, args);
  }

  // The question's key is its place in the run, so a re-executed worker asks the same question again.
  async requestFeedback(payload: unknown, timeoutMs: number | undefined): Promise<unknown> {
    const callKey = `${this.superstep}/${this.index}/${this.definition.name}/${++this.questions}`;
    const requestId = feedbackRequestId(this.run.id, callKey);
    const asked = performance.now();
    this.span.addEvent('feedback.requested', { 'agentd.feedback.request_id': requestId });
    try {
      return await this.deps.feedback.ask(this.run, this.definition.name, callKey, payload, timeoutMs);
    } finally {
      this.span.addEvent('feedback.resolved', { 'agentd.feedback.request_id': requestId, 'agentd.feedback.wait_ms': performance.now() - asked });
    }
  }

  succeeded(result: WorkerResult): FinishedTask {
    const { definition, finished } = this;
    finished.output = result.output === undefined ? null : result.output;
    const durationMs = performance.now() - this.startedAt;
    this.run.events.append({ workerFinished: { worker: definition.name, superstep: this.superstep, placement: result.placement, output: finished.output, durationMs } });
    this.deps.metrics.workerFinished(definition.mode, durationMs, this.startedAt - this.dispatchedAt);
    if (this.span.isRecording()) {
      this.span.setAttribute('process.pid', result.placement.pid);
      if (result.placement.threadId) this.span.setAttribute('thread.id', result.placement.threadId);
    }
    this.span.end();
    return finished;
  }

  /**
   * The error this execution ends with: the run's own cancellation reason when the run was cancelled or a sibling
   * failed (the run reports the real cause), else this worker's failure.
   */
  stopped(error: unknown): unknown {
    const { cancellation } = this.run;
    if (cancellation.aborted && (error === cancellation.reason || !(error instanceof WorkerFailedError))) {
      endSpanWithError(this.span, new Error('cancelled'), 'cancelled');
      return error;
    }
    return this.failed(error);
  }

  /** Records the failure and returns the error the run fails with, naming the worker. */
  failed(error: unknown): WorkerFailedError {
    const { definition, placement } = this;
    const failure =
      error instanceof WorkerFailedError
        ? error
        : new WorkerFailedError(definition.name, 'worker_failed', `worker '${definition.name}' failed: ${error instanceof Error ? error.message : String(error)}`);
    this.run.events.append({
      workerFinished: {
        worker: definition.name,
        superstep: this.superstep,
        placement,
        error: { code: failure.code, message: failure.message, worker: definition.name },
        durationMs: performance.now() - this.startedAt,
      },
    });
    this.span.setAttributes({ 'process.pid': placement.pid, 'thread.id': placement.threadId });
    endSpanWithError(this.span, failure, failure.code);
    return failure;
  }
}
