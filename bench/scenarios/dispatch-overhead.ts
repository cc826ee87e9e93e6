// dispatch-overhead: per-call cost of agentd's thread and process executors vs raw piscina and raw child IPC.
// Measured in a child pinned to one core (taskset) when possible: on this VM a round trip between two cores
// costs 20 µs or 170 µs depending on where the scheduler wakes the other side, which drowns the difference
// being measured; on one core each hop is a plain context switch for both sides alike.
import { execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { toWorkerDefinition } from '../../server/runtime/agent-graph.js';
import { Cancellation } from '../../server/workers/cancellation.js';
import { ProcessExecutor } from '../../server/workers/process/process-executor.js';
import { ThreadExecutor } from '../../server/workers/thread/thread-executor.js';
import type { WorkerExecutor, WorkerTask } from '../../server/workers/worker-task.js';
import type { BenchRow, Scenario } from '../lib/scenario.js';
import { median, spread } from '../lib/stats.js';

const noopModule = new URL('../baselines/noop.worker.ts', import.meta.url);

function taskFor(mode: 'thread' | 'process'): WorkerTask {
  return {
    definition: toWorkerDefinition('noop', { module: noopModule, export: 'noop' }, { mode }),
    input: { hello: 'world' },
    runId: 'bench',
    sessionId: 'bench',
    agent: 'bench',
    superstep: 1,
    config: {},
    cancellation: new Cancellation(),
    state: {},
    history: [],
    services: { started: () => {}, emit: () => {}, ferryTo: () => {}, setState: () => {}, store: async () => null, requestFeedback: async () => null },
  };
}

/** Mean microseconds per call over `calls` sequential calls. */
async function perCallUs(calls: number, call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) await call();
  return ((performance.now() - start) * 1000) / calls;
}

// This machine's timing drifts by ±30% from second to second, so the two sides alternate in short chunks
// (many per round) and the medians of the chunks are compared.
async function compare(name: string, rounds: number, calls: number, agentd: () => Promise<unknown>, raw: () => Promise<unknown>, rawLabel: string): Promise<BenchRow> {
  const chunk = 100;
  await perCallUs(calls, agentd);
  await perCallUs(calls, raw);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let c = 0; c < (rounds * calls) / chunk; c++) {
    ours.push(await perCallUs(chunk, agentd));
    theirs.push(await perCallUs(chunk, raw));
  }
  const ratio = median(ours) / median(theirs);
  return {
    scenario: name,
    agentd: `${spread(ours)} µs/call`,
    comparison: `${rawLabel} ${spread(theirs)} µs/call`,
    ratio,
    target: '<= 1.3x',
    pass: ratio <= 1.3,
  };
}

async function measure(rounds: number): Promise<BenchRow[]> {
    // Calls take microseconds, so quick mode keeps them all: with fewer, the worker thread's code was still warming up.
    const calls = 4000;
    const rows: BenchRow[] = [];

    const threads = new ThreadExecutor({ threads: 1, maxQueue: 64, maxOldGenerationSizeMb: 0 });
    const piscina = new Piscina({ filename: new URL('../baselines/raw-piscina-noop.mjs', import.meta.url).href, minThreads: 1, maxThreads: 1 });
    const threadTask = taskFor('thread');
    try {
      rows.push(await compare('dispatch-overhead (thread)', rounds, calls, () => threads.execute(threadTask), () => piscina.run({ hello: 'world' }), 'raw piscina'));
    } finally {
      await threads.close();
      await piscina.destroy();
    }

    const processes = new ProcessExecutor({ processes: 1, maxTasksPerProcess: Infinity, killGraceMs: 500, maxOldGenerationSizeMb: 0 });
    const echo = fork(fileURLToPath(new URL('../baselines/raw-ipc-echo.ts', import.meta.url)), [], { serialization: 'advanced' });
    await new Promise((resolve) => echo.once('message', resolve));
    const rawRoundTrip = () =>
      new Promise((resolve) => {
        echo.once('message', resolve);
        echo.send({ type: 'task', input: { hello: 'world' } });
      });
    const processTask = taskFor('process');
    try {
      rows.push(await compare('dispatch-overhead (process)', rounds, calls, () => processes.execute(processTask), rawRoundTrip, 'raw IPC round trip'));
    } finally {
      await processes.close();
      echo.kill();
    }
    return rows;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
}

export const dispatchOverhead: Scenario = {
  name: 'dispatch-overhead',
  description: 'sequential no-op calls: thread executor vs raw piscina, process executor vs raw IPC round trip',
  async run({ rounds }) {
    if (!hasTaskset()) return measure(rounds);
    const self = fileURLToPath(import.meta.url);
    const out = execFileSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, self, 'probe', String(rounds)], { encoding: 'utf8' });
    const rows = JSON.parse(out.trim().split('\n').at(-1)!) as BenchRow[];
    return rows.map((r) => ({ ...r, notes: 'measured pinned to one core (taskset -c 0), see bench/scenarios/dispatch-overhead.ts' }));
  },
};

if (process.argv[2] === 'probe' && process.argv[1] === fileURLToPath(import.meta.url)) {
  measure(Number(process.argv[3])).then(
    (rows) => {
      console.log(JSON.stringify(rows));
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
