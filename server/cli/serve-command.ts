// `agentd serve`: starts the daemon in the foreground until SIGINT/SIGTERM.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from '../config.js';
import { startTracing, stopTracing } from '../telemetry/tracing.js';

const EXAMPLE_AGENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/agents');

export async function serveCommand(flags: { agents?: string[]; port?: string; host?: string }): Promise<number> {
  const config = readConfig();
  if (flags.agents?.length) config.agentDirs = flags.agents;
  if (config.agentDirs.length === 0) config.agentDirs = [EXAMPLE_AGENTS];
  if (flags.port !== undefined) config.port = Number(flags.port);
  if (flags.host !== undefined) config.host = flags.host;
  // Tracing starts before the daemon and its agents are loaded.
  startTracing();
  const { startDaemon } = await import('../daemon.js');
  const daemon = await startDaemon(config);
  console.log(`agentd listening on ${config.host}:${daemon.port}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    daemon.log.info({ signal }, 'agentd shutting down');
    void daemon
      .close()
      .then(stopTracing)
      .then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return -1; // keep serving
}
