// A forked Node.js child for JavaScript/TypeScript process workers: IPC for tasks, a socket on fd 4 for blocking calls.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { ChildWorker, onJsonLines } from './child-worker.js';

const entry = fileURLToPath(new URL('./process-entry.ts', import.meta.url));

/** Worker module + export -> a small number; a child asks once (the blocking 'workerSource' call) what a ref means. */
const workerRefs = new Map<string, number>();
const workerSources: Array<{ modulePath: string; exportName: string }> = [];

function refFor(modulePath: string, exportName: string): number {
  const key = `${modulePath}#${exportName}`;
  let ref = workerRefs.get(key);
  if (ref === undefined) workerRefs.set(key, (ref = workerSources.push({ modulePath, exportName }) - 1));
  return ref;
}

export function forkNodeChild(maxOldGenerationSizeMb: number): ChildWorker {
  // Memory flags are the child's own: its old-generation limit, and V8's default young generation rather than the
  // main loop's bigger one (bin/agentd), which is for thousands of runs in flight; a child runs one task at a time.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--max-old-space-size') && !a.startsWith('--max-semi-space-size'));
  if (maxOldGenerationSizeMb) execArgv.push(`--max-old-space-size=${maxOldGenerationSizeMb}`);
  const child = fork(entry, [], { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc', 'pipe'], serialization: 'advanced' });
  const syncChannel = child.stdio[4] as Readable & Writable;
  const worker = new ChildWorker(
    child,
    {
      // A task is a flat tuple (see process-entry.ts): it is cloned on every task's path.
      sendTask: (id, task) =>
        child.send([
          id,
          refFor(task.definition.modulePath!, task.definition.exportName!),
          task.input,
          task.runId,
          task.sessionId,
          task.agent,
          task.definition.name,
          task.superstep,
          task.config,
          task.traceparent,
        ]),
      sendReply: (reply) => child.connected && child.send({ type: 'reply', reply }),
    },
    `node worker process ${child.pid}`,
  );
  child.on('message', (message) => worker.receive(message as never));
  onJsonLines(
    syncChannel,
    (call) => {
      const reply = call.method === 'workerSource' ? Promise.resolve({ id: call.id, result: workerSources[call.args.ref] }) : worker.answerBlockingCall(call);
      void reply.then((r) => syncChannel.writable && syncChannel.write(JSON.stringify(r) + '\n'));
    },
    (line) => process.stderr.write(`agentd: unreadable blocking call from pid ${child.pid}: ${line}\n`),
  );
  syncChannel.on('error', () => {});
  return worker;
}
