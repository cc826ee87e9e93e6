// process mode: pooled child processes, for isolation from crashes and leaks, native code, and other languages.
import { WorkerMode } from '../../api/contract.js';
import type { WorkerExecutor, WorkerResult, WorkerTask } from '../worker-task.js';
import { spawnCommandChild } from './command-child.js';
import { forkNodeChild } from './node-child.js';
import { ProcessPool } from './process-pool.js';

export interface ProcessPoolOptions {
  processes: number;
  maxTasksPerProcess: number;
  killGraceMs: number;
  maxOldGenerationSizeMb: number;
}

export class ProcessExecutor implements WorkerExecutor {
  /** One pool for JS/TS modules (any module loads in any Node child), one per distinct command. */
  readonly pools = new Map<string, ProcessPool>();

  constructor(private readonly options: ProcessPoolOptions) {}

  private poolFor(task: WorkerTask): ProcessPool {
    const { command, cwd } = task.definition;
    const key = command ? JSON.stringify([command, cwd ?? '']) : 'node';
    let pool = this.pools.get(key);
    if (!pool) {
      const spawn = command ? () => spawnCommandChild(command, cwd) : () => forkNodeChild(this.options.maxOldGenerationSizeMb);
      pool = new ProcessPool(spawn, this.options.processes, this.options.maxTasksPerProcess, this.options.killGraceMs);
      this.pools.set(key, pool);
    }
    return pool;
  }

  async execute(task: WorkerTask): Promise<WorkerResult> {
    const { cancellation } = task;
    return this.poolFor(task).use(cancellation, async (child) => {
      const placement = { mode: WorkerMode.WORKER_MODE_PROCESS, threadId: 0, pid: child.pid };
      task.services.started(placement);
      const unhook = cancellation.onAbort(() => void child.stop(this.options.killGraceMs));
      try {
        const result = await child.run(task);
        for (const next of result.ferried) task.services.ferryTo(next.worker, next.input);
        if (result.statePatch) task.services.setState(result.statePatch);
        return { output: result.output, placement };
      } catch (error) {
        if (cancellation.aborted) throw cancellation.reason;
        throw error;
      } finally {
        unhook();
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}
