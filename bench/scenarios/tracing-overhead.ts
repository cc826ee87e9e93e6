// tracing-overhead: the ephemeral diamond at concurrency 64 with tracing on (spans exported over OTLP/gRPC to a
// receiver in its own process) vs off, two daemons side by side, interleaved rounds.
import { exampleAgents, startDaemon } from '../../test/support/daemon-process.js';
import { repoRoot } from '../../test/support/daemon-process.js';
import { startServerScript } from '../lib/processes.js';
import { throughput } from '../lib/load.js';
import type { Scenario } from '../lib/scenario.js';
import { interleave } from '../lib/interleave.js';
import { spread } from '../lib/stats.js';
import { benchAgents } from './durable-diamond.js';

export const tracingOverhead: Scenario = {
  name: 'tracing-overhead',
  description: 'diamond throughput with tracing exported over OTLP vs tracing off',
  async run({ quick, rounds }) {
    const receiver = await startServerScript(`${repoRoot}/bench/baselines/otlp-sink.ts`);
    const agents = [exampleAgents, benchAgents];
    const off = await startDaemon({ agents, env: { AGENTD_LOG_LEVEL: 'warn' } });
    const on = await startDaemon({ agents, env: { AGENTD_LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: `http://${receiver.address}` } });
    try {
      const calls = quick ? 2000 : 8000;
      const load = (daemon: typeof on) => throughput(calls, 64, () => daemon.client.invoke('bench-diamond-ephemeral', { x: 1 }));
      const { ours: traced, theirs: untraced, ratio } = await interleave(rounds, () => load(on), () => load(off));
      return [
        {
          scenario: 'tracing-overhead c=64',
          agentd: `traced ${spread(traced, 0)} runs/s`,
          comparison: `untraced ${spread(untraced, 0)} runs/s`,
          ratio,
          target: '>= 0.85x (<= 15% loss)',
          pass: ratio >= 0.85,
          notes: 'every run sampled and exported: 1 RPC span, 1 run span, 4 worker spans',
        },
      ];
    } finally {
      await on.stop();
      await off.stop();
      await receiver.stop();
    }
  },
};
