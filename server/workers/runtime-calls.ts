// Runtime calls that thread and process workers send to the main loop, and how the main loop answers them.
import type { WorkerServices } from './worker-task.js';

export type RuntimeMethod = 'emit';

export interface RuntimeCall {
  id: number;
  method: RuntimeMethod;
  args: { name?: string; data?: unknown };
}

export interface RuntimeReply {
  id: number;
  result?: unknown;
  error?: string;
}

/** Answers one runtime call on the main loop with the task's services. */
export async function answerRuntimeCall(services: WorkerServices, call: RuntimeCall): Promise<RuntimeReply> {
  try {
    switch (call.method) {
      case 'emit':
        services.emit(String(call.args.name ?? 'event'), call.args.data ?? null);
        return { id: call.id, result: null };
      default:
        return { id: call.id, error: `unknown runtime call '${String(call.method)}'` };
    }
  } catch (error) {
    return { id: call.id, error: error instanceof Error ? error.message : String(error) };
  }
}
