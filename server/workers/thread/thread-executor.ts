// thread mode: a piscina pool of worker threads for CPU-bound or blocking code.
import { Piscina } from 'piscina';
import { WorkerMode } from '../../api/contract.js';
import { WorkerFailedError } from '../../errors.js';
import { answerRuntimeCall } from '../runtime-calls.js';
import { Semaphore } from '../semaphore.js';
import { tracingRequested } from '../../telemetry/tracing.js';
import type { WorkerExecutor, WorkerResult, WorkerTask } from '../worker-task.js';
import type { WorkerDefinition } from '../../runtime/agent-graph.js';
import type { ThreadCallMessage, ThreadLinkMessage, ThreadTaskMessage, ThreadTaskResult, WorkerSource } from './thread-entry.js';

export interface ThreadPoolOptions {
  threads: number;
  /**
   * Threads started up front and kept while idle. Each costs ~150 MB of memory once it has loaded TypeScript
   * support, so by default (0) threads start with the first thread-mode task and stop after a minute idle.
   */
  minThreads?: number;
  /** Tasks that may wait inside piscina; beyond that, runs wait here in order. */
  maxQueue: number;
  maxOldGenerationSizeMb: number;
}

const entry = new URL('./thread-bootstrap.mjs', import.meta.url).href;

export class ThreadExecutor implements WorkerExecutor {
  readonly pool: Piscina;
  private readonly admission: Semaphore;
  private readonly running = new Map<number, WorkerTask>();
  private nextTaskId = 1;
  /** Worker module + export -> the small number tasks carry instead (see ThreadTaskMessage). */
  private readonly workerRefs = new Map<string, number>();
  private readonly workerSources: WorkerSource[] = [];

  constructor(options: ThreadPoolOptions) {
    this.pool = new Piscina({
      filename: entry,
      minThreads: Math.min(options.minThreads ?? 0, options.threads),
      maxThreads: options.threads,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      // An idle piscina thread blocks in Atomics.wait, which would starve its span exporter's timers.
      atomics: tracingRequested() ? 'disabled' : 'sync',
      resourceLimits: options.maxOldGenerationSizeMb ? { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb } : undefined,
    });
    this.admission = new Semaphore(options.threads + options.maxQueue);
    this.pool.on('message', (message: ThreadLinkMessage) => {
      if (message?.agentdThreadLink) this.serveLink(message);
    });
  }

  /** Answers the runtime calls a thread sends over its link, for whichever of its tasks is running. */
  private serveLink({ port, replyFlag }: ThreadLinkMessage): void {
    const flag = new Int32Array(replyFlag);
    port.on('message', (message: ThreadCallMessage) => {
      const { call } = message;
      const task = this.running.get(message.taskId);
      const answer =
        call.method === 'workerSource'
          ? Promise.resolve({ id: call.id, result: this.workerSources[call.args.ref as number] })
          : task
            ? answerRuntimeCall(task.services, { ...call, method: call.method }, task)
            : Promise.resolve({ id: call.id, error: 'the task that made this call has ended' });
      void answer.then((reply) => {
        port.postMessage(reply);
        if (message.sync) {
          Atomics.store(flag, 0, 1);
          Atomics.notify(flag, 0);
        }
      });
    });
    port.unref();
  }

  async execute(task: WorkerTask): Promise<WorkerResult> {
    if (!this.admission.tryAcquire()) await this.admission.acquire(task.cancellation);
    const taskId = this.nextTaskId++;
    this.running.set(taskId, task);
    try {
      return await this.runInThread(taskId, task);
    } finally {
      this.running.delete(taskId);
      this.admission.release();
    }
  }

  private async runInThread(taskId: number, task: WorkerTask): Promise<WorkerResult> {
    const { definition, services } = task;
    const signal = task.cancellation.signal;
    const message: ThreadTaskMessage = [taskId, this.refFor(definition), task.input, task.runId, task.sessionId, task.agent, definition.name, task.superstep, task.config, task.traceparent];
    // The thread id is known once the task is placed; report the start with the daemon's pid and thread 0 until then.
    task.services.started({ mode: WorkerMode.WORKER_MODE_THREAD, threadId: 0, pid: process.pid });
    try {
      const result = (await this.pool.run(message, { signal })) as ThreadTaskResult;
      for (const next of result.ferried) services.ferryTo(next.worker, next.input);
      if (result.statePatch) services.setState(result.statePatch);
      return { output: result.output, placement: { mode: WorkerMode.WORKER_MODE_THREAD, threadId: result.threadId, pid: process.pid } };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw toThreadFailure(definition.name, error);
    }
  }

  private refFor(definition: WorkerDefinition): number {
    const key = `${definition.modulePath}#${definition.exportName}`;
    let ref = this.workerRefs.get(key);
    if (ref === undefined) {
      ref = this.workerSources.push({ modulePath: definition.modulePath!, exportName: definition.exportName! }) - 1;
      this.workerRefs.set(key, ref);
    }
    return ref;
  }

  get stats() {
    return { threads: this.pool.threads.length, queued: this.pool.queueSize + this.admission.queued, completed: this.pool.completed };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

function toThreadFailure(worker: string, error: unknown): WorkerFailedError {
  const e = error as { message?: string; code?: string };
  const message = e?.message ?? String(error);
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory/i.test(message)) {
    return new WorkerFailedError(worker, 'worker_crashed', `worker '${worker}' (thread mode) crashed: its thread ran out of memory (${message}); the thread was replaced`);
  }
  if (/worker exited|exited with code|terminated/i.test(message)) {
    return new WorkerFailedError(worker, 'worker_crashed', `worker '${worker}' (thread mode) crashed: its thread exited (${message}); the thread was replaced`);
  }
  return new WorkerFailedError(worker, 'worker_failed', `worker '${worker}' (thread mode) failed: ${message}`);
}
