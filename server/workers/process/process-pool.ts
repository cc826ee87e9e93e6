// A pool of warm child processes of one kind: reused across tasks, recycled after N tasks, replaced when they die.
import type { Cancellation } from '../cancellation.js';
import { Semaphore } from '../semaphore.js';
import type { ChildWorker } from './child-worker.js';

export class ProcessPool {
  private readonly idle: ChildWorker[] = [];
  private readonly slots: Semaphore;
  readonly children = new Set<ChildWorker>();

  constructor(
    private readonly spawnChild: () => ChildWorker,
    readonly size: number,
    private readonly maxTasksPerProcess: number,
    private readonly killGraceMs: number,
  ) {
    this.slots = new Semaphore(size);
  }

  /** Runs `work` on a free child (waiting in order for one if all are busy), then returns the child to the pool. */
  async use<T>(cancellation: Cancellation, work: (child: ChildWorker) => Promise<T>): Promise<T> {
    await this.slots.acquire(cancellation);
    let child: ChildWorker | undefined;
    try {
      child = await this.takeIdleOrSpawn();
      return await work(child);
    } finally {
      if (child) this.giveBack(child);
      this.slots.release();
    }
  }

  private async takeIdleOrSpawn(): Promise<ChildWorker> {
    for (let child = this.idle.pop(); child; child = this.idle.pop()) if (child.alive) return child;
    const child = this.spawnChild();
    this.children.add(child);
    child.child.once('exit', () => {
      this.children.delete(child);
      const i = this.idle.indexOf(child);
      if (i >= 0) this.idle.splice(i, 1);
    });
    await child.ready;
    return child;
  }

  private giveBack(child: ChildWorker): void {
    if (!child.alive) return;
    if (child.tasksRun >= this.maxTasksPerProcess) void child.stop(this.killGraceMs);
    else this.idle.push(child);
  }

  get queued(): number {
    return this.slots.queued;
  }

  async close(): Promise<void> {
    await Promise.all([...this.children].map((c) => c.stop(this.killGraceMs)));
  }
}
