// The worker context inside a thread or child process: runtime services become calls to the main loop.
// A class with prototype methods, because hot paths here run per task (no closures allocated per call).
import type { Task } from '../runtime/frontier.js';
import type { Turn, WorkerContext, WorkerStore } from '../sdk/types.js';
import type { RuntimeMethod } from './runtime-calls.js';
import { workerStore } from './store-access.js';

export interface RemoteTaskInfo {
  runId: string;
  sessionId: string;
  agent: string;
  worker: string;
  superstep: number;
  config: Record<string, unknown>;
}

/** How a thread or process reaches the main loop; `taskId` tells the main loop which task is calling. */
export interface RuntimeCaller {
  call(taskId: number, method: RuntimeMethod, args: Record<string, unknown>): Promise<unknown>;
  callSync(taskId: number, method: RuntimeMethod, args: Record<string, unknown>): unknown;
}

export class RemoteWorkerContext implements WorkerContext {
  readonly runId: string;
  readonly sessionId: string;
  readonly agent: string;
  readonly worker: string;
  readonly superstep: number;
  readonly config: Record<string, unknown>;
  /** Targets chosen with ctx.ferryTo; returned with the result so they arrive in order. */
  readonly ferried: Task[] = [];
  /** Changes made with ctx.setState; returned with the result. */
  statePatch: Record<string, unknown> | undefined;
  private inFlight: Set<Promise<unknown>> | undefined;
  private stateSnapshot: Record<string, unknown> | undefined;
  private historySnapshot: Turn[] | undefined;
  private storeApi: WorkerStore | undefined;

  constructor(
    info: RemoteTaskInfo,
    private readonly taskId: number,
    private readonly caller: RuntimeCaller,
    readonly signal: AbortSignal,
  ) {
    this.runId = info.runId;
    this.sessionId = info.sessionId;
    this.agent = info.agent;
    this.worker = info.worker;
    this.superstep = info.superstep;
    this.config = info.config;
  }

  async emit(name: string, data?: unknown): Promise<void> {
    await this.track(this.caller.call(this.taskId, 'emit', { name, data }));
  }

  emitSync(name: string, data?: unknown): void {
    this.caller.callSync(this.taskId, 'emit', { name, data });
  }

  ferryTo(worker: string, input?: unknown): void {
    this.ferried.push({ worker, input: input ?? null });
  }

  // State and history are read from the main loop on first use: most workers never look, and history can be long.
  get state(): Record<string, unknown> {
    return (this.stateSnapshot ??= this.caller.callSync(this.taskId, 'session.state', {}) as Record<string, unknown>);
  }

  get history(): Turn[] {
    return (this.historySnapshot ??= this.caller.callSync(this.taskId, 'session.history', {}) as Turn[]);
  }

  async requestFeedback<T>(payload: unknown, options?: { timeoutMs?: number }): Promise<T> {
    return (await this.track(this.caller.call(this.taskId, 'feedback.request', { payload, timeoutMs: options?.timeoutMs }))) as T;
  }

  requestFeedbackSync<T>(payload: unknown, options?: { timeoutMs?: number }): T {
    return this.caller.callSync(this.taskId, 'feedback.request', { payload, timeoutMs: options?.timeoutMs }) as T;
  }

  setState(patch: Record<string, unknown>): void {
    this.statePatch = { ...this.statePatch, ...patch };
  }

  get store(): WorkerStore {
    return (this.storeApi ??= workerStore(
      (method, args) => this.track(this.caller.call(this.taskId, `store.${method}`, args)),
      (method, args) => this.caller.callSync(this.taskId, `store.${method}`, args),
    ));
  }

  get hasCallsInFlight(): boolean {
    return (this.inFlight?.size ?? 0) > 0;
  }

  /** Waits for async calls still in flight, so their events precede the worker's result. */
  async settle(): Promise<void> {
    if (this.inFlight?.size) await Promise.allSettled(this.inFlight);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    const inFlight = (this.inFlight ??= new Set());
    inFlight.add(promise);
    promise.then(
      () => inFlight.delete(promise),
      () => inFlight.delete(promise),
    );
    return promise;
  }
}

/** Finds the worker function a module exports under `exportName` (or on its default export). */
export function pickExport(exports: Record<string, unknown>, exportName: string, modulePath: string): (input: unknown, ctx: WorkerContext) => unknown {
  const fn = exports[exportName] ?? (exportName === 'default' ? undefined : (exports.default as Record<string, unknown> | undefined)?.[exportName]);
  if (typeof fn !== 'function') {
    const names = Object.keys(exports).filter((k) => typeof exports[k] === 'function');
    throw new Error(`module ${modulePath} has no exported function '${exportName}'; it exports: ${names.join(', ') || '(no functions)'}`);
  }
  return fn as (input: unknown, ctx: WorkerContext) => unknown;
}
