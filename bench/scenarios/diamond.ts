// diamond: the ephemeral diamond over gRPC vs LangGraph.js running the same graph in process, at concurrency 64.
import { exampleAgents, startDaemon } from '../../test/support/daemon-process.js';
import { langgraphDiamond } from '../baselines/langgraph-diamond.js';
import { throughput } from '../lib/load.js';
import type { Scenario } from '../lib/scenario.js';
import { interleave } from '../lib/interleave.js';
import { spread } from '../lib/stats.js';
import { benchAgents } from './durable-diamond.js';

export const diamond: Scenario = {
  name: 'diamond',
  description: 'w0 -> (w1 || w2) -> summary without persistence: agentd over gRPC vs LangGraph.js in process',
  async run({ quick, rounds }) {
    const daemon = await startDaemon({ agents: [exampleAgents, benchAgents], env: { AGENTD_LOG_LEVEL: 'warn' } });
    const graph = langgraphDiamond();
    const expected = 'w1=4, w2=6';
    const agentd = async () => {
      if ((await daemon.client.invoke('bench-diamond-ephemeral', { x: 1 })).output !== expected) throw new Error('agentd: wrong output');
    };
    const langgraph = async () => {
      if ((await graph.invoke({ x: 1 })).text !== expected) throw new Error('LangGraph: wrong output');
    };
    try {
      const calls = quick ? 3000 : 12000;
      const { ours, theirs, ratio } = await interleave(rounds, () => throughput(calls, 64, agentd), () => throughput(calls, 64, langgraph));
      return [
        {
          scenario: 'diamond c=64',
          agentd: `${spread(ours, 0)} runs/s`,
          comparison: `LangGraph.js ${spread(theirs, 0)} runs/s`,
          ratio,
          target: '>= 10x',
          pass: ratio >= 10,
        },
      ];
    } finally {
      await daemon.stop();
    }
  },
};
