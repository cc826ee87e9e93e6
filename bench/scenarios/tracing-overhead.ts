// tracing-overhead: the ephemeral diamond at concurrency 64 with tracing on (spans exported over OTLP/gRPC to a
// receiver in its own process) vs off, daemons side by side, interleaved rounds. The judged row samples every
// run; a second row shows the cost at a 10% head-sampling rate, as production tracing usually runs.
import { exampleAgents, repoRoot, startDaemon, type DaemonProcess } from '../../test/support/daemon-process.js';
import { startServerScript } from '../lib/processes.js';
import { throughput } from '../lib/load.js';
import type { BenchRow, Scenario } from '../lib/scenario.js';
import { median, spread } from '../lib/stats.js';
import { benchAgents } from './durable-diamond.js';

export const tracingOverhead: Scenario = {
  name: 'tracing-overhead',
  description: 'diamond throughput with tracing exported over OTLP vs tracing off',
  async run({ quick, rounds }) {
    const receiver = await startServerScript(`${repoRoot}/bench/baselines/otlp-sink.ts`);
    const agents = [exampleAgents, benchAgents];
    const endpoint = `http://${receiver.address}`;
    const [off, all, tenth] = await Promise.all([
      startDaemon({ agents, env: { AGENTD_LOG_LEVEL: 'warn' } }),
      startDaemon({ agents, env: { AGENTD_LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } }),
      startDaemon({ agents, env: { AGENTD_LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' } }),
    ]);
    const daemons = { off, all, tenth };
    try {
      const calls = quick ? 3000 : 12000;
      const load = (daemon: DaemonProcess) => throughput(calls, 64, () => daemon.client.invoke('bench-diamond-ephemeral', { x: 1 }));
      const results: Record<keyof typeof daemons, number[]> = { off: [], all: [], tenth: [] };
      for (const daemon of Object.values(daemons)) await load(daemon);
      for (let r = 0; r < rounds; r++) for (const [name, daemon] of Object.entries(daemons)) results[name as keyof typeof daemons].push(await load(daemon));
      const row = (scenario: string, traced: number[], target: boolean, notes: string): BenchRow => {
        const ratio = median(traced) / median(results.off);
        return {
          scenario,
          agentd: `traced ${spread(traced, 0)} runs/s`,
          comparison: `untraced ${spread(results.off, 0)} runs/s`,
          ratio,
          target: target ? '>= 0.85x (<= 15% loss)' : 'report',
          pass: !target || ratio >= 0.85,
          notes,
        };
      };
      return [
        row('tracing-overhead c=64', results.all, true, 'every run sampled and exported: 1 RPC span, 1 run span, 4 worker spans'),
        row('tracing-overhead c=64, 10% sampled', results.tenth, false, 'OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1'),
      ];
    } finally {
      await Promise.all(Object.values(daemons).map((d) => d.stop()));
      await receiver.stop();
    }
  },
};
