// Superstep planning: given what finished in a superstep, which workers run in the next one.
// Pure functions over plain data, so a checkpoint can hold everything needed to continue.
import type { AgentGraph } from './agent-graph.js';

export interface Task {
  worker: string;
  input: unknown;
}

export interface FinishedTask {
  worker: string;
  output: unknown;
  /** Targets chosen with ctx.ferryTo; when present they replace the worker's static successors. */
  ferried: Task[];
  /** Changes to the session state made with ctx.setState, merged after the superstep in task order. */
  statePatch?: Record<string, unknown>;
}

export interface RunProgress {
  /** Supersteps completed. */
  superstep: number;
  /** Latest output of each worker that has finished. */
  outputs: Record<string, unknown>;
  /** Fan-in workers still waiting: worker -> outputs received so far from its predecessors. */
  joins: Record<string, Record<string, unknown>>;
  /** Tasks of the next superstep; empty when the run is done. */
  frontier: Task[];
  /** Workers that finished in the last completed superstep, in order. */
  lastFinished: string[];
  /** The session state: what the run started with, plus every ctx.setState so far. */
  state: Record<string, unknown>;
}

export function initialProgress(graph: AgentGraph, input: unknown, state: Record<string, unknown> = {}): RunProgress {
  return {
    superstep: 0,
    outputs: {},
    joins: {},
    frontier: graph.startWorkers.map((worker) => ({ worker, input })),
    lastFinished: [],
    state,
  };
}

/** Applies one finished superstep to the progress and plans the next frontier. */
export function advance(graph: AgentGraph, progress: RunProgress, finished: FinishedTask[]): RunProgress {
  const outputs = { ...progress.outputs };
  const joins: Record<string, Record<string, unknown>> = { ...progress.joins };
  const frontier: Task[] = [];
  let state = progress.state;
  for (const task of finished) {
    outputs[task.worker] = task.output;
    if (task.statePatch) state = { ...state, ...task.statePatch };
    if (task.ferried.length > 0) {
      frontier.push(...task.ferried);
      continue;
    }
    for (const next of graph.successors.get(task.worker) ?? []) {
      const waitsFor = graph.worker(next)!.after;
      if (waitsFor.length === 1) {
        frontier.push({ worker: next, input: task.output });
        continue;
      }
      const arrived = { ...(joins[next] ?? {}), [task.worker]: task.output };
      if (waitsFor.every((pred) => pred in arrived)) {
        delete joins[next];
        frontier.push({ worker: next, input: arrived });
      } else {
        joins[next] = arrived;
      }
    }
  }
  return {
    superstep: progress.superstep + 1,
    outputs,
    joins,
    frontier,
    lastFinished: finished.map((t) => t.worker),
    state,
  };
}

/** The run's result once the frontier is empty: the output worker's, else what the last superstep produced. */
export function runOutput(graph: AgentGraph, progress: RunProgress): unknown {
  if (progress.lastFinished.includes(graph.outputWorker) || progress.lastFinished.length === 0) {
    return progress.outputs[graph.outputWorker] ?? null;
  }
  if (progress.lastFinished.length === 1) return progress.outputs[progress.lastFinished[0]];
  return Object.fromEntries(progress.lastFinished.map((w) => [w, progress.outputs[w]]));
}
