// Executes a run superstep by superstep: all ready workers concurrently, then one checkpoint, then the next frontier.
import { RunStatus, WorkerMode as WorkerModeMessage, type RunError, type WorkerPlacement } from '../api/contract.js';
import { RunCancelledError, WorkerFailedError } from '../errors.js';
import type { Checkpointer, RunFinish } from '../store/checkpointer.js';
import type { FeedbackBroker } from './feedback-broker.js';
import { feedbackRequestId } from './feedback-broker.js';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { endSpanWithError, traceparentOf, tracer } from '../telemetry/tracing.js';
import type { RuntimeMetrics } from '../telemetry/metrics.js';
import type { WorkerDispatcher } from '../workers/worker-dispatcher.js';
import type { StoreMethod } from '../workers/worker-task.js';
import type { AgentGraph } from './agent-graph.js';
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

const modeMessage = { async: WorkerModeMessage.WORKER_MODE_ASYNC, thread: WorkerModeMessage.WORKER_MODE_THREAD, process: WorkerModeMessage.WORKER_MODE_PROCESS };

/** Runs `run` from `progress` (its start, or a checkpoint) to the end; resolves with the final progress. */
export async function executeRun(run: Run, graph: AgentGraph, deps: RunDependencies, start: RunProgress): Promise<RunProgress> {
  let progress = start;
  run.supersteps = progress.superstep;
  let recorded = run.events.all.length; // events up to here are in earlier checkpoints
  run.status = RunStatus.RUN_STATUS_RUNNING;
  if (recorded === 0) run.events.append({ runStarted: { agent: run.spec.agent, sessionId: run.spec.sessionId, input: run.spec.input } });
  const finish = async (status: RunTerminalStatus, output: unknown, error?: RunError) => {
    await deps.checkpointer.finish(finishRecord(run, status, output, error, progress)).catch((e) => deps.onError(e, 'could not record the end of a run'));
    run.finish(status, output, error);
  };
  try {
    throwIfCancelled(run);
    while (progress.frontier.length > 0) {
      if (progress.superstep >= deps.maxSupersteps) {
        throw new WorkerFailedError('', 'superstep_limit', `run exceeded ${deps.maxSupersteps} supersteps (a ferryTo or edge loop?); raise AGENTD_MAX_SUPERSTEPS if this is intended`);
      }
      const finished = await runSuperstep(run, graph, progress, deps);
      throwIfCancelled(run);
      progress = advance(graph, progress, finished);
      run.supersteps = progress.superstep;
      const events = run.events.all.slice(recorded);
      recorded = run.events.all.length;
      if (progress.frontier.length === 0) {
        // The last superstep's checkpoint and the run's end commit together.
        const output = runOutput(graph, progress) ?? null;
        await deps.checkpointer.save({ runId: run.id, sessionId: run.spec.sessionId, progress, events }, finishRecord(run, RunStatus.RUN_STATUS_SUCCEEDED, output, undefined, progress));
        run.finish(RunStatus.RUN_STATUS_SUCCEEDED, output);
        return progress;
      }
      await deps.checkpointer.save({ runId: run.id, sessionId: run.spec.sessionId, progress, events });
    }
    await finish(RunStatus.RUN_STATUS_SUCCEEDED, runOutput(graph, progress) ?? null);
  } catch (error) {
    if (run.signal.aborted) {
      const reason = run.signal.reason as { code: string; message: string };
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
  if (run.signal.aborted) throw new RunCancelledError('cancelled', 'run cancelled');
}

function toRunError(error: unknown): RunError {
  if (error instanceof WorkerFailedError) return { code: error.code, message: error.message, worker: error.worker };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error), worker: '' };
}

async function runSuperstep(run: Run, graph: AgentGraph, progress: RunProgress, deps: RunDependencies): Promise<FinishedTask[]> {
  const superstep = progress.superstep + 1;
  // One worker alone needs only the run's signal; several get a shared one, so a failing worker aborts its siblings.
  if (progress.frontier.length === 1) {
    const signal = run.signal;
    return [await runTask(progress.frontier[0], 0, signal)];
  }
  const step = new AbortController();
  const signal = AbortSignal.any([run.signal, step.signal]);
  try {
    return await Promise.all(progress.frontier.map((task, index) => runTask(task, index, signal)));
  } catch (error) {
    step.abort(error);
    throw error;
  }

  async function runTask(task: Task, index: number, signal: AbortSignal): Promise<FinishedTask> {
    const definition = graph.worker(task.worker)!;
    let questions = 0;
    const finished: FinishedTask = { worker: definition.name, output: null, ferried: [] };
    let placement: WorkerPlacement = { mode: modeMessage[definition.mode], threadId: 0, pid: 0 };
    const dispatchedAt = performance.now();
    let startedAt = dispatchedAt;
    // One span per worker execution, a child of the run's span (the active context here).
    const span = tracer().startSpan(`execute_worker ${definition.name}`, {
      attributes: { 'agentd.worker.mode': definition.mode, 'agentd.superstep': superstep, 'agentd.retry': 0 },
    });
    const traceContext = span.isRecording() ? trace.setSpan(context.active(), span) : undefined;
    try {
      const result = await deps.dispatcher.execute({
        definition,
        input: task.input,
        runId: run.id,
        sessionId: run.spec.sessionId,
        agent: run.spec.agent,
        superstep,
        config: run.spec.config,
        state: progress.state,
        history: run.history,
        signal,
        services: {
          emit: (name, data) => run.events.append({ custom: { worker: definition.name, name, data: data ?? null } }),
          ferryTo: (worker, input) => {
            if (!graph.worker(worker)) {
              throw new Error(`ctx.ferryTo('${worker}'): agent '${run.spec.agent}' has no such worker; workers: ${[...graph.workers.keys()].join(', ')}`);
            }
            finished.ferried.push({ worker, input: input ?? null });
          },
          setState: (patch) => {
            finished.statePatch = { ...finished.statePatch, ...patch };
          },
          store: deps.store,
          // The question's key is its place in the run, so a re-executed worker asks the same question again.
          requestFeedback: async (payload, timeoutMs) => {
            const callKey = `${superstep}/${index}/${definition.name}/${++questions}`;
            const asked = performance.now();
            span.addEvent('feedback.requested', { 'agentd.feedback.request_id': feedbackRequestId(run.id, callKey) });
            try {
              return await deps.feedback.ask(run, definition.name, callKey, payload, timeoutMs);
            } finally {
              span.addEvent('feedback.resolved', { 'agentd.feedback.request_id': feedbackRequestId(run.id, callKey), 'agentd.feedback.wait_ms': performance.now() - asked });
            }
          },
        },
        onStart: (where) => {
          placement = where;
          startedAt = performance.now();
          span.setAttribute('agentd.queue_wait_ms', startedAt - dispatchedAt);
          run.events.append({ workerStarted: { worker: definition.name, superstep, placement } });
        },
        traceContext,
        traceparent: traceContext && definition.mode !== 'async' ? traceparentOf(traceContext) : undefined,
      });
      finished.output = result.output === undefined ? null : result.output;
      const durationMs = performance.now() - startedAt;
      run.events.append({ workerFinished: { worker: definition.name, superstep, placement: result.placement, output: finished.output, durationMs } });
      deps.metrics.workerFinished(definition.mode, durationMs, startedAt - dispatchedAt);
      if (traceContext) {
        span.setAttribute('process.pid', result.placement.pid);
        if (result.placement.threadId) span.setAttribute('thread.id', result.placement.threadId);
      }
      span.end();
      return finished;
    } catch (error) {
      // Cancelled, or stopped because a sibling failed: the run reports the real cause.
      if (signal.aborted && (error === signal.reason || !(error instanceof WorkerFailedError))) {
        endSpanWithError(span, new Error('cancelled'), 'cancelled');
        throw error;
      }
      const failure =
        error instanceof WorkerFailedError
          ? error
          : new WorkerFailedError(definition.name, 'worker_failed', `worker '${definition.name}' failed: ${error instanceof Error ? error.message : String(error)}`);
      run.events.append({
        workerFinished: {
          worker: definition.name,
          superstep,
          placement,
          error: { code: failure.code, message: failure.message, worker: definition.name },
          durationMs: performance.now() - startedAt,
        },
      });
      span.setAttributes({ 'process.pid': placement.pid, 'thread.id': placement.threadId });
      endSpanWithError(span, failure, failure.code);
      throw failure;
    }
  }
}
