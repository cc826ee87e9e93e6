// Runs inside a forked child process: loads worker modules and runs one task at a time.
// Tasks, results and async runtime calls travel over IPC; blocking twins write a line to fd 4 and read the reply.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { pickExport, RemoteWorkerContext, type RuntimeCaller } from '../remote-context.js';
import { replyError, type RuntimeReply } from '../runtime-calls.js';
import { flushWorkerTracing, startWorkerTracing, withTraceparent } from '../../telemetry/worker-tracing.js';

startWorkerTracing('process');

const SYNC_FD = 4;
const send = (message: unknown) => process.send!(message);
// Protocol and logs must not mix: what user code prints goes to stderr.
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

const modules = new Map<string, Promise<Record<string, unknown>>>();
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let nextCallId = 1;
let syncBuffer = '';
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function readSyncLine(): string {
  const chunk = Buffer.alloc(64 * 1024);
  for (;;) {
    const newline = syncBuffer.indexOf('\n');
    if (newline >= 0) {
      const line = syncBuffer.slice(0, newline);
      syncBuffer = syncBuffer.slice(newline + 1);
      return line;
    }
    try {
      const n = fs.readSync(SYNC_FD, chunk, 0, chunk.length, null);
      if (n === 0) throw new Error('the daemon closed the blocking-call channel');
      syncBuffer += chunk.toString('utf8', 0, n);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(sleepCell, 0, 0, 1);
    }
  }
}

// One task runs at a time in a process, so calls need no task id.
function callSyncRaw(method: string, args: Record<string, unknown>): unknown {
  const id = nextCallId++;
  fs.writeSync(SYNC_FD, JSON.stringify({ id, method, args }) + '\n');
  const reply = JSON.parse(readSyncLine()) as RuntimeReply;
  if (reply.error !== undefined) throw replyError(reply);
  return reply.result;
}

const caller: RuntimeCaller = {
  call(_taskId, method, args) {
    const id = nextCallId++;
    send({ type: 'call', call: { id, method, args } });
    return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  },
  callSync: (_taskId, method, args) => callSyncRaw(method, args),
};

// The daemon cancels a task by SIGTERM, which also ends this process; so one signal serves every task it runs.
const cancellation = new AbortController();
process.on('SIGTERM', () => {
  cancellation.abort(new Error('cancelled'));
  process.exit(143);
});

/** [id, workerRef, input, runId, sessionId, agent, worker, superstep, config] — see node-child.ts. */
type TaskMessage = [number, number, unknown, string, string, string, string, number, Record<string, unknown>, string | undefined];
type WorkerFunction = (input: unknown, ctx: RemoteWorkerContext) => unknown;

const functions = new Map<number, WorkerFunction>();

async function loadWorker(ref: number): Promise<WorkerFunction> {
  const { modulePath, exportName } = callSyncRaw('workerSource', { ref }) as { modulePath: string; exportName: string };
  let loaded = modules.get(modulePath);
  if (!loaded) modules.set(modulePath, (loaded = import(pathToFileURL(modulePath).href)));
  const fn = pickExport(await loaded, exportName, modulePath);
  functions.set(ref, fn);
  return fn;
}

async function runTask(task: TaskMessage): Promise<void> {
  const [id, ref, input, runId, sessionId, agent, worker, superstep, config, traceparent] = task;
  try {
    const fn = functions.get(ref) ?? (await loadWorker(ref));
    const ctx = new RemoteWorkerContext({ runId, sessionId, agent, worker, superstep, config }, id, caller, cancellation.signal);
    let output = withTraceparent(traceparent, () => fn(input, ctx));
    if (output instanceof Promise) output = await output;
    if (ctx.hasCallsInFlight) await ctx.settle();
    send({ type: 'result', id, output: output === undefined ? null : output, ferried: ctx.ferried, statePatch: ctx.statePatch });
  } catch (error) {
    send({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
  }
}

process.on('message', (message: TaskMessage | { type: 'reply'; reply: RuntimeReply }) => {
  if (Array.isArray(message)) return void runTask(message);
  const waiter = pending.get(message.reply.id);
  pending.delete(message.reply.id);
  if (message.reply.error !== undefined) waiter?.reject(replyError(message.reply));
  else waiter?.resolve(message.reply.result);
});
process.on('disconnect', () => void flushWorkerTracing().finally(() => process.exit(0)));
send({ type: 'ready', pid: process.pid });
