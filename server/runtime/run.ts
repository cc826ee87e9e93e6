// One invocation of an agent in a session: its status, result, events and cancellation.
import { randomUUID } from 'node:crypto';
import { RunStatus, type Run as RunMessage, type RunError, type RunEvent } from '../api/contract.js';
import type { Context } from '@opentelemetry/api';
import type { Turn } from '../sdk/types.js';
import { WorkerFailedError } from '../errors.js';
import { Cancellation } from '../workers/cancellation.js';
import { RunEventLog } from './run-event-log.js';

export type RunTerminalStatus = RunStatus.RUN_STATUS_SUCCEEDED | RunStatus.RUN_STATUS_FAILED | RunStatus.RUN_STATUS_CANCELLED;

export interface RunSpec {
  agent: string;
  sessionId: string;
  input: unknown;
  config: Record<string, unknown>;
  idempotencyKey: string;
  /** Checkpoint this run was forked from (ForkFromCheckpoint). */
  forkedFrom?: string;
}

/** Identity of a run being restored after a restart. */
export interface RestoredRun {
  id: string;
  createdAt: Date;
  events: RunEvent[];
}

export class Run {
  readonly id: string;
  readonly createdAt: Date;
  readonly events: RunEventLog;
  /** The session's earlier turns, taken when the run starts. */
  history: Turn[] = [];
  /** The trace context of the call that started the run; its span is the parent of the run's span. */
  parentContext: Context | undefined;
  readonly cancellation = new Cancellation();
  status = RunStatus.RUN_STATUS_QUEUED;
  output: unknown = undefined;
  error: RunError | undefined;
  finishedAt: Date | undefined;
  supersteps = 0;
  private finishListeners: Array<() => void> | undefined;
  private donePromise: Promise<void> | undefined;

  /** True for a run resumed after a restart: its workers may be re-executing questions already asked. */
  readonly restored: boolean;

  constructor(
    readonly spec: RunSpec,
    restored?: RestoredRun,
  ) {
    this.restored = restored !== undefined;
    this.id = restored?.id ?? randomUUID();
    this.createdAt = restored?.createdAt ?? new Date();
    this.events = new RunEventLog(this.id, restored?.events);
  }

  get finished(): boolean {
    return this.finishedAt !== undefined;
  }

  /** Calls `listener` when the run reaches a terminal status (at once if it has): no promise on the hot path. */
  onFinished(listener: () => void): void {
    if (this.finished) listener();
    else (this.finishListeners ??= []).push(listener);
  }

  /** Resolves when the run reaches a terminal status. */
  get done(): Promise<void> {
    return (this.donePromise ??= new Promise((resolve) => this.onFinished(resolve)));
  }

  /** True once the run was cancelled (not when a failing worker stopped its siblings). */
  get cancelled(): boolean {
    return this.cancellation.aborted && !(this.cancellation.reason instanceof WorkerFailedError);
  }

  /** A worker failed: aborts the workers still running beside it; the run then fails with `failure`. */
  abortSiblings(failure: WorkerFailedError): void {
    this.cancellation.abort(failure);
  }

  /** Aborts the run's workers; the executor then ends the run as cancelled with this error. */
  cancel(code: 'cancelled' | 'deadline_exceeded', message: string): void {
    if (this.finished) return;
    this.cancellation.abort({ code, message });
  }

  finish(status: RunTerminalStatus, output: unknown, error?: RunError): void {
    if (this.finished) return;
    this.status = status;
    this.output = output;
    this.error = error;
    this.finishedAt = new Date();
    this.events.append({ runFinished: { status, output: status === RunStatus.RUN_STATUS_SUCCEEDED ? output : undefined, error } });
    const listeners = this.finishListeners;
    this.finishListeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }

  toMessage(): RunMessage {
    return {
      id: this.id,
      agent: this.spec.agent,
      sessionId: this.spec.sessionId,
      status: this.status,
      input: this.spec.input,
      output: this.status === RunStatus.RUN_STATUS_SUCCEEDED ? this.output : undefined,
      error: this.error,
      createdAt: this.createdAt.toISOString(),
      finishedAt: this.finishedAt?.toISOString(),
      idempotencyKey: this.spec.idempotencyKey,
      supersteps: this.supersteps,
      forkedFromCheckpointId: this.spec.forkedFrom ?? '',
    };
  }
}
