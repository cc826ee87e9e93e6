// diamond: the ephemeral diamond over gRPC vs LangGraph.js running the same graph in process, at concurrency 64.
// The load comes from the Go client in its own process (the cheapest load generator here, as ghz would be);
// the TypeScript client's figure is reported next to it, since on two cores it competes with the daemon for CPU.
import { exampleAgents } from '../../test/support/daemon-process.js';
import { langgraphDiamond } from '../baselines/langgraph-diamond.js';
import { throughput } from '../lib/load.js';
import { invokesPerSecond } from '../lib/load-clients.js';
import { startBenchDaemon } from '../lib/processes.js';
import type { BenchRow, Scenario } from '../lib/scenario.js';
import { interleave } from '../lib/interleave.js';
import { median, spread } from '../lib/stats.js';
import { benchAgents } from './durable-diamond.js';

export const diamond: Scenario = {
  name: 'diamond',
  description: 'w0 -> (w1 || w2) -> summary without persistence: agentd over gRPC vs LangGraph.js in process',
  async run({ quick, rounds }) {
    const daemon = await startBenchDaemon({ agents: [exampleAgents, benchAgents] });
    const graph = langgraphDiamond();
    const expected = 'w1=4, w2=6';
    // Each side runs for a second or two per round: LangGraph.js manages ~500 runs/s here, agentd several thousand.
    const goCalls = quick ? 6000 : 16000;
    const tsCalls = quick ? 2000 : 6000;
    const langgraphCalls = quick ? 600 : 1500;
    const goLoad = async () => invokesPerSecond('go', daemon.address, 'bench-diamond-ephemeral', 64, goCalls, { input: { x: 1 }, expect: expected });
    const tsClient = async () =>
      throughput(tsCalls, 64, async () => {
        if ((await daemon.client.invoke('bench-diamond-ephemeral', { x: 1 })).output !== expected) throw new Error('agentd: wrong output');
      });
    const langgraph = async () =>
      throughput(langgraphCalls, 64, async () => {
        if ((await graph.invoke({ x: 1 })).text !== expected) throw new Error('LangGraph: wrong output');
      });
    try {
      const go = await interleave(rounds, goLoad, langgraph);
      const ts = await interleave(Math.min(rounds, quick ? 2 : 3), tsClient, langgraph);
      const row = (scenario: string, ours: number[], theirs: number[], target: string, pass: boolean): BenchRow => ({
        scenario,
        agentd: `${spread(ours, 0)} runs/s`,
        comparison: `LangGraph.js in process ${spread(theirs, 0)} runs/s`,
        ratio: median(ours) / median(theirs),
        target,
        pass,
      });
      return [
        row('diamond c=64 (Go load)', go.ours, go.theirs, '>= 10x', go.ratio >= 10),
        row('diamond c=64 (TS client in the bench process)', ts.ours, ts.theirs, 'report', true),
      ];
    } finally {
      await daemon.stop();
    }
  },
};
