// Every setting the daemon reads, from environment variables, with its default. Documented in README.md.
import os from 'node:os';

export interface DaemonConfig {
  host: string;
  port: number;
  agentDirs: string[];
  /** Largest request the gRPC server accepts; larger ones get RESOURCE_EXHAUSTED. */
  maxMessageBytes: number;
  /** A run that takes more supersteps than this fails (guards against ferryTo loops). */
  maxSupersteps: number;
  /** Finished runs kept in memory for GetRun/ListRuns/WaitRun. */
  runRetention: number;
  /** Idle time after which a session's built agent is dropped from the session pool. */
  sessionIdleTtlMs: number;
  sessionSweepIntervalMs: number;
  /** Worker-thread pool size (thread mode). */
  threadPoolSize: number;
  /** Threads kept running while idle; the rest start on demand and stop after a minute idle. */
  threadPoolMin: number;
  /** Child-process pool size (process mode). */
  processPoolSize: number;
  /** A process is replaced after running this many tasks. */
  processMaxTasks: number;
  /** Heap limit of each Node worker process, in MiB (0 = Node's default). */
  processMaxOldGenMb: number;
  /** Grace between SIGTERM and SIGKILL when a process worker is cancelled. */
  processKillGraceMs: number;
  /** Tasks that may wait for a free thread before runs queue up (backpressure, never dropped). */
  threadMaxQueue: number;
  /** Heap limit of each worker thread, in MiB (0 = Node's default). */
  threadMaxOldGenMb: number;
  /** Default per-worker timeout in ms (0 = none); a worker can set its own. */
  workerTimeoutMs: number;
  logLevel: string;
  /** PostgreSQL connection string; unset = embedded PGlite under dataDir. */
  databaseUrl: string;
  dataDir: string;
  dbPoolSize: number;
  dbMaxWaiting: number;
  dbAcquireTimeoutMs: number;
  /** Named prepared statements on PostgreSQL (off behind PgBouncer in transaction mode). */
  dbPreparedStatements: boolean;
  /** Turns of a session's history handed to workers as ctx.history. */
  historyTurns: number;
  /** An idle Feedback stream gets a heartbeat this often. */
  feedbackHeartbeatMs: number;
  /** Prometheus scrape endpoint for metrics (0 = none). */
  metricsPort: number;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name}=${raw} is not a non-negative integer; unset it to use the default ${fallback}`);
  }
  return value;
}

function flagFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|on|yes)$/i.test(raw)) return true;
  if (/^(0|false|off|no)$/i.test(raw)) return false;
  throw new Error(`${name}=${raw} is not on or off (1/0, true/false); unset it to use the default ${fallback ? 'on' : 'off'}`);
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): DaemonConfig {
  const cores = os.availableParallelism();
  return {
    host: env.AGENTD_HOST || '127.0.0.1',
    port: intFrom(env, 'AGENTD_PORT', 50051),
    agentDirs: (env.AGENTD_AGENTS || '').split(':').filter(Boolean),
    maxMessageBytes: intFrom(env, 'AGENTD_MAX_MESSAGE_BYTES', 4 * 1024 * 1024),
    maxSupersteps: intFrom(env, 'AGENTD_MAX_SUPERSTEPS', 1000),
    runRetention: intFrom(env, 'AGENTD_RUN_RETENTION', 10_000),
    sessionIdleTtlMs: intFrom(env, 'AGENTD_SESSION_IDLE_TTL_MS', 30 * 60_000),
    sessionSweepIntervalMs: intFrom(env, 'AGENTD_SESSION_SWEEP_MS', 60_000),
    threadPoolSize: intFrom(env, 'AGENTD_THREADS', cores),
    threadPoolMin: intFrom(env, 'AGENTD_THREADS_MIN', 0),
    processPoolSize: intFrom(env, 'AGENTD_PROCESSES', cores),
    processMaxTasks: intFrom(env, 'AGENTD_PROCESS_MAX_TASKS', 1000),
    processMaxOldGenMb: intFrom(env, 'AGENTD_PROCESS_MAX_OLD_GEN_MB', 0),
    processKillGraceMs: intFrom(env, 'AGENTD_PROCESS_KILL_GRACE_MS', 500),
    threadMaxQueue: intFrom(env, 'AGENTD_THREAD_MAX_QUEUE', 1024),
    threadMaxOldGenMb: intFrom(env, 'AGENTD_THREAD_MAX_OLD_GEN_MB', 0),
    workerTimeoutMs: intFrom(env, 'AGENTD_WORKER_TIMEOUT_MS', 0),
    logLevel: env.AGENTD_LOG_LEVEL || 'info',
    databaseUrl: env.DATABASE_URL || '',
    dataDir: env.AGENTD_DATA_DIR || '.agentd',
    dbPoolSize: intFrom(env, 'AGENTD_DB_POOL_SIZE', 10),
    dbMaxWaiting: intFrom(env, 'AGENTD_DB_MAX_WAITING', 1000),
    dbAcquireTimeoutMs: intFrom(env, 'AGENTD_DB_ACQUIRE_TIMEOUT_MS', 10_000),
    dbPreparedStatements: flagFrom(env, 'AGENTD_DB_PREPARED_STATEMENTS', true),
    historyTurns: intFrom(env, 'AGENTD_HISTORY_TURNS', 20),
    feedbackHeartbeatMs: intFrom(env, 'AGENTD_FEEDBACK_HEARTBEAT_MS', 15_000),
    metricsPort: intFrom(env, 'AGENTD_METRICS_PORT', 9464),
  };
}
