// Ties a run to the call that started it: client disconnect or the call's deadline cancels the run.
import type { ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import type { Run } from '../runtime/run.js';

type RunCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

export function deadlineMs(call: RunCall): number {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? at : Infinity;
}

/**
 * How much later than the caller's the call's deadline can fall here. A client sends the time it has left (rounded
 * up to the millisecond) and the server counts it from when it reads the call's headers, so the server's deadline
 * trails the client's by the time between the two; the client gives up at its own, and its cancel arrives while
 * the server's deadline is still a few milliseconds away (longer when either event loop is busy).
 */
const DEADLINE_SKEW_MS = 100;

/** Cancels `run` if the caller goes away or its deadline passes before the run finishes. */
export function cancelRunWithCall(call: RunCall, run: Run): void {
  const deadline = deadlineMs(call);
  const onDeadline = () => run.cancel('deadline_exceeded', 'cancelled: the call deadline passed before the run finished');
  const timer = Number.isFinite(deadline) ? setTimeout(onDeadline, Math.max(0, deadline - Date.now())) : undefined;
  // A cancel that arrives this close to the deadline is the client's deadline passing, not the client leaving.
  const onCancelled = () => (Date.now() >= deadline - DEADLINE_SKEW_MS ? onDeadline() : run.cancel('cancelled', 'cancelled: the client disconnected'));
  call.on('cancelled', onCancelled);
  run.onFinished(() => {
    clearTimeout(timer);
    call.removeListener('cancelled', onCancelled);
  });
}
