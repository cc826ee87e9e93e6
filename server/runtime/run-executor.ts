// Executes a run superstep by superstep: all ready workers concurrently, then the next frontier.
import { RunStatus, WorkerMode as WorkerModeMessage, type RunError, type WorkerPlacement } from '../api/contract.js';
import { RunCancelledError, WorkerFailedError } from '../errors.js';
import type { WorkerDispatcher } from '../workers/worker-dispatcher.js';
import type { AgentGraph } from './agent-graph.js';
import { advance, initialProgress, runOutput, type FinishedTask, type RunProgress, type Task } from './frontier.js';
import type { Run } from './run.js';

export interface RunLimits {
  maxSupersteps: number;
}

const modeMessage = { async: WorkerModeMessage.WORKER_MODE_ASYNC, thread: WorkerModeMessage.WORKER_MODE_THREAD, process: WorkerModeMessage.WORKER_MODE_PROCESS };

export async function executeRun(run: Run, graph: AgentGraph, dispatcher: WorkerDispatcher, limits: RunLimits): Promise<void> {
  run.status = RunStatus.RUN_STATUS_RUNNING;
  run.events.append({ runStarted: { agent: run.spec.agent, sessionId: run.spec.sessionId, input: run.spec.input } });
  let progress = initialProgress(graph, run.spec.input);
  try {
    while (progress.frontier.length > 0) {
      throwIfCancelled(run);
      if (progress.superstep >= limits.maxSupersteps) {
        throw new WorkerFailedError(
          '',
          'superstep_limit',
          `run exceeded ${limits.maxSupersteps} supersteps (a ferryTo or edge loop?); raise AGENTD_MAX_SUPERSTEPS if this is intended`,
        );
      }
      const finished = await runSuperstep(run, graph, progress, dispatcher);
      progress = advance(graph, progress, finished);
      run.supersteps = progress.superstep;
    }
    throwIfCancelled(run);
    run.finish(RunStatus.RUN_STATUS_SUCCEEDED, runOutput(graph, progress) ?? null);
  } catch (error) {
    if (run.signal.aborted) {
      const reason = run.signal.reason as { code: string; message: string };
      run.finish(RunStatus.RUN_STATUS_CANCELLED, null, { code: reason.code, message: reason.message, worker: '' });
    } else {
      run.finish(RunStatus.RUN_STATUS_FAILED, null, toRunError(error));
    }
  }
}

function throwIfCancelled(run: Run): void {
  if (run.signal.aborted) throw new RunCancelledError('cancelled', 'run cancelled');
}

function toRunError(error: unknown): RunError {
  if (error instanceof WorkerFailedError) return { code: error.code, message: error.message, worker: error.worker };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error), worker: '' };
}

async function runSuperstep(run: Run, graph: AgentGraph, progress: RunProgress, dispatcher: WorkerDispatcher): Promise<FinishedTask[]> {
  // A failing worker aborts its siblings: the run fails as soon as one worker does.
  const step = new AbortController();
  const signal = AbortSignal.any([run.signal, step.signal]);
  try {
    return await Promise.all(progress.frontier.map((task) => runTask(run, graph, progress.superstep + 1, task, signal)));
  } catch (error) {
    step.abort(error);
    throw error;
  }

  async function runTask(run: Run, graph: AgentGraph, superstep: number, task: Task, signal: AbortSignal): Promise<FinishedTask> {
    const definition = graph.worker(task.worker)!;
    const ferried: Task[] = [];
    let placement: WorkerPlacement = { mode: modeMessage[definition.mode], threadId: 0, pid: 0 };
    let startedAt = performance.now();
    try {
      const result = await dispatcher.execute({
        definition,
        input: task.input,
        runId: run.id,
        sessionId: run.spec.sessionId,
        agent: run.spec.agent,
        superstep,
        config: run.spec.config,
        signal,
        services: {
          emit: (name, data) => run.events.append({ custom: { worker: definition.name, name, data: data ?? null } }),
          ferryTo: (worker, input) => {
            if (!graph.worker(worker)) {
              throw new Error(`ctx.ferryTo('${worker}'): agent '${run.spec.agent}' has no such worker; workers: ${[...graph.workers.keys()].join(', ')}`);
            }
            ferried.push({ worker, input: input ?? null });
          },
        },
        onStart: (where) => {
          placement = where;
          startedAt = performance.now();
          run.events.append({ workerStarted: { worker: definition.name, superstep, placement } });
        },
      });
      const output = result.output === undefined ? null : result.output;
      run.events.append({
        workerFinished: { worker: definition.name, superstep, placement: result.placement, output, durationMs: performance.now() - startedAt },
      });
      return { worker: definition.name, output, ferried };
    } catch (error) {
      // Cancelled, or stopped because a sibling failed: the run reports the real cause.
      if (signal.aborted && (error === signal.reason || !(error instanceof WorkerFailedError))) throw error;
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
      throw failure;
    }
  }
}
