// Each session's built agent, cached while the session is in use and dropped after an idle TTL.
import { isDeepStrictEqual } from 'node:util';
import type { AgentDefinition } from '../sdk/types.js';
import { buildGraph, type AgentGraph } from './agent-graph.js';

interface SessionEntry {
  agent: string;
  config: Record<string, unknown>;
  graph: Promise<AgentGraph>;
  lastUsedAt: number;
}

export interface SessionAgent {
  graph: AgentGraph;
  config: Record<string, unknown>;
}

export class SessionPool {
  private readonly entries = new Map<string, SessionEntry>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly idleTtlMs: number,
    sweepIntervalMs: number,
  ) {
    if (sweepIntervalMs > 0) {
      this.sweepTimer = setInterval(() => this.sweep(Date.now()), sweepIntervalMs);
      this.sweepTimer.unref();
    }
  }

  /**
   * The session's agent instance, built by the agent's builder on first use. A new config, or another agent
   * (a session switching agents), builds a new instance; otherwise the cached one is reused.
   */
  async agentFor(sessionId: string, agent: AgentDefinition, config: Record<string, unknown> | undefined): Promise<SessionAgent> {
    let entry = this.entries.get(sessionId);
    const wanted = config ?? entry?.config ?? {};
    if (!entry || entry.agent !== agent.name || !isDeepStrictEqual(entry.config, wanted)) {
      const graph = buildGraph(agent.name, agent.build, wanted);
      entry = { agent: agent.name, config: wanted, graph, lastUsedAt: Date.now() };
      this.entries.set(sessionId, entry);
      graph.catch(() => this.entries.get(sessionId) === entry && this.entries.delete(sessionId));
    }
    entry.lastUsedAt = Date.now();
    return { graph: await entry.graph, config: entry.config };
  }

  /** Drops agent instances idle for longer than the TTL; returns how many were dropped. */
  sweep(now: number): number {
    let dropped = 0;
    for (const [id, entry] of this.entries) {
      if (now - entry.lastUsedAt > this.idleTtlMs) {
        this.entries.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    clearInterval(this.sweepTimer);
  }
}
