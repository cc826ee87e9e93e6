// io-fanout: 10,000 sessions, each running an agent of three sequential 50 ms awaits (ideal latency 150 ms), all
// started at once: latency percentiles at the client and the daemon's peak RSS. The first round opens the
// sessions, the next ones are further turns of the same 10,000. The daemon runs on PostgreSQL, as a deployment
// at this scale would (embedded PGlite adds its own ~320 MB to the daemon). Compared in the same run with a bare grpc-js server doing the same three awaits per
// call (the floor of this stack) and with LangGraph.js in process at 1,000 concurrent.
import { setTimeout as sleep } from 'node:timers/promises';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { exampleAgents, repoRoot } from '../../test/support/daemon-process.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goLatencies } from '../lib/load-clients.js';
import { benchDatabase } from '../lib/postgres.js';
import { peakRssMiB, startBenchDaemon, startServerScript } from '../lib/processes.js';
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
  description: '10,000 sessions at once, each three sequential 50 ms awaits: p50/p99 vs the 150 ms ideal, peak RSS',
  async run({ rounds }) {
    const sessions = 10_000;
    const daemon = await startBenchDaemon({ agents: [exampleAgents, benchAgents], databaseUrl: await benchDatabase('agentd_fanout') });
    const sessionFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agentd-fanout-')), 'sessions');
    const raw = await startServerScript(`${repoRoot}/bench/baselines/raw-echo-server.ts`);
    try {
      const ours = { p50: [] as number[], p99: [] as number[] };
      const floor = { p50: [] as number[], p99: [] as number[] };
      for (let r = 0; r < Math.min(rounds, 3); r++) {
        const a = goLatencies(daemon.address, 'bench-io', sessions, { input: r, expect: r, sessionFile });
        const b = goLatencies(raw.address, 'bench-io', sessions, { input: r, expect: r });
        ours.p50.push(a.p50);
        ours.p99.push(a.p99);
        floor.p50.push(b.p50);
        floor.p99.push(b.p99);
      }
      const rss = peakRssMiB(daemon.pid);
      const graph = langgraphThreeCalls();
      const theirs = await latencies(1000, () => graph.invoke({ n: 0 }));
      const p50 = median(ours.p50);
      const ratio = p50 / 150;
      return [
        {
          scenario: 'io-fanout latency (10,000 sessions)',
          agentd: `p50 ${p50.toFixed(0)} ms, p99 ${median(ours.p99).toFixed(0)} ms`,
          comparison:
            `ideal 150 ms; bare grpc-js with the same awaits: p50 ${median(floor.p50).toFixed(0)} ms, p99 ${median(floor.p99).toFixed(0)} ms; ` +
            `LangGraph.js at 1,000: p50 ${percentile(theirs, 50).toFixed(0)} ms`,
          ratio,
          target: 'p50 <= 1.5x ideal',
          pass: ratio <= 1.5,
          notes:
            'ratio = agentd p50 / 150 ms. All 10,000 calls start at once from the Go client in its own process, over one HTTP/2 connection; ' +
            'round 1 opens the sessions, later rounds are their next turns; daemon on PostgreSQL. The bare grpc-js row is the floor of this stack on this machine.',
        },
        {
          scenario: 'io-fanout memory (10,000 sessions)',
          agentd: `peak RSS ${rss.toFixed(0)} MiB`,
          comparison: 'limit 1024 MiB',
          ratio: rss / 1024,
          target: '<= 1 GiB',
          pass: rss <= 1024,
        },
      ];
    } finally {
      await raw.stop();
      await daemon.stop();
    }
  },
};
