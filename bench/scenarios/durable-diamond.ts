// durable-diamond: the diamond with PostgreSQL checkpoints after every step, agentd over gRPC vs LangGraph.js
// in process with @langchain/langgraph-checkpoint-postgres, on the same PostgreSQL, at concurrency 1 and 64.
import { randomUUID } from 'node:crypto';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { exampleAgents, repoRoot } from '../../test/support/daemon-process.js';
import { langgraphDiamond } from '../baselines/langgraph-diamond.js';
import { throughput } from '../lib/load.js';
import { benchDatabase } from '../lib/postgres.js';
import { startBenchDaemon } from '../lib/processes.js';
import type { BenchRow, Scenario } from '../lib/scenario.js';
import { interleave } from '../lib/interleave.js';
import { spread } from '../lib/stats.js';

export const benchAgents = `${repoRoot}/bench/agents`;

export const durableDiamond: Scenario = {
  name: 'durable-diamond',
  description: 'diamond with PostgreSQL checkpoints: agentd over gRPC vs LangGraph.js + PostgresSaver in process',
  async run({ quick, rounds }) {
    const daemon = await startBenchDaemon({ agents: [exampleAgents, benchAgents], databaseUrl: await benchDatabase('agentd_bench') });
    const saver = PostgresSaver.fromConnString(await benchDatabase('langgraph_bench'));
    await saver.setup();
    const graph = langgraphDiamond(saver);
    const expected = 'w1=4, w2=6';
    const agentd = async () => {
      const run = await daemon.client.invoke('bench-diamond', { x: 1 });
      if (run.output !== expected) throw new Error(`agentd answered ${JSON.stringify(run.output)}`);
    };
    const langgraph = async () => {
      const state = await graph.invoke({ x: 1 }, { configurable: { thread_id: randomUUID() } });
      if (state.text !== expected) throw new Error(`LangGraph answered ${JSON.stringify(state)}`);
    };
    try {
      const rows: BenchRow[] = [];
      for (const concurrency of [1, 64]) {
        const calls = concurrency === 1 ? (quick ? 100 : 300) : quick ? 320 : 2560;
        const { ours, theirs, ratio } = await interleave(rounds, () => throughput(calls, concurrency, agentd), () => throughput(calls, concurrency, langgraph));
        rows.push({
          scenario: `durable-diamond c=${concurrency}`,
          agentd: `${spread(ours, 0)} runs/s`,
          comparison: `LangGraph.js ${spread(theirs, 0)} runs/s`,
          ratio,
          target: concurrency === 64 ? '>= 5x' : 'report',
          pass: concurrency === 64 ? ratio >= 5 : true,
        });
      }
      return rows;
    } finally {
      await saver.end();
      await daemon.stop();
    }
  },
};
