// Executes a run superstep by superstep: all ready workers concurrently, then one checkpoint, then the next frontier.
import { RunStatus, workerModeMessage, type RunError, type WorkerPlacement } from '../api/contract.js';
import { RunCancelledError, WorkerFailedError } from '../errors.js';
import type { Checkpointer, RunFinish } from '../store/checkpointer.js';
import type { FeedbackBroker } from './feedback-broker.js';
import { feedbackRequestId } from './feedback-broker.js';
import { context, trace, type Span } from '@opentelemetry/api';
import { endSpanWithError, startRuntimeSpan, traceparentOf } from '../telemetry/tracing.js';
import type { RuntimeMetrics } from '../telemetry/metrics.js';
import type { WorkerDispatcher } from '../workers/worker-dispatcher.js';
import type { StoreMethod, WorkerResult, WorkerServices } from '../workers/worker-task.js';
import type { AgentGraph, WorkerDefinition } from './agent-graph.js';
import { advance, runOutput, type FinishedTask, type RunProgress, type Task } from './frontier.js';
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
export async function executeRun(run: Run, graph: AgentGraph, deps: RunDependencies, start: RunProgress): Promise<RunProgress> {
  let progress = start;
  run.supersteps = progress.superstep;
  let recorded = run.events.all.length; // events up to here are in earlier checkpoints
  run.status = RunStatus.RUN_STATUS_RUNNING;
  if (recorded === 0) run.events.append({ runStarted: { agent: run.spec.agent, sessionId: run.spec.sessionId, input: run.spec.input } });
  const { checkpointer } = deps;
  const finish = async (status: RunTerminalStatus, output: unknown, error?: RunError) => {
    if (checkpointer.durable) await checkpointer.finish(finishRecord(run, status, output, error, progress)).catch((e) => deps.onError(e, 'could not record the end of a run'));
    run.finish(status, output, error);
  };
  try {
    throwIfCancelled(run);
    while (progress.frontier.length > 0) {
      if (progress.superstep >= deps.maxSupersteps) {
        throw new WorkerFailedError('', 'superstep_limit', `run exceeded ${deps.maxSupersteps} supersteps (a ferryTo or edge loop?); raise AGENTD_MAX_SUPERSTEPS if this is intended`);
      }
      // Awaited only when a worker is still running: each await costs a promise, and more while tracing.
      const step = runSuperstep(run, graph, progress, deps);
      const finished = step instanceof Promise ? await step : step;
      throwIfCancelled(run);
      progress = advance(graph, progress, finished);
      run.supersteps = progress.superstep;
      const events = run.events.all.slice(recorded);
      recorded = run.events.all.length;
      if (progress.frontier.length === 0) {
        // The last superstep's checkpoint and the run's end commit together.
        const output = runOutput(graph, progress) ?? null;
        if (checkpointer.durable) {
          await checkpointer.save({ runId: run.id, sessionId: run.spec.sessionId, progress, events }, finishRecord(run, RunStatus.RUN_STATUS_SUCCEEDED, output, undefined, progress));
        }
        run.finish(RunStatus.RUN_STATUS_SUCCEEDED, output);
        return progress;
      }
      if (checkpointer.durable) await checkpointer.save({ runId: run.id, sessionId: run.spec.sessionId, progress, events });
    }
    await finish(RunStatus.RUN_STATUS_SUCCEEDED, runOutput(graph, progress) ?? null);
  } catch (error) {
    if (run.cancelled) {
      const reason = run.cancellation.reason as { code: string; message: string };
      await finish(RunStatus.RUN_STATUS_CANCELLED, null, { code: reason.code, message: reason.message, worker: '' });
    } else {
      await finish(RunStatus.RUN_STATUS_FAILED, null, toRunError(error));
    }
  }
  return progress;
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

/** Runs the frontier's workers concurrently; answered at once when every one of them answered at once. */
function runSuperstep(run: Run, graph: AgentGraph, progress: RunProgress, deps: RunDependencies): FinishedTask[] | Promise<FinishedTask[]> {
  const superstep = progress.superstep + 1;
  const { frontier } = progress;
  const finished: Array<FinishedTask | Promise<FinishedTask>> = [];
  let pending = false;
  for (let index = 0; index < frontier.length; index++) {
    let task: FinishedTask | Promise<FinishedTask>;
    try {
      task = runTask(run, graph, deps, frontier[index], superstep, index, progress.state);
    } catch (error) {
      task = Promise.reject(error);
    }
    pending ||= task instanceof Promise;
    finished.push(task);
  }
  if (!pending) return finished as FinishedTask[];
  if (finished.length === 1) return (finished[0] as Promise<FinishedTask>).then((task) => [task]);
  // Workers share the run's cancellation: a failing worker aborts its siblings through it (see Run.abortSiblings),
  // which costs far less than one per superstep.
  return Promise.all(finished).catch((error: unknown) => {
    if (error instanceof WorkerFailedError) run.abortSiblings(error);
    throw error;
  });
}

/** One worker execution with its span; a worker that answers at once is finished at once. */
function runTask(
  run: Run,
  graph: AgentGraph,
  deps: RunDependencies,
  task: Task,
  superstep: number,
  index: number,
  state: Record<string, unknown>,
): FinishedTask | Promise<FinishedTask> {
  const definition = graph.worker(task.worker)!;
  // One span per worker execution, a child of the run's span (the active context here).
  const span = startRuntimeSpan(`execute_worker ${definition.name}`, { 'agentd.worker.mode': definition.mode, 'agentd.superstep': superstep, 'agentd.retry': 0 });
  const traceContext = span.isRecording() ? trace.setSpan(context.active(), span) : undefined;
  const execution = new WorkerExecution(run, graph, deps, definition, superstep, index, span);
  let result: WorkerResult | Promise<WorkerResult>;
  try {
    result = deps.dispatcher.execute({
      definition,
      input: task.input,
      runId: run.id,
      sessionId: run.spec.sessionId,
      agent: run.spec.agent,
      superstep,
      config: run.spec.config,
      state,
      history: run.history,
      cancellation: run.cancellation,
      services: execution,
      traceContext,
      // Also from a trace the sampler dropped: spans opened in the worker then follow that decision.
      traceparent: definition.mode !== 'async' ? traceparentOf(traceContext ?? context.active()) : undefined,
    });
  } catch (error) {
    throw execution.stopped(error);
  }
  if (!(result instanceof Promise)) return execution.succeeded(result);
  return result.then(
    (done) => execution.succeeded(done),
    (error: unknown) => {
      throw execution.stopped(error);
    },
  );
}

/**
 * One worker execution as the run sees it: the runtime services the worker calls (from whatever thread or process
 * it runs in), and its events, metrics and span. A class rather than closures: one is made per worker on the hot path.
 */
class WorkerExecution implements WorkerServices {
  readonly finished: FinishedTask;
  private placement: WorkerPlacement;
  private readonly dispatchedAt = performance.now();
  private startedAt = this.dispatchedAt;
  private questions = 0;

  constructor(
    private readonly run: Run,
    private readonly graph: AgentGraph,
    private readonly deps: RunDependencies,
    private readonly definition: WorkerDefinition,
    private readonly superstep: number,
    private readonly index: number,
    private readonly span: Span,
  ) {
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
