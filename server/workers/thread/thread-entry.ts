// Runs inside a piscina worker thread: loads the worker's module and runs one task.
// Runtime calls go to the main loop over one MessagePort per thread, made on the thread's first call;
// blocking twins wait on that link's SharedArrayBuffer flag until the main loop has posted the reply.
import { pathToFileURL } from 'node:url';
import { MessageChannel, parentPort, receiveMessageOnPort, threadId, type MessagePort } from 'node:worker_threads';
import { pickExport, RemoteWorkerContext, type RuntimeCaller } from '../remote-context.js';
import { startWorkerTracing, withTraceparent } from '../../telemetry/worker-tracing.js';

startWorkerTracing('thread');
import { replyError, type RuntimeMethod, type RuntimeReply } from '../runtime-calls.js';
import type { Task } from '../../runtime/frontier.js';

/**
 * One task, as a flat tuple: cloning it is on every task's path. `workerRef` stands for the worker's module and
 * export; a thread learns what a ref means once, by asking the main loop (the 'workerSource' call).
 */
export type ThreadTaskMessage = [
  taskId: number,
  workerRef: number,
  input: unknown,
  runId: string,
  sessionId: string,
  agent: string,
  worker: string,
  superstep: number,
  config: Record<string, unknown>,
  traceparent: string | undefined,
];

export interface WorkerSource {
  modulePath: string;
  exportName: string;
}

export interface ThreadTaskResult {
  output: unknown;
  ferried: Task[];
  statePatch: Record<string, unknown> | undefined;
  threadId: number;
}

/** Sent up through parentPort (piscina re-emits it on the pool) to open this thread's link. */
export interface ThreadLinkMessage {
  agentdThreadLink: true;
  threadId: number;
  port: MessagePort;
  /** Int32 flag the main loop sets to 1 (and notifies) after posting the reply to a blocking call. */
  replyFlag: SharedArrayBuffer;
}

/** A runtime call from a task, over the thread's link. */
export interface ThreadCallMessage {
  taskId: number;
  sync: boolean;
  call: { id: number; method: RuntimeMethod | 'workerSource'; args: Record<string, unknown> };
}

const modules = new Map<string, Promise<Record<string, unknown>>>();
const neverAborted = new AbortController().signal; // a cancelled thread task is terminated by piscina
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let nextCallId = 1;
let link: { port: MessagePort; flag: Int32Array } | undefined;

function deliver(reply: RuntimeReply): void {
  const waiter = pending.get(reply.id);
  pending.delete(reply.id);
  if (reply.error !== undefined) waiter?.reject(replyError(reply));
  else waiter?.resolve(reply.result);
}

function linkToMainLoop(): { port: MessagePort; flag: Int32Array } {
  if (!link) {
    const channel = new MessageChannel();
    const replyFlag = new SharedArrayBuffer(4);
    const message: ThreadLinkMessage = { agentdThreadLink: true, threadId, port: channel.port2, replyFlag };
    parentPort!.postMessage(message, [channel.port2]);
    channel.port1.on('message', deliver);
    channel.port1.unref();
    link = { port: channel.port1, flag: new Int32Array(replyFlag) };
  }
  return link;
}

function load(modulePath: string): Promise<Record<string, unknown>> {
  let loaded = modules.get(modulePath);
  if (!loaded) modules.set(modulePath, (loaded = import(pathToFileURL(modulePath).href)));
  return loaded;
}

/** The one caller of this thread: runtime calls over the thread's link, tagged with the calling task. */
const caller: RuntimeCaller = {
  call(taskId, method, args) {
    const id = nextCallId++;
    const message: ThreadCallMessage = { taskId, sync: false, call: { id, method, args } };
    linkToMainLoop().port.postMessage(message);
    return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  },
  callSync: (taskId, method, args) => callSyncRaw(taskId, method, args),
};

/** Posts a call over the link and blocks this thread until the main loop has answered it. */
function callSyncRaw(taskId: number, method: ThreadCallMessage['call']['method'], args: Record<string, unknown>): unknown {
  const id = nextCallId++;
  const { port, flag } = linkToMainLoop();
  Atomics.store(flag, 0, 0);
  const message: ThreadCallMessage = { taskId, sync: true, call: { id, method, args } };
  port.postMessage(message);
  for (;;) {
    Atomics.wait(flag, 0, 0);
    Atomics.store(flag, 0, 0);
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const reply = m.message as RuntimeReply;
      if (reply.id !== id) {
        deliver(reply);
        continue;
      }
      if (reply.error !== undefined) throw replyError(reply);
      return reply.result;
    }
  }
}

type WorkerFunction = (input: unknown, ctx: RemoteWorkerContext) => unknown;
const functions = new Map<number, WorkerFunction>();

/** Runs one task. Synchronous when the worker is loaded and returns a plain value: no awaits on the hot path. */
export default function runThreadTask(task: ThreadTaskMessage): ThreadTaskResult | Promise<ThreadTaskResult> {
  const fn = functions.get(task[1]);
  return fn ? runWith(fn, task) : loadThenRun(task);
}

async function loadThenRun(task: ThreadTaskMessage): Promise<ThreadTaskResult> {
  const source = callSyncRaw(task[0], 'workerSource', { ref: task[1] }) as WorkerSource;
  const fn = pickExport(await load(source.modulePath), source.exportName, source.modulePath);
  functions.set(task[1], fn);
  return runWith(fn, task);
}

function runWith(fn: WorkerFunction, task: ThreadTaskMessage): ThreadTaskResult | Promise<ThreadTaskResult> {
  const [taskId, , input, runId, sessionId, agent, worker, superstep, config, traceparent] = task;
  const ctx = new RemoteWorkerContext({ runId, sessionId, agent, worker, superstep, config }, taskId, caller, neverAborted);
  const output = withTraceparent(traceparent, () => fn(input, ctx));
  if (output instanceof Promise || ctx.hasCallsInFlight) return finish(output, ctx);
  return { output: output === undefined ? null : output, ferried: ctx.ferried, statePatch: ctx.statePatch, threadId };
}

async function finish(pendingOutput: unknown, ctx: RemoteWorkerContext): Promise<ThreadTaskResult> {
  const output = await pendingOutput;
  await ctx.settle();
  return { output: output === undefined ? null : output, ferried: ctx.ferried, statePatch: ctx.statePatch, threadId };
}
