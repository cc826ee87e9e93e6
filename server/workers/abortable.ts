// Settles with the cancellation's reason as soon as it aborts, even if the work ignores ctx.signal.
import type { Cancellation } from './cancellation.js';

export function abortable<T>(work: Promise<T>, cancellation: Cancellation): Promise<T> {
  if (cancellation.aborted) return Promise.reject(cancellation.reason);
  return new Promise<T>((resolve, reject) => {
    const unhook = cancellation.onAbort(reject);
    work.then(
      (value) => {
        unhook();
        resolve(value);
      },
      (error) => {
        unhook();
        reject(error);
      },
    );
  });
}
