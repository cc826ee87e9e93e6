// cpu-scaling: N runs of a ~50 ms pure-CPU worker at once, async mode (one main loop) vs thread mode (the pool).
// The daemon runs as in production, checkpointing into PostgreSQL; full mode also reports it on embedded PGlite,
// whose SQL runs on the main loop. The runs come from the Go load generator in its own process (the cheapest
// client here). Raw piscina doing the same work in the same run shows what this VM allows.
import os from 'node:os';
import { Piscina } from 'piscina';
import { countPrimes } from '../../examples/agents/primes/primes.worker.js';
import type { DaemonOptions } from '../../test/support/daemon-process.js';
import { invokesPerSecond } from '../lib/load-clients.js';
import { benchDatabase } from '../lib/postgres.js';
import { startBenchDaemon } from '../lib/processes.js';
import type { BenchRow, Scenario } from '../lib/scenario.js';
import { interleave } from '../lib/interleave.js';
import { spread, timeMs } from '../lib/stats.js';

/** The `below` for which counting primes takes about `targetMs` here (the cost grows faster than `below`, so it iterates). */
function calibrate(targetMs: number): number {
  const took = (below: number) => {
    const start = performance.now();
    countPrimes({ below });
    return performance.now() - start;
  };
  let below = 20_000;
  while (took(below) < targetMs / 4) below *= 2;
  for (let i = 0; i < 6; i++) {
    const ms = Math.min(took(below), took(below), took(below));
    if (Math.abs(ms - targetMs) < targetMs * 0.03) break;
    below = Math.round(below * (targetMs / ms) ** (2 / 3));
  }
  return below;
}

async function agentdRow(label: string, database: Pick<DaemonOptions, 'databaseUrl'>, runs: number, below: number, rounds: number, cores: number, target: boolean): Promise<BenchRow> {
  const daemon = await startBenchDaemon({ ...database, env: { AGENTD_THREADS: String(cores) } });
  try {
    // All `runs` at once; the Go client times them from the first call to the last.
    const batch = (agent: string) => async () => (runs * 1000) / invokesPerSecond('go', daemon.address, agent, runs, runs, { input: { below }, warmup: 0 });
    const { ours: serialMs, theirs: parallelMs, ratio } = await interleave(rounds, batch('primes-async'), batch('primes-thread'));
    return {
      scenario: label,
      agentd: `thread ${spread(parallelMs, 0)} ms for ${runs} runs`,
      comparison: `async ${spread(serialMs, 0)} ms`,
      ratio,
      target: target ? `>= 1.8x (cores: ${cores})` : 'report',
      pass: !target || ratio >= 1.8,
      notes: target ? `primes below ${below} ≈ 50 ms each; ratio = async time / thread time` : undefined,
    };
  } finally {
    await daemon.stop();
  }
}

async function machineCeilingRow(runs: number, below: number, rounds: number, cores: number): Promise<BenchRow> {
  const pool = new Piscina({ filename: new URL('../baselines/raw-piscina-primes.mjs', import.meta.url).href, minThreads: cores, maxThreads: cores });
  try {
    const serial = () =>
      timeMs(async () => {
        for (let i = 0; i < runs; i++) countPrimes({ below });
      });
    const parallel = () => timeMs(() => Promise.all(Array.from({ length: runs }, () => pool.run(below))));
    const { ours: serialMs, theirs: parallelMs, ratio } = await interleave(rounds, serial, parallel);
    return {
      scenario: 'cpu-scaling, this machine',
      agentd: `raw piscina ${spread(parallelMs, 0)} ms`,
      comparison: `one thread ${spread(serialMs, 0)} ms`,
      ratio,
      target: 'report',
      pass: true,
      notes: 'the same work with no runtime around it: the ceiling this VM gives two threads in this run',
    };
  } finally {
    await pool.destroy();
  }
}

export const cpuScaling: Scenario = {
  name: 'cpu-scaling',
  description: 'N concurrent runs of a ~50 ms CPU-bound worker: async mode vs thread mode',
  async run({ quick, rounds }) {
    const cores = os.availableParallelism();
    const below = calibrate(50);
    const runs = quick ? 16 : 48;
    const rows = [await agentdRow('cpu-scaling', { databaseUrl: await benchDatabase('cpu_scaling') }, runs, below, rounds, cores, true)];
    if (!quick) rows.push(await agentdRow('cpu-scaling, embedded PGlite', {}, runs, below, rounds, cores, false));
    rows.push(await machineCeilingRow(runs, below, rounds, cores));
    return rows;
  },
};
