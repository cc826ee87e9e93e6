// noop-invoke: Invoke of an ephemeral no-op agent vs a bare grpc-js echo server, same client, concurrency 1 and 64.
import { AgentdClient } from '../../clients/ts/src/index.js';
import { exampleAgents, repoRoot } from '../../test/support/daemon-process.js';
import { throughput } from '../lib/load.js';
import { startBenchDaemon, startServerScript } from '../lib/processes.js';
import type { BenchRow, Scenario } from '../lib/scenario.js';
import { interleave } from '../lib/interleave.js';
import { spread } from '../lib/stats.js';
import { benchAgents } from './durable-diamond.js';

export const noopInvoke: Scenario = {
  name: 'noop-invoke',
  description: 'Invoke of a no-op agent vs a bare grpc-js unary echo server (the limit of this stack)',
  async run({ quick, rounds }) {
    const [daemon, raw] = await Promise.all([
      startBenchDaemon({ agents: [exampleAgents, benchAgents] }),
      startServerScript(`${repoRoot}/bench/baselines/raw-echo-server.ts`),
    ]);
    const rawClient = new AgentdClient(raw.address);
    const payload = { hello: 'world', n: 1 };
    try {
      const rows: BenchRow[] = [];
      for (const concurrency of [1, 64]) {
        const calls = concurrency === 1 ? (quick ? 300 : 2000) : quick ? 4000 : 16000;
        const agentd = () => daemon.client.invoke('bench-noop', payload);
        const bare = () => rawClient.invoke('echo', payload);
        const { ours, theirs, ratio } = await interleave(rounds, () => throughput(calls, concurrency, agentd), () => throughput(calls, concurrency, bare));
        rows.push({
          scenario: `noop-invoke c=${concurrency}`,
          agentd: `${spread(ours, 0)} invokes/s`,
          comparison: `raw grpc-js echo ${spread(theirs, 0)} calls/s`,
          ratio,
          target: concurrency === 64 ? '>= 0.7x' : 'report',
          pass: concurrency === 64 ? ratio >= 0.7 : true,
        });
      }
      return rows;
    } finally {
      rawClient.close();
      await raw.stop();
      await daemon.stop();
    }
  },
};
