// client-overhead: no-op Invoke throughput from each client (TypeScript, Python, Go) at concurrency 1 and 64,
// next to the TypeScript client against a bare grpc-js echo server, in the same run. Each load runs in its own process.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { exampleAgents, repoRoot, startDaemon } from '../../test/support/daemon-process.js';
import { startServerScript } from '../lib/processes.js';
import type { BenchRow, Scenario } from '../lib/scenario.js';
import { median, spread } from '../lib/stats.js';
import { benchAgents } from './durable-diamond.js';

const tsLoad = path.join(repoRoot, 'bench/clients/ts-load.ts');

function load(client: 'ts' | 'python' | 'go', address: string, agent: string, concurrency: number, total: number): number {
  const args = [address, agent, String(concurrency), String(total)];
  const out =
    client === 'ts'
      ? execFileSync(process.execPath, ['--import', path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs'), tsLoad, ...args], { encoding: 'utf8' })
      : client === 'python'
        ? execFileSync(path.join(repoRoot, '.venv/bin/python'), [path.join(repoRoot, 'bench/clients/python_load.py'), ...args], { encoding: 'utf8' })
        : execFileSync('go', ['run', './cmd/agentd-load', ...args], { cwd: path.join(repoRoot, 'clients/go'), encoding: 'utf8' });
  return Number(out.trim().split('\n').at(-1));
}

export const clientOverhead: Scenario = {
  name: 'client-overhead',
  description: 'no-op Invoke from the TS, Python and Go clients vs the TS client on a bare grpc-js echo server',
  async run({ quick, rounds }) {
    const daemon = await startDaemon({ agents: [exampleAgents, benchAgents], env: { AGENTD_LOG_LEVEL: 'warn' } });
    const raw = await startServerScript(`${repoRoot}/bench/baselines/raw-echo-server.ts`);
    try {
      const rows: BenchRow[] = [];
      for (const concurrency of [1, 64]) {
        const total = concurrency === 1 ? (quick ? 500 : 2000) : quick ? 4000 : 12000;
        const results: Record<string, number[]> = { raw: [], ts: [], python: [], go: [] };
        for (let r = 0; r < Math.min(rounds, 3); r++) {
          results.raw.push(load('ts', raw.address, 'echo', concurrency, total));
          for (const client of ['ts', 'python', 'go'] as const) results[client].push(load(client, daemon.address, 'bench-noop', concurrency, total));
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
