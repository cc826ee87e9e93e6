// client-overhead: no-op Invoke throughput from each client (TypeScript, Python, Go) at concurrency 1 and 64,
// next to the TypeScript client against a bare grpc-js echo server, in the same run. Each load runs in its own process.
import { exampleAgents, repoRoot } from '../../test/support/daemon-process.js';
import { invokesPerSecond } from '../lib/load-clients.js';
import { startBenchDaemon, startServerScript } from '../lib/processes.js';
import type { BenchRow, Scenario } from '../lib/scenario.js';
import { median, spread } from '../lib/stats.js';
import { benchAgents } from './durable-diamond.js';

export const clientOverhead: Scenario = {
  name: 'client-overhead',
  description: 'no-op Invoke from the TS, Python and Go clients vs the TS client on a bare grpc-js echo server',
  async run({ quick, rounds }) {
    const daemon = await startBenchDaemon({ agents: [exampleAgents, benchAgents] });
    const raw = await startServerScript(`${repoRoot}/bench/baselines/raw-echo-server.ts`);
    try {
      const rows: BenchRow[] = [];
      for (const concurrency of [1, 64]) {
        const total = concurrency === 1 ? (quick ? 500 : 2000) : quick ? 4000 : 12000;
        const results: Record<string, number[]> = { raw: [], ts: [], python: [], go: [] };
        // Every round starts a process per client: quick mode keeps to two.
        for (let r = 0; r < Math.min(rounds, quick ? 2 : 3); r++) {
          results.raw.push(invokesPerSecond('ts', raw.address, 'echo', concurrency, total));
          for (const client of ['ts', 'python', 'go'] as const) results[client].push(invokesPerSecond(client, daemon.address, 'bench-noop', concurrency, total));
        }
        const rawMedian = median(results.raw);
        for (const client of ['ts', 'python', 'go'] as const) {
          const ratio = median(results[client]) / rawMedian;
          rows.push({
            scenario: `client-overhead ${client} c=${concurrency}`,
            agentd: `${spread(results[client], 0)} invokes/s`,
            comparison: `raw grpc-js echo (TS client) ${spread(results.raw, 0)} calls/s`,
            ratio,
            target: client === 'ts' ? '>= 0.7x' : 'report',
            pass: client === 'ts' ? ratio >= 0.7 : true,
          });
        }
      }
      return rows;
    } finally {
      await raw.stop();
      await daemon.stop();
    }
  },
};
