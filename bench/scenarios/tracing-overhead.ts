// tracing-overhead: the ephemeral diamond at concurrency 64 with tracing on (spans exported over OTLP/gRPC to a
// receiver in its own process) vs off, daemons side by side, interleaved rounds. The judged row samples every
// run; a second row shows the cost at a 10% head-sampling rate, as production tracing usually runs; in full mode a
// third shows the floor: the SDK on with nothing sampled (context propagation through AsyncLocalStorage, RPC spans).
import { exampleAgents, repoRoot, type DaemonProcess } from '../../test/support/daemon-process.js';
import { startBenchDaemon, startServerScript } from '../lib/processes.js';
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
    const traced = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
    const settings: Record<string, Record<string, string>> = {
      off: {},
      all: traced,
      tenth: { ...traced, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
      ...(quick ? {} : { none: { ...traced, OTEL_TRACES_SAMPLER: 'always_off' } }),
    };
    const daemons = Object.fromEntries(await Promise.all(Object.entries(settings).map(async ([name, env]) => [name, await startBenchDaemon({ agents, env })] as const)));
    try {
      const calls = quick ? 3000 : 12000;
      const load = (daemon: DaemonProcess) => throughput(calls, 64, () => daemon.client.invoke('bench-diamond-ephemeral', { x: 1 }));
      const results: Record<string, number[]> = Object.fromEntries(Object.keys(daemons).map((name) => [name, []]));
      for (const daemon of Object.values(daemons)) await load(daemon);
      for (let r = 0; r < rounds; r++) for (const [name, daemon] of Object.entries(daemons)) results[name].push(await load(daemon));
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
        ...(results.none ? [row('tracing-overhead c=64, none sampled', results.none, false, 'OTEL_TRACES_SAMPLER=always_off: the floor of tracing on (trace context kept across awaits by AsyncLocalStorage)')] : []),
      ];
    } finally {
      await Promise.all(Object.values(daemons).map((d) => d.stop()));
      await receiver.stop();
    }
  },
};
