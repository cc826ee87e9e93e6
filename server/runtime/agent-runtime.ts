// The daemon's central type: starts runs of registered agents in sessions, and answers for them.
import { randomUUID } from 'node:crypto';
import type { AgentInfo, RunStatus } from '../api/contract.js';
import { WorkerMode } from '../api/contract.js';
import { InvalidInputError } from '../errors.js';
import type { WorkerDispatcher } from '../workers/worker-dispatcher.js';
import { buildGraph } from './agent-graph.js';
import type { AgentRegistry } from './agent-registry.js';
import { executeRun, type RunLimits } from './run-executor.js';
import { RunRegistry, type RunFilter } from './run-registry.js';
import { Run } from './run.js';
import { SessionPool } from './session-pool.js';

export interface StartRunRequest {
  agent: string;
  sessionId?: string;
  input: unknown;
  config?: Record<string, unknown>;
  idempotencyKey?: string;
}

export interface AgentRuntimeOptions extends RunLimits {
  runRetention: number;
  sessionIdleTtlMs: number;
  sessionSweepIntervalMs: number;
}

const modeMessage = { async: WorkerMode.WORKER_MODE_ASYNC, thread: WorkerMode.WORKER_MODE_THREAD, process: WorkerMode.WORKER_MODE_PROCESS };

export class AgentRuntime {
  readonly runs: RunRegistry;
  readonly sessions: SessionPool;
  private readonly startingByKey = new Map<string, Promise<Run>>();

  constructor(
    readonly agents: AgentRegistry,
    readonly dispatcher: WorkerDispatcher,
    private readonly options: AgentRuntimeOptions,
  ) {
    this.runs = new RunRegistry(options.runRetention);
    this.sessions = new SessionPool(options.sessionIdleTtlMs, options.sessionSweepIntervalMs);
  }

  /** Creates a run and starts executing it; returns once it is registered (its events are replayable). */
  startRun(request: StartRunRequest): Promise<Run> {
    const key = request.idempotencyKey;
    if (!key) return this.createRun(request);
    const existing = this.runs.findByIdempotencyKey(key);
    if (existing) return Promise.resolve(existing);
    // Concurrent Submits with one key must share one run, so the key is claimed before any await.
    let starting = this.startingByKey.get(key);
    if (!starting) {
      starting = this.createRun(request).finally(() => this.startingByKey.delete(key));
      this.startingByKey.set(key, starting);
    }
    return starting;
  }

  private async createRun(request: StartRunRequest): Promise<Run> {
    const agent = this.agents.get(request.agent);
    const problem = agent.validateInput?.(request.input);
    if (problem) throw new InvalidInputError(`input for agent '${agent.name}' is not valid: ${problem}`);
    const sessionId = request.sessionId || randomUUID();
    const { graph, config } = await this.sessions.agentFor(sessionId, agent, request.config);
    const run = new Run({ agent: agent.name, sessionId, input: request.input ?? null, config, idempotencyKey: request.idempotencyKey ?? '' });
    this.runs.add(run);
    void executeRun(run, graph, this.dispatcher, this.options);
    return run;
  }

  getRun(runId: string): Run {
    return this.runs.get(runId);
  }

  /** Resolves with the run when it has finished, `timeoutMs` has passed (0: no timeout), or `signal` aborts. */
  async waitRun(runId: string, timeoutMs: number, signal?: AbortSignal): Promise<Run> {
    const run = this.runs.get(runId);
    if (run.finished) return run;
    await new Promise<void>((resolve) => {
      const timer = timeoutMs > 0 ? setTimeout(resolve, timeoutMs) : undefined;
      signal?.addEventListener('abort', () => resolve(), { once: true });
      void run.done.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return run;
  }

  cancelRun(runId: string, reason: string): Run {
    const run = this.runs.get(runId);
    run.cancel('cancelled', reason ? `cancelled: ${reason}` : 'cancelled by CancelRun');
    return run;
  }

  listRuns(filter: RunFilter & { status?: RunStatus }, pageSize: number, pageToken: string) {
    return this.runs.list(filter, pageSize, pageToken);
  }

  /** Each agent as its builder describes it with an empty config. */
  async listAgents(): Promise<AgentInfo[]> {
    return Promise.all(
      this.agents.list().map(async (agent) => {
        const graph = await buildGraph(agent.name, agent.build, {});
        return {
          name: agent.name,
          description: agent.description,
          workers: [...graph.workers.values()].map((w) => ({ name: w.name, mode: modeMessage[w.mode], after: w.after, description: w.description })),
          startWorkers: [...graph.startWorkers],
          outputWorker: graph.outputWorker,
        };
      }),
    );
  }

  async close(): Promise<void> {
    this.sessions.close();
    await this.dispatcher.close();
  }
}
