import type { RunEvent } from '../../clients/ts/src/index.js';

export async function collect(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const all: RunEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** A short readable label per event, e.g. 'worker_started:w1'. */
export function label(event: RunEvent): string {
  if (event.runStarted) return 'run_started';
  if (event.workerStarted) return `worker_started:${event.workerStarted.worker}`;
  if (event.workerFinished) return `worker_finished:${event.workerFinished.worker}`;
  if (event.custom) return `custom:${event.custom.name}`;
  if (event.runFinished) return 'run_finished';
  return 'unknown';
}
