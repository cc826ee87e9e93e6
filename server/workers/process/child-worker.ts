// One warm child process that runs worker tasks one at a time, whatever its language.
import type { ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { WorkerFailedError } from '../../errors.js';
import type { Task } from '../../runtime/frontier.js';
import { describeExit } from '../crash-cause.js';
import { answerRuntimeCall, type RuntimeCall } from '../runtime-calls.js';
import type { WorkerTask } from '../worker-task.js';

export interface ChildTaskResult {
  output: unknown;
  ferried: Task[];
  statePatch?: Record<string, unknown>;
}

/** How tasks reach a child and its messages come back: IPC for Node children, JSON lines for other languages. */
export interface ChildTransport {
  sendTask(id: number, task: WorkerTask): void;
  sendReply(message: { id: number; result?: unknown; error?: string }): void;
}

type ChildMessage =
  | { type: 'ready'; pid?: number }
  | { type: 'call'; call: RuntimeCall }
  | { type: 'result'; id: number; output: unknown; ferried?: Task[]; statePatch?: Record<string, unknown>; state_patch?: Record<string, unknown> }
  | { type: 'error'; id: number; message: string };

interface InFlight {
  id: number;
  task: WorkerTask;
  resolve(result: ChildTaskResult): void;
  reject(error: Error): void;
}

export class ChildWorker {
  tasksRun = 0;
  readonly ready: Promise<void>;
  private current: InFlight | undefined;
  private stderrTail = '';
  private exited = false;
  private nextTaskId = 1;

  constructor(
    readonly child: ChildProcess,
    private readonly transport: ChildTransport,
    readonly label: string,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.onReady = resolve;
      child.once('error', (e) => reject(new Error(`could not start ${label}: ${e.message}`)));
      child.once('exit', (code, signal) => reject(new Error(`${label} exited before it was ready: ${describeExit(code, signal, this.stderrTail)}\n${this.stderrTail}`)));
    });
    this.ready.catch(() => {});
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4096);
      process.stderr.write(chunk);
    });
    child.once('exit', (code, signal) => this.onExit(code, signal));
  }

  private onReady: () => void = () => {};

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Feeds one message from the child (decoded by the transport). */
  receive(message: ChildMessage): void {
    if (message.type === 'ready') return this.onReady();
    if (message.type === 'call') {
      const current = this.current;
      if (!current || typeof message.call?.id !== 'number') return;
      void answerRuntimeCall(current.task.services, message.call, current.task).then((reply) => this.alive && this.transport.sendReply(reply));
      return;
    }
    const current = this.current;
    if (!current || current.id !== message.id) return;
    this.current = undefined;
    if (message.type === 'result') {
      current.resolve({ output: message.output ?? null, ferried: message.ferried ?? [], statePatch: message.statePatch ?? message.state_patch ?? undefined });
    }
    else current.reject(new WorkerFailedError(current.task.definition.name, 'worker_failed', `worker '${current.task.definition.name}' (process mode, pid ${this.pid}) failed: ${message.message}`));
  }

  /** Answers a blocking call read from the child's synchronous channel. */
  async answerBlockingCall(call: RuntimeCall): Promise<{ id: number; result?: unknown; error?: string }> {
    if (!this.current) return { id: call.id, error: 'no task is running in this process' };
    return answerRuntimeCall(this.current.task.services, call, this.current.task);
  }

  run(task: WorkerTask): Promise<ChildTaskResult> {
    if (this.exited) return Promise.reject(new Error(`${this.label} has exited`));
    const id = this.nextTaskId++;
    this.tasksRun++;
    return new Promise<ChildTaskResult>((resolve, reject) => {
      this.current = { id, task, resolve, reject };
      this.transport.sendTask(id, task);
    });
  }

  /** SIGTERM, then SIGKILL if it is still alive after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    const current = this.current;
    this.current = undefined;
    if (!current) return;
    const name = current.task.definition.name;
    current.reject(
      new WorkerFailedError(name, 'worker_crashed', `worker '${name}' (process mode, pid ${this.pid}) crashed: ${describeExit(code, signal, this.stderrTail)}; the process was replaced`),
    );
  }
}

/** Splits a stream of JSON lines into messages. */
export function onJsonLines(stream: NodeJS.ReadableStream, handle: (message: any) => void, onGarbage: (line: string) => void): void {
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    // A child is foreign code: nothing it writes may take the daemon down.
    try {
      const message = JSON.parse(line);
      if (typeof message !== 'object' || message === null) return onGarbage(line);
      handle(message);
    } catch {
      onGarbage(line);
    }
  });
}
