// Ties a run to the call that started it: client disconnect or the call's deadline cancels the run.
import type { ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import type { Run } from '../runtime/run.js';

type RunCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

export function deadlineMs(call: RunCall): number {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? at : Infinity;
}

/** Cancels `run` if the caller goes away or its deadline passes before the run finishes. */
export function cancelRunWithCall(call: RunCall, run: Run): void {
  const deadline = deadlineMs(call);
  const onDeadline = () => run.cancel('deadline_exceeded', 'cancelled: the call deadline passed before the run finished');
  const timer = Number.isFinite(deadline) ? setTimeout(onDeadline, Math.max(0, deadline - Date.now())) : undefined;
  const onCancelled = () => (Date.now() >= deadline ? onDeadline() : run.cancel('cancelled', 'cancelled: the client disconnected'));
  call.on('cancelled', onCancelled);
  run.onFinished(() => {
    clearTimeout(timer);
    call.removeListener('cancelled', onCancelled);
  });
}
