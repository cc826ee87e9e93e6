// A worker in any language: a spawned command speaking line-delimited JSON on stdin/stdout (docs/worker-protocol.md).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildWorker, onJsonLines } from './child-worker.js';

/** Where the Python helper package lives, put on PYTHONPATH so `python3 -m agentd.worker` works out of the box. */
const pythonHelper = fileURLToPath(new URL('../../../clients/python', import.meta.url));

export function spawnCommandChild(command: string[], cwd: string | undefined): ChildWorker {
  const env = { ...process.env, PYTHONPATH: [pythonHelper, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter), PYTHONUNBUFFERED: '1' };
  const child = spawn(command[0], command.slice(1), { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const write = (message: unknown) => child.stdin.writable && child.stdin.write(JSON.stringify(message) + '\n');
  child.stdin.on('error', () => {});
  const worker = new ChildWorker(
    child,
    {
      sendTask: (id, task) =>
        write({
          type: 'task',
          id,
          worker: task.definition.name,
          input: task.input,
          context: {
            run_id: task.runId,
            session_id: task.sessionId,
            agent: task.agent,
            worker: task.definition.name,
            superstep: task.superstep,
            config: task.config,
            state: task.state,
            history: task.history,
          },
        }),
      sendReply: (reply) => write({ type: 'reply', ...reply }),
    },
    `'${command.join(' ')}' (pid ${child.pid})`,
  );
  onJsonLines(
    child.stdout,
    // The protocol's calls are flat ({type, id, method, args}); inside the daemon they are nested.
    (message) => worker.receive(message.type === 'call' ? { type: 'call', call: { id: message.id, method: message.method, args: message.args ?? {} } } : message),
    (line) => process.stderr.write(`[${command[0]} ${child.pid}] ${line}\n`),
  );
  return worker;
}
