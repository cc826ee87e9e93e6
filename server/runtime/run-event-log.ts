// A run's events in order, replayable to late subscribers (Stream attaches, WaitRun, replays).
import type { RunEvent } from '../api/contract.js';

export type RunEventBody = Omit<RunEvent, 'runId' | 'sequence' | 'time'>;
export type RunEventListener = (event: RunEvent) => void;

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
    const event: RunEvent = { runId: this.runId, sequence: this.events.length + 1, time: new Date().toISOString(), ...body };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
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
