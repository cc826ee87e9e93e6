// Starts a real agentd daemon as a child process on a free loopback port, as a user would run it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentdClient } from '../../clients/ts/src/index.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const exampleAgents = path.join(repoRoot, 'examples/agents');
export const fixtureAgents = path.join(repoRoot, 'test/fixtures/agents');

export interface DaemonOptions {
  agents?: string[];
  env?: Record<string, string>;
  /** PostgreSQL URL; without it the daemon uses embedded PGlite in `dataDir` (a new temp dir by default). */
  databaseUrl?: string;
  dataDir?: string;
}

export interface DaemonProcess {
  address: string;
  port: number;
  /** Where PGlite keeps its data (when no databaseUrl); reuse it to restart on the same database. */
  dataDir: string;
  pid: number;
  client: AgentdClient;
  child: ChildProcess;
  /** Everything the daemon logged so far. */
  logs(): string;
  /** Graceful stop (SIGTERM), resolving when the process has exited. */
  stop(): Promise<void>;
  /** Sends `signal` and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startDaemon(options: DaemonOptions = {}): Promise<DaemonProcess> {
  const agents = options.agents ?? [exampleAgents, fixtureAgents];
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'agentd-test-'));
  const dbEnv = options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { AGENTD_DATA_DIR: dataDir, DATABASE_URL: '' };
  const child = spawn(
    path.join(repoRoot, 'bin/agentd'),
    ['serve', '--port', '0', ...agents.flatMap((a) => ['--agents', a])],
    { cwd: repoRoot, env: { ...process.env, AGENTD_LOG_LEVEL: 'info', AGENTD_METRICS_PORT: '0', ...dbEnv, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /agentd listening on [^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before listening:\n${output}`));
    });
  });
  const address = `127.0.0.1:${port}`;
  const client = new AgentdClient(address);
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    client.close();
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { address, port, dataDir, pid: child.pid!, client, child, logs: () => output, stop: () => kill('SIGTERM'), kill };
}
