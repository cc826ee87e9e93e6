// cpu-scaling: N runs of a ~50 ms pure-CPU worker at once, async mode (one main loop) vs thread mode (the pool).
import os from 'node:os';
import { countPrimes } from '../../examples/agents/primes/primes.worker.js';
import { startDaemon } from '../../test/support/daemon-process.js';
import type { Scenario } from '../lib/scenario.js';
import { median, spread, timeMs } from '../lib/stats.js';

/** The `below` for which counting primes takes about `targetMs` on this machine. */
function calibrate(targetMs: number): number {
  let below = 20_000;
  for (;;) {
    const start = performance.now();
    countPrimes({ below });
    const took = performance.now() - start;
    if (took > targetMs / 4) return Math.round((below * targetMs) / took);
    below *= 2;
  }
}

export const cpuScaling: Scenario = {
  name: 'cpu-scaling',
  description: 'N concurrent runs of a ~50 ms CPU-bound worker: async mode vs thread mode',
  async run({ quick, rounds }) {
    const cores = os.availableParallelism();
    const daemon = await startDaemon({ env: { AGENTD_THREADS: String(cores), AGENTD_LOG_LEVEL: 'warn' } });
    try {
      const below = calibrate(50);
      const runs = quick ? 16 : 48;
      const batch = (agent: string) => timeMs(() => Promise.all(Array.from({ length: runs }, () => daemon.client.invoke(agent, { below }))));
      await batch('primes-thread');
      await batch('primes-async');
      const asyncMs: number[] = [];
      const threadMs: number[] = [];
      for (let r = 0; r < rounds; r++) {
        asyncMs.push(await batch('primes-async'));
        threadMs.push(await batch('primes-thread'));
      }
      const ratio = median(asyncMs) / median(threadMs);
      return [
        {
          scenario: 'cpu-scaling',
          agentd: `thread ${spread(threadMs, 0)} ms for ${runs} runs`,
          comparison: `async ${spread(asyncMs, 0)} ms`,
          ratio,
          target: `>= 1.8x (cores: ${cores})`,
          pass: ratio >= 1.8,
          notes: `primes below ${below} ≈ 50 ms each; ratio = async time / thread time`,
        },
      ];
    } finally {
      await daemon.stop();
    }
  },
};
