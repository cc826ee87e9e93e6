// The agents this daemon hosts, loaded from agent directories at start-up.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentNotFoundError } from '../errors.js';
import type { AgentDefinition } from '../sdk/types.js';

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

function isAgentDefinition(value: unknown): value is AgentDefinition {
  return typeof value === 'object' && value !== null && (value as AgentDefinition).kind === 'agentd.agent';
}

export class AgentRegistry {
  private readonly agents = new Map<string, AgentDefinition>();

  register(agent: AgentDefinition): void {
    if (this.agents.has(agent.name)) throw new Error(`agent '${agent.name}' is registered twice; agent names must be unique`);
    this.agents.set(agent.name, agent);
  }

  get(name: string): AgentDefinition {
    const agent = this.agents.get(name);
    if (!agent) throw new AgentNotFoundError(name, this.names());
    return agent;
  }

  names(): string[] {
    return [...this.agents.keys()].sort();
  }

  list(): AgentDefinition[] {
    return this.names().map((n) => this.agents.get(n)!);
  }

  /**
   * Loads every agent exported by the modules in `dir`: files `*.ts|js` and folders with an `index` module.
   * Files whose name starts with '_' or ends in '.worker.*' are helpers, not agents.
   */
  async loadDirectory(dir: string): Promise<void> {
    const absolute = path.resolve(dir);
    const entries = fs.readdirSync(absolute, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('_') || entry.name.startsWith('.') || /\.worker\.[mc]?[jt]s$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
      let modulePath: string | undefined;
      if (entry.isFile() && MODULE_EXTENSIONS.has(path.extname(entry.name))) modulePath = path.join(absolute, entry.name);
      if (entry.isDirectory()) {
        modulePath = ['index.ts', 'index.mts', 'index.js', 'index.mjs'].map((f) => path.join(absolute, entry.name, f)).find((f) => fs.existsSync(f));
      }
      if (!modulePath) continue;
      const exports = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
      for (const value of Object.values(exports)) if (isAgentDefinition(value)) this.register(value);
    }
  }
}
