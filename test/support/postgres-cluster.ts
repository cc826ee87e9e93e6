// A throw-away PostgreSQL 15 cluster for the tests: initdb + pg_ctl in a temp dir on a free port.
// As root the server runs as the 'postgres' user (PostgreSQL refuses to run as root).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const PG_BIN = process.env.AGENTD_PG_BIN || '/usr/lib/postgresql/15/bin';

export interface ClusterInfo {
  dataDir: string;
  port: number;
  adminUrl: string;
}

function asServerUser(command: string, args: string[]): string {
  const binary = path.join(PG_BIN, command);
  if (process.getuid?.() !== 0) return execFileSync(binary, args, { encoding: 'utf8' });
  const quoted = [binary, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { encoding: 'utf8' });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function startCluster(): Promise<ClusterInfo> {
  if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) {
    throw new Error(`PostgreSQL binaries not found in ${PG_BIN}; install PostgreSQL 15 (apt-get install postgresql-15) or set AGENTD_PG_BIN`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentd-pg-'));
  fs.chmodSync(dataDir, 0o777);
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dataDir]);
  const port = await freePort();
  asServerUser('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  startServer({ dataDir, port, adminUrl: '' });
  return { dataDir, port, adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres` };
}

export function startServer(cluster: ClusterInfo): void {
  const options = `-p ${cluster.port} -k ${cluster.dataDir} -c listen_addresses=127.0.0.1 -c max_connections=300`;
  asServerUser('pg_ctl', ['-D', cluster.dataDir, '-o', options, '-l', path.join(cluster.dataDir, 'server.log'), '-w', 'start']);
}

export function stopServer(cluster: ClusterInfo, mode: 'fast' | 'immediate' = 'fast'): void {
  asServerUser('pg_ctl', ['-D', cluster.dataDir, '-m', mode, '-w', 'stop']);
}

export async function stopCluster(cluster: ClusterInfo): Promise<void> {
  try {
    stopServer(cluster, 'immediate');
  } finally {
    fs.rmSync(cluster.dataDir, { recursive: true, force: true });
  }
}

/** A new empty database in the cluster, so each test file starts clean. */
export async function createDatabase(cluster: ClusterInfo, prefix = 'agentd'): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: cluster.adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  return cluster.adminUrl.replace(/\/postgres$/, `/${name}`);
}
