// Assembles a daemon: agents, worker executors, runtime, gRPC server. One per process, on the main thread.
import { startGrpcServer } from './api/grpc-server.js';
import type { DaemonConfig } from './config.js';
import { AgentRegistry } from './runtime/agent-registry.js';
import { AgentRuntime } from './runtime/agent-runtime.js';
import { ItemStore } from './store/item-store.js';
import { openDatabase } from './store/open-database.js';
import { SqlCheckpointer } from './store/sql-checkpointer.js';
import { createLogger, type Logger } from './telemetry/logger.js';
import { RuntimeMetrics } from './telemetry/metrics.js';
import { AsyncExecutor } from './workers/async-executor.js';
import { ProcessExecutor } from './workers/process/process-executor.js';
import { ThreadExecutor } from './workers/thread/thread-executor.js';
import { WorkerDispatcher } from './workers/worker-dispatcher.js';

export interface Daemon {
  port: number;
  runtime: AgentRuntime;
  log: Logger;
  /** Stops accepting calls, cancels nothing, waits for open calls up to `graceMs`, then closes the pools. */
  close(graceMs?: number): Promise<void>;
}

export async function startDaemon(config: DaemonConfig): Promise<Daemon> {
  const log = createLogger(config.logLevel);
  const agents = new AgentRegistry();
  for (const dir of config.agentDirs) await agents.loadDirectory(dir);

  const dispatcher = new WorkerDispatcher(
    {
      async: new AsyncExecutor(),
      thread: new ThreadExecutor({ threads: config.threadPoolSize, minThreads: config.threadPoolMin, maxQueue: config.threadMaxQueue, maxOldGenerationSizeMb: config.threadMaxOldGenMb }),
      process: new ProcessExecutor({
        processes: config.processPoolSize,
        maxTasksPerProcess: config.processMaxTasks,
        killGraceMs: config.processKillGraceMs,
        maxOldGenerationSizeMb: config.processMaxOldGenMb,
      }),
    },
    config.workerTimeoutMs,
  );
  // The one database pool of the daemon, on the main thread; workers reach it only through runtime calls.
  const db = await openDatabase(config);
  const checkpointer = new SqlCheckpointer(db);
  const items = new ItemStore(db);
  const metrics = await RuntimeMetrics.start(config.host, config.metricsPort);
  const runtime = new AgentRuntime(agents, dispatcher, db, checkpointer, items, config, metrics, log);
  const threads = dispatcher.executor('thread') as ThreadExecutor;
  const processes = dispatcher.executor('process') as ProcessExecutor;
  metrics.observe({
    threadQueue: () => threads.stats.queued,
    processQueue: () => [...processes.pools.values()].reduce((sum, pool) => sum + pool.queued, 0),
    dbInUse: () => db.stats().inUse,
    dbWaiting: () => db.stats().waiting,
    openStreams: () => runtime.metrics.openStreams,
    pendingFeedback: () => runtime.feedback.pendingCount,
    sessionsLoaded: () => runtime.sessions.size,
  });
  const resumed = await runtime.recover();
  const { server, port, health } = await startGrpcServer(runtime, items, config, log);
  log.info({ host: config.host, port, agents: agents.names(), database: db.kind, resumedRuns: resumed, metricsPort: config.metricsPort || null }, 'serving');

  return {
    port,
    runtime,
    log,
    async close(graceMs = 5000) {
      health.setStatus('', 'NOT_SERVING');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      await runtime.close();
      await db.close();
      await metrics.close();
    },
  };
}
