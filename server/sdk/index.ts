// What agent authors import: `import { defineAgent } from 'agentd'`.
import type { AgentBuilder, AgentDefinition, AgentOptions } from './types.js';

export type * from './types.js';

/** Declares an agent: `build` is called once per session with that session's config. */
export function defineAgent(name: string, build: AgentBuilder, options: AgentOptions = {}): AgentDefinition {
  if (!/^[a-z][a-z0-9_-]{0,62}$/i.test(name)) {
    throw new Error(`agent name '${name}' must start with a letter and use only letters, digits, '_' and '-'`);
  }
  return { kind: 'agentd.agent', name, description: options.description ?? '', build, validateInput: options.validateInput, durability: options.durability ?? 'durable' };
}

/** Thrown by ctx.requestFeedback when nobody answered before the timeout. Catch it to carry on without an answer. */
export class FeedbackTimeoutError extends Error {
  override name = 'FeedbackTimeoutError';
}
