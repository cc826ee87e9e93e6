// io-fanout: many concurrent sessions, each a run of three sequential 50 ms awaits (ideal latency 150 ms):
// latency percentiles at the client and the daemon's peak RSS; LangGraph.js at 1,000 concurrent for comparison.
import { setTimeout as sleep } from 'node:timers/promises';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { exampleAgents, startDaemon } from '../../test/support/daemon-process.js';
import { goLatencies } from '../lib/load-clients.js';
import { peakRssMiB } from '../lib/processes.js';
import type { Scenario } from '../lib/scenario.js';
import { median, percentile } from '../lib/stats.js';
import { benchAgents } from './durable-diamond.js';

async function latencies(count: number, call: () => Promise<unknown>): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const start = performance.now();
      await call();
      return performance.now() - start;
    }),
  );
}

function langgraphThreeCalls() {
  const State = Annotation.Root({ n: Annotation<number> });
  return new StateGraph(State)
    .addNode('call1', async (s) => (await sleep(50), { n: s.n + 1 }))
    .addNode('call2', async (s) => (await sleep(50), { n: s.n + 1 }))
    .addNode('call3', async (s) => (await sleep(50), { n: s.n + 1 }))
    .addEdge(START, 'call1')
    .addEdge('call1', 'call2')
    .addEdge('call2', 'call3')
    .addEdge('call3', END)
    .compile();
}

export const ioFanout: Scenario = {
  name: 'io-fanout',
  description: '10,000 concurrent sessions, each three sequential 50 ms awaits: p50/p99 vs the 150 ms ideal, peak RSS',
  async run({ rounds }) {
    const sessions = 10_000;
    const daemon = await startDaemon({ agents: [exampleAgents, benchAgents], env: { AGENTD_LOG_LEVEL: 'warn' } });
    try {
      const p50s: number[] = [];
      const p99s: number[] = [];
      for (let r = 0; r < Math.min(rounds, 3); r++) {
        const { p50, p99 } = goLatencies(daemon.address, 'bench-io', sessions, { input: r, expect: r });
        p50s.push(p50);
        p99s.push(p99);
      }
      const rss = peakRssMiB(daemon.pid);
      const graph = langgraphThreeCalls();
      const theirs = await latencies(1000, () => graph.invoke({ n: 0 }));
      const p50 = median(p50s);
      const ratio = p50 / 150;
      return [
        {
          scenario: 'io-fanout (10,000 sessions)',
          agentd: `p50 ${p50.toFixed(0)} ms, p99 ${median(p99s).toFixed(0)} ms, peak RSS ${rss.toFixed(0)} MiB`,
          comparison: `ideal 150 ms; LangGraph.js at 1,000: p50 ${percentile(theirs, 50).toFixed(0)} ms, p99 ${percentile(theirs, 99).toFixed(0)} ms`,
          ratio,
          target: 'p50 <= 1.5x ideal, RSS <= 1 GiB',
          pass: ratio <= 1.5 && rss <= 1024,
          notes: 'ratio = agentd p50 / 150 ms; all sessions start at once from the Go client in its own process, over one HTTP/2 connection',
        },
      ];
    } finally {
      await daemon.stop();
    }
  },
};
