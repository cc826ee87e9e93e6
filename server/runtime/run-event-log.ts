// A run's events in order, replayable to late subscribers (Stream attaches, WaitRun, replays).
import type { RunEvent } from '../api/contract.js';

export type RunEventBody = Omit<RunEvent, 'runId' | 'sequence' | 'time'>;
export type RunEventListener = (event: RunEvent) => void;

// Events come in bursts; formatting the same millisecond once is a measurable saving on the hot path.
let lastMs = 0;
let lastIso = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

export class RunEventLog {
  private readonly events: RunEvent[];
  private readonly listeners = new Set<RunEventListener>();
  private closed = false;

  /** `restored`: events a resumed run had recorded before the daemon restarted; numbering continues after them. */
  constructor(
    private readonly runId: string,
    restored: RunEvent[] = [],
  ) {
    this.events = [...restored];
  }

  append(body: RunEventBody): RunEvent {
    if (this.closed) throw new Error(`run ${this.runId} has finished; no more events can be added`);
    // The body is a fresh literal from the caller: completing it in place saves a copy per event.
    const event = body as RunEvent;
    event.runId = this.runId;
    event.sequence = this.events.length + 1;
    event.time = isoNow();
    this.events.push(event);
    if (this.listeners.size > 0) for (const listener of this.listeners) listener(event);
    if (body.runFinished) {
      this.closed = true;
      this.listeners.clear();
    }
    return event;
  }

  /** Delivers every event after `afterSequence`, then new ones as they come; returns an unsubscribe function. */
  subscribe(listener: RunEventListener, afterSequence = 0): () => void {
    for (const event of this.events.slice(afterSequence)) listener(event);
    if (this.closed) return () => {};
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get all(): readonly RunEvent[] {
    return this.events;
  }
}
