// Settles with the cancellation's reason as soon as it aborts, even if the work ignores ctx.signal.
import type { Cancellation } from './cancellation.js';

/** `work`, mapped by `map`, or the cancellation's reason if that comes first: one promise besides `work`'s. */
export function abortable<T, R>(work: Promise<T>, cancellation: Cancellation, map: (value: T) => R): Promise<R> {
  if (cancellation.aborted) return Promise.reject(cancellation.reason);
  return new Promise<R>((resolve, reject) => {
    const unhook = cancellation.onAbort(reject);
    work.then(
      (value) => {
        unhook();
        resolve(map(value));
      },
      (error) => {
        unhook();
        reject(error);
      },
    );
  });
}
