// async mode: the worker is awaited on the main loop, for I/O-bound work.
import { WorkerMode } from '../api/contract.js';
import type { WorkerContext } from '../sdk/types.js';
import { abortable } from './abortable.js';
import { workerStore } from './store-access.js';
import type { WorkerExecutor, WorkerResult, WorkerTask } from './worker-task.js';

const placement = { mode: WorkerMode.WORKER_MODE_ASYNC, threadId: 0, pid: process.pid };

function blockingTwinOnMainLoop(name: string): never {
  const twin = name === 'emitSync' || name === 'requestFeedbackSync' ? name.replace('Sync', '') : `store.${name.replace('Sync', '')}`;
  throw new Error(`${name} blocks and cannot be called on the main loop; in an async worker use 'await ctx.${twin}(...)'`);
}

export function contextFor(task: WorkerTask): WorkerContext {
  return {
    runId: task.runId,
    sessionId: task.sessionId,
    agent: task.agent,
    worker: task.definition.name,
    superstep: task.superstep,
    config: task.config,
    signal: task.signal,
    emit: async (name, data) => task.services.emit(name, data),
    emitSync: () => blockingTwinOnMainLoop('emitSync'),
    requestFeedback: async <T>(payload: unknown, options?: { timeoutMs?: number }) => (await task.services.requestFeedback(payload, options?.timeoutMs)) as T,
    requestFeedbackSync: () => blockingTwinOnMainLoop('requestFeedbackSync'),
    ferryTo: (worker, input) => task.services.ferryTo(worker, input),
    state: task.state,
    setState: (patch) => task.services.setState(patch),
    history: task.history,
    store: workerStore(
      (method, args) => task.services.store(method, args),
      (method) => blockingTwinOnMainLoop(`${method}Sync`),
    ),
  };
}

export class AsyncExecutor implements WorkerExecutor {
  async execute(task: WorkerTask): Promise<WorkerResult> {
    const fn = task.definition.fn!;
    task.onStart(placement);
    const output = await abortable(Promise.resolve().then(() => fn(task.input, contextFor(task))), task.signal);
    return { output, placement };
  }

  async close(): Promise<void> {}
}
