// Load generators that run in their own process, one per client language. Go is the cheapest per call, so the
// scenarios that measure the daemon itself (diamond, io-fanout) use it, like a user would use ghz.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../test/support/daemon-process.js';

export type LoadClient = 'ts' | 'python' | 'go';

export interface LoadOptions {
  /** JSON input of every invoke (default {"hello":"world","n":1}). */
  input?: unknown;
  /** Output every invoke must return; the load fails on the first mismatch. */
  expect?: unknown;
  /** goLatencies: a file the first load writes its new session ids to; later loads continue those sessions. */
  sessionFile?: string;
  /** Go client: invokes before measuring (default 200). */
  warmup?: number;
}

let goBinary: string | undefined;

/** Builds the Go load generator once per bench process (seconds the first time, cached by go afterwards). */
function goLoadBinary(): string {
  if (!goBinary) {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agentd-load-')), 'agentd-load');
    execFileSync('go', ['build', '-o', out, './cmd/agentd-load'], { cwd: path.join(repoRoot, 'clients/go'), stdio: 'inherit' });
    goBinary = out;
  }
  return goBinary;
}

function run(client: LoadClient, args: string[]): string {
  const out =
    client === 'ts'
      ? execFileSync(process.execPath, ['--import', path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs'), path.join(repoRoot, 'bench/clients/ts-load.ts'), ...args], { encoding: 'utf8' })
      : client === 'python'
        ? execFileSync(path.join(repoRoot, '.venv/bin/python'), [path.join(repoRoot, 'bench/clients/python_load.py'), ...args], { encoding: 'utf8' })
        : execFileSync(goLoadBinary(), args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  return out.trim().split('\n').at(-1)!;
}

/** Closed-loop invokes per second: `concurrency` callers share `total` invokes of `agent`. */
export function invokesPerSecond(client: LoadClient, address: string, agent: string, concurrency: number, total: number, options: LoadOptions = {}): number {
  const flags = client === 'go' ? goFlags(options) : [];
  if (client !== 'go' && (options.input !== undefined || options.expect !== undefined)) throw new Error(`the ${client} load client takes no input/expect`);
  return Number(run(client, [...flags, address, agent, String(concurrency), String(total)]));
}

/** Starts `sessions` invokes at once from the Go client, one per session; returns p50 and p99 in ms. */
export function goLatencies(address: string, agent: string, sessions: number, options: LoadOptions = {}): { p50: number; p99: number } {
  const sessionFile = options.sessionFile ? ['-sessions', options.sessionFile] : [];
  const [p50, p99] = run('go', ['-latency', ...sessionFile, ...goFlags(options), address, agent, String(sessions)]).split(' ').map(Number);
  return { p50, p99 };
}

function goFlags({ input, expect, warmup }: LoadOptions): string[] {
  return [
    ...(input === undefined ? [] : ['-input', JSON.stringify(input)]),
    ...(expect === undefined ? [] : ['-expect', JSON.stringify(expect)]),
    ...(warmup === undefined ? [] : ['-warmup', String(warmup)]),
  ];
}
