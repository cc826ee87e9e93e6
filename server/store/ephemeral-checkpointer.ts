// The Checkpointer of ephemeral agents: writes nothing, so their runs cost no database work and do not survive a restart.
import { CheckpointNotFoundError } from '../errors.js';
import type { Checkpointer } from './checkpointer.js';

export class EphemeralCheckpointer implements Checkpointer {
  readonly durable = false;
  async createRun(): Promise<void> {}
  async save(): Promise<string> {
    return '';
  }
  async finish(): Promise<void> {}
  async feedbackAsked(): Promise<void> {}
  async feedbackResolved(): Promise<void> {}
  async latest() {
    return undefined;
  }
  async get(checkpointId: string): Promise<never> {
    throw new CheckpointNotFoundError(checkpointId);
  }
  async latestOfSession() {
    return undefined;
  }
  async list() {
    return { checkpoints: [], nextPageToken: '' };
  }
  async events() {
    return [];
  }
  async close(): Promise<void> {}
}
