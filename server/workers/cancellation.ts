// A run's (or a worker's) cancellation. The runtime itself listens through onAbort, which costs a Set insert;
// a real AbortSignal is made only when something asks for one (a worker reading ctx.signal, piscina, a child
// process). In Node 20, adding and removing one listener on an AbortSignal costs ~6 µs, several per run.
export class Cancellation {
  private listeners: Set<(reason: unknown) => void> | undefined;
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private isAborted = false;

  get aborted(): boolean {
    return this.isAborted;
  }

  get reason(): unknown {
    return this.abortReason;
  }

  /** An AbortSignal that aborts with this cancellation (made on first use). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener(reason);
  }

  /** Calls `listener` once on abort (at once if already aborted); returns the function that unhooks it. */
  onAbort(listener: (reason: unknown) => void): () => void {
    if (this.isAborted) {
      listener(this.abortReason);
      return noop;
    }
    (this.listeners ??= new Set()).add(listener);
    return () => this.listeners?.delete(listener);
  }

  /** A cancellation that aborts with this one, and can also be aborted alone; dispose() unhooks it. */
  child(): { cancellation: Cancellation; dispose(): void } {
    const child = new Cancellation();
    const dispose = this.onAbort((reason) => child.abort(reason));
    return { cancellation: child, dispose };
  }
}

function noop(): void {}
