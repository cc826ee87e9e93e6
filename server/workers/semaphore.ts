// A FIFO counting semaphore: callers beyond the limit wait in order; nothing is dropped.
import type { Cancellation } from './cancellation.js';

export class Semaphore {
  private available: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    this.available = limit;
  }

  /** Takes a slot if one is free right now. */
  tryAcquire(): boolean {
    if (this.available === 0) return false;
    this.available--;
    return true;
  }

  /** Resolves when a slot is free; rejects if `cancellation` aborts first. */
  acquire(cancellation?: Cancellation): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    if (cancellation?.aborted) return Promise.reject(cancellation.reason);
    return new Promise((resolve, reject) => {
      const unhook = cancellation?.onAbort((reason) => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(reason);
      });
      const grant = () => {
        unhook?.();
        resolve();
      };
      this.waiting.push(grant);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available++;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
