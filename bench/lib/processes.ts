// Helpers for benchmarks that run servers as separate processes.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { repoRoot } from '../../test/support/daemon-process.js';

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
