// Helpers for benchmarks that run servers as separate processes.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { repoRoot, startDaemon, type DaemonOptions, type DaemonProcess } from '../../test/support/daemon-process.js';
import { freePort } from '../../test/support/postgres-cluster.js';

/** Starts a TypeScript server script and resolves with its port once it prints 'listening on HOST:PORT'. */
export async function startServerScript(script: string): Promise<{ child: ChildProcess; address: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', `${repoRoot}/node_modules/tsx/dist/loader.mjs`, script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, address, stop: async () => void (child.kill(), await exited) };
}

/** Peak resident memory of a process in MiB (VmHWM), Linux only. */
export function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/**
 * An agentd daemon with the settings a user gets (metrics served on their own port, as by default), except
 * AGENTD_LOG_LEVEL=warn: at thousands of runs a second, two info lines per run would measure the log pipe.
 */
export async function startBenchDaemon(options: DaemonOptions = {}): Promise<DaemonProcess> {
  return startDaemon({ ...options, env: { AGENTD_LOG_LEVEL: 'warn', AGENTD_METRICS_PORT: String(await freePort()), ...options.env } });
}
