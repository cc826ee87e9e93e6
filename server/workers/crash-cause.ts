// Says in words why a thread or child process died, for the run's error message.
export function describeExit(code: number | null, signal: NodeJS.Signals | null, stderrTail = ''): string {
  if (/heap out of memory|ERR_WORKER_OUT_OF_MEMORY|Allocation failed/i.test(stderrTail)) return 'it ran out of memory';
  if (signal === 'SIGKILL') return 'it was killed with SIGKILL (out of memory, or killed from outside)';
  if (signal === 'SIGSEGV') return 'it crashed with a segmentation fault (SIGSEGV)';
  if (signal === 'SIGABRT') return 'it aborted (SIGABRT)';
  if (signal) return `it was terminated by ${signal}`;
  return `it exited with code ${code} (process.exit or a fatal error)`;
}
