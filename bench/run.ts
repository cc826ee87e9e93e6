// `make bench`: runs the scenarios, prints one table, writes it with the machine to bench/RESULTS.md.
// BENCH_QUICK=1 for the short version; pass scenario names to run only those.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow, Scenario } from './lib/scenario.js';
import { cpuScaling } from './scenarios/cpu-scaling.js';
import { dispatchOverhead } from './scenarios/dispatch-overhead.js';
import { durableDiamond } from './scenarios/durable-diamond.js';
import { feedbackRoundtrip } from './scenarios/feedback-roundtrip.js';
import { diamond } from './scenarios/diamond.js';
import { ioFanout } from './scenarios/io-fanout.js';
import { noopInvoke } from './scenarios/noop-invoke.js';
import { clientOverhead } from './scenarios/client-overhead.js';
import { tracingOverhead } from './scenarios/tracing-overhead.js';
import { stopBenchPostgres } from './lib/postgres.js';

const scenarios: Scenario[] = [noopInvoke, diamond, durableDiamond, ioFanout, cpuScaling, dispatchOverhead, feedbackRoundtrip, tracingOverhead, clientOverhead];

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.availableParallelism()} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function table(rows: BenchRow[]): string {
  const header = '| scenario | agentd | comparison | ratio | target | result |\n| --- | --- | --- | --- | --- | --- |';
  const lines = rows.map((r) => `| ${r.scenario} | ${r.agentd} | ${r.comparison} | ${r.ratio.toFixed(2)}x | ${r.target} | ${r.pass ? 'pass' : 'MISSED'} |`);
  const notes = rows.filter((r) => r.notes).map((r) => `- ${r.scenario}: ${r.notes}`);
  return [header, ...lines, '', ...notes].join('\n');
}

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !scenarios.some((s) => s.name === w));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  const settings = { quick, rounds: quick ? 2 : 7 };
  const rows: BenchRow[] = [];
  const started = Date.now();
  try {
    for (const scenario of scenarios.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
      console.error(`running ${scenario.name}: ${scenario.description}`);
      const began = Date.now();
      rows.push(...(await scenario.run(settings)));
      console.error(`  ${scenario.name} took ${((Date.now() - began) / 1000).toFixed(0)} s`);
    }
  } finally {
    await stopBenchPostgres();
  }
  const report = `# Benchmark results\n\nMachine: ${machine()}\nMode: ${quick ? 'quick (BENCH_QUICK=1)' : 'full'}, ${settings.rounds} interleaved rounds per comparison, median (min–max). Took ${((Date.now() - started) / 1000).toFixed(0)} s.\n\n${table(rows)}\n`;
  console.log(`\n${report}`);
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
  fs.writeFileSync(file, report);
  console.error(`written to ${path.relative(process.cwd(), file)}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
