// An AbortController that also aborts when `parent` does. Cheaper than AbortSignal.any, which in Node 20 tracks
// its sources through weak references and costs a few microseconds plus GC work per call on the hot path.
export interface LinkedAbort {
  readonly signal: AbortSignal;
  abort(reason: unknown): void;
  /** Unhooks from the parent; call when the work is done so the parent does not keep the child alive. */
  dispose(): void;
}

export function linkedAbort(parent: AbortSignal): LinkedAbort {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, abort: () => {}, dispose: () => {} };
  }
  const onParentAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => parent.removeEventListener('abort', onParentAbort),
  };
}
