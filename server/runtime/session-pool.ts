// Sessions in use: each one's built agent (cached with an idle TTL), its state and history, and its run queue.
// Runs of one session execute one at a time, in order, so each turn sees the state the previous one left.
import { isDeepStrictEqual } from 'node:util';
import type { AgentDefinition, Turn } from '../sdk/types.js';
import type { SessionRows } from '../store/session-rows.js';
import { buildGraph, type AgentGraph } from './agent-graph.js';

export interface Session {
  readonly id: string;
  agent: string;
  config: Record<string, unknown>;
  /** The session's agent instance; a promise while an async builder is still building it. */
  graph: AgentGraph | Promise<AgentGraph>;
  state: Record<string, unknown>;
  history: Turn[];
  lastUsedAt: number;
  /** Runs queued or running; a busy session is never swept. */
  busy: number;
  /** Runs waiting for the one running now. */
  queue: Array<() => Promise<void>>;
}

/** A graph still being built is awaited later; until then its failure must not count as unhandled. */
function caught(graph: Session['graph']): Session['graph'] {
  if (graph instanceof Promise) graph.catch(() => {});
  return graph;
}

export class SessionPool {
  /**
   * Loaded sessions, and promises of the ones being loaded. A settled load is replaced by its session: a promise
   * keeps the trace context it was made in alive (AsyncLocalStorage), and a session may stay here for its idle TTL.
   */
  private readonly sessions = new Map<string, Session | Promise<Session>>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rows: SessionRows,
    private readonly historyTurns: number,
    private readonly idleTtlMs: number,
    sweepIntervalMs: number,
  ) {
    if (sweepIntervalMs > 0) {
      this.sweepTimer = setInterval(() => this.sweep(Date.now()), sweepIntervalMs);
      this.sweepTimer.unref();
    }
  }

  /**
   * The session with an instance of `agent`, built by the agent's builder on first use. Another agent (a session
   * switching agents) or a new config builds a new instance; state and history stay with the session.
   */
  async open(sessionId: string, agent: AgentDefinition, config: Record<string, unknown> | undefined): Promise<Session> {
    const entry = this.sessions.get(sessionId) ?? this.startLoading(sessionId, agent);
    const session = entry instanceof Promise ? await entry : entry;
    const wanted = config ?? session.config;
    if (session.agent !== agent.name || (session.config !== wanted && !isDeepStrictEqual(session.config, wanted))) {
      session.agent = agent.name;
      session.config = wanted;
      session.graph = caught(buildGraph(agent.name, agent.build, wanted));
    }
    session.lastUsedAt = Date.now();
    const graph = session.graph;
    if (graph instanceof Promise) {
      const built = await graph;
      if (session.graph === graph) session.graph = built;
    }
    return session;
  }

  private startLoading(sessionId: string, agent: AgentDefinition): Promise<Session> {
    const loading = this.load(sessionId, agent);
    this.sessions.set(sessionId, loading);
    const settled = (session?: Session) => {
      if (this.sessions.get(sessionId) !== loading) return;
      if (session) this.sessions.set(sessionId, session);
      else this.sessions.delete(sessionId);
    };
    loading.then(settled, () => settled());
    return loading;
  }

  /** A new session under an id the daemon just chose: nothing is stored for it yet, so nothing is looked up. */
  create(sessionId: string, agent: AgentDefinition, config: Record<string, unknown>): Session {
    const session = this.newSession(sessionId, agent.name, config, caught(buildGraph(agent.name, agent.build, config)), {}, []);
    this.sessions.set(sessionId, session);
    return session;
  }

  private newSession(id: string, agent: string, config: Record<string, unknown>, graph: Session['graph'], state: Record<string, unknown>, history: Turn[]): Session {
    return { id, agent, config, graph, state, history, lastUsedAt: Date.now(), busy: 0, queue: [] };
  }

  private async load(sessionId: string, agent: AgentDefinition): Promise<Session> {
    const [row, history] = await Promise.all([this.rows.find(sessionId), this.rows.history(sessionId, this.historyTurns)]);
    const config = row?.config ?? {};
    return this.newSession(sessionId, row?.agent ?? agent.name, config, caught(buildGraph(agent.name, agent.build, config)), row?.state ?? {}, history);
  }

  /** Runs `work` after the session's earlier runs, one at a time. */
  enqueue(session: Session, work: () => Promise<void>): void {
    session.busy++;
    if (session.busy === 1) this.start(session, work);
    else session.queue.push(work);
  }

  private start(session: Session, work: () => Promise<void>): void {
    const next = () => {
      session.busy--;
      session.lastUsedAt = Date.now();
      const queued = session.queue.shift();
      if (queued) this.start(session, queued);
    };
    let done: Promise<void>;
    try {
      done = work();
    } catch (error) {
      done = Promise.reject(error); // a turn that throws at once must not stall the ones behind it either
    }
    done.then(next, next);
  }

  /** Records a finished run's effect on the session: its state, and its turn when it succeeded. */
  recordRun(session: Session, state: Record<string, unknown>, turn: Turn | undefined): void {
    session.state = state;
    if (turn) {
      session.history.push(turn);
      if (session.history.length > this.historyTurns) session.history.splice(0, session.history.length - this.historyTurns);
    }
  }

  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /** Drops idle sessions not used for longer than the TTL; returns how many were dropped. */
  sweep(now: number): number {
    let dropped = 0;
    for (const [id, session] of this.sessions) {
      if (!(session instanceof Promise) && session.busy === 0 && now - session.lastUsedAt > this.idleTtlMs) {
        this.forget(id);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.sessions.size;
  }

  close(): void {
    clearInterval(this.sweepTimer);
  }
}
