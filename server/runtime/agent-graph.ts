// An agent's built graph of workers: who runs first, who waits for whom, whose output is the answer.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { AgentDefinitionError } from '../errors.js';
import type { GraphBuilder, WorkerFn, WorkerMode, WorkerOptions, WorkerSource } from '../sdk/types.js';

export interface WorkerDefinition {
  name: string;
  mode: WorkerMode;
  after: string[];
  description: string;
  timeoutMs?: number;
  /** Most executions of this worker at once across runs (thread and process modes). */
  concurrency?: number;
  /** async mode */
  fn?: WorkerFn;
  /** thread / process mode, JavaScript or TypeScript module */
  modulePath?: string;
  exportName?: string;
  /** process mode, any language */
  command?: string[];
  cwd?: string;
}

export function toWorkerDefinition(name: string, source: WorkerSource, options: WorkerOptions = {}): WorkerDefinition {
  const after = options.after === undefined ? [] : Array.isArray(options.after) ? options.after : [options.after];
  const base = { name, after, description: options.description ?? '', timeoutMs: options.timeoutMs, concurrency: options.concurrency };
  if (typeof source === 'function') {
    if (options.mode && options.mode !== 'async') {
      throw new AgentDefinitionError(
        `worker '${name}' is a function but asks for mode '${options.mode}': thread and process workers must be given as { module, export } so another thread or process can load them`,
      );
    }
    return { ...base, mode: 'async', fn: source };
  }
  if ('command' in source) {
    if (options.mode && options.mode !== 'process') {
      throw new AgentDefinitionError(`worker '${name}' is a command, which only runs in mode 'process'`);
    }
    if (!Array.isArray(source.command) || source.command.length === 0) {
      throw new AgentDefinitionError(`worker '${name}': command must be a non-empty array like ['python3', 'worker.py']`);
    }
    return { ...base, mode: 'process', command: source.command, cwd: source.cwd };
  }
  if ('module' in source) {
    const mode = options.mode ?? 'thread';
    const modulePath =
      source.module instanceof URL || String(source.module).startsWith('file:')
        ? fileURLToPath(source.module)
        : path.resolve(String(source.module));
    return { ...base, mode, modulePath, exportName: source.export ?? name };
  }
  throw new AgentDefinitionError(`worker '${name}': give a function, { module, export } or { command: [...] }`);
}

export class AgentGraph {
  readonly workers: ReadonlyMap<string, WorkerDefinition>;
  readonly successors: ReadonlyMap<string, readonly string[]>;
  readonly startWorkers: readonly string[];
  readonly outputWorker: string;

  constructor(agent: string, workers: WorkerDefinition[], output?: string) {
    const byName = new Map<string, WorkerDefinition>();
    for (const w of workers) {
      if (byName.has(w.name)) throw new AgentDefinitionError(`agent '${agent}': worker '${w.name}' is defined twice`);
      byName.set(w.name, w);
    }
    const successors = new Map<string, string[]>([...byName.keys()].map((n) => [n, []]));
    for (const w of workers) {
      for (const pred of w.after) {
        const list = successors.get(pred);
        if (!list) {
          throw new AgentDefinitionError(
            `agent '${agent}': worker '${w.name}' runs after '${pred}', which is not a worker; workers: ${[...byName.keys()].join(', ')}`,
          );
        }
        list.push(w.name);
      }
    }
    const starts = workers.filter((w) => w.after.length === 0).map((w) => w.name);
    if (workers.length === 0) throw new AgentDefinitionError(`agent '${agent}' has no workers; add one with graph.worker(name, fn)`);
    if (starts.length === 0) throw new AgentDefinitionError(`agent '${agent}' has no start worker (one with no 'after')`);
    if (output !== undefined && !byName.has(output)) {
      throw new AgentDefinitionError(`agent '${agent}': output worker '${output}' is not a worker`);
    }
    const sinks = workers.filter((w) => successors.get(w.name)!.length === 0).map((w) => w.name);
    this.workers = byName;
    this.successors = successors;
    this.startWorkers = starts;
    this.outputWorker = output ?? (sinks.length === 1 ? sinks[0] : workers[workers.length - 1].name);
  }

  worker(name: string): WorkerDefinition | undefined {
    return this.workers.get(name);
  }
}

/** Runs an agent's builder and returns the graph it described: at once, unless the builder is async. */
export function buildGraph(
  agent: string,
  build: (g: GraphBuilder, config: Record<string, unknown>) => void | Promise<void>,
  config: Record<string, unknown>,
): AgentGraph | Promise<AgentGraph> {
  const defs: WorkerDefinition[] = [];
  let output: string | undefined;
  const builder: GraphBuilder = {
    worker(name, source, options) {
      defs.push(toWorkerDefinition(name, source, options));
      return builder;
    },
    output(name) {
      output = name;
      return builder;
    },
  };
  const built = build(builder, config);
  return built instanceof Promise ? built.then(() => new AgentGraph(agent, defs, output)) : new AgentGraph(agent, defs, output);
}
