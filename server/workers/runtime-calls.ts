// Runtime calls that thread and process workers send to the main loop, and how the main loop answers them.
import type { StoreMethod, WorkerServices } from './worker-task.js';

export type RuntimeMethod = 'emit' | 'session.state' | 'session.history' | 'feedback.request' | `store.${StoreMethod}`;

export interface RuntimeCall {
  id: number;
  method: RuntimeMethod;
  args: Record<string, unknown>;
}

/** What a remote context may read lazily from its task (big or rarely used, so not sent with every task). */
export interface TaskSnapshot {
  state: Record<string, unknown>;
  history: unknown[];
}

export interface RuntimeReply {
  id: number;
  result?: unknown;
  error?: string;
  /** The error's class name (e.g. FeedbackTimeoutError), so the worker can tell failures apart. */
  errorName?: string;
}

/** The error a refused runtime call throws inside the worker. */
export function replyError(reply: RuntimeReply): Error {
  const error = new Error(reply.error);
  if (reply.errorName) error.name = reply.errorName;
  return error;
}

/** Answers one runtime call on the main loop with the task's services. */
export async function answerRuntimeCall(services: WorkerServices, call: RuntimeCall, task?: TaskSnapshot): Promise<RuntimeReply> {
  try {
    switch (call.method) {
      case 'emit':
        services.emit(String(call.args.name ?? 'event'), call.args.data ?? null);
        return { id: call.id, result: null };
      case 'session.state':
        return { id: call.id, result: task?.state ?? {} };
      case 'session.history':
        return { id: call.id, result: task?.history ?? [] };
      case 'feedback.request': {
        const timeoutMs = typeof call.args.timeoutMs === 'number' && call.args.timeoutMs > 0 ? call.args.timeoutMs : undefined;
        return { id: call.id, result: (await services.requestFeedback(call.args.payload ?? null, timeoutMs)) ?? null };
      }
      case 'store.get':
      case 'store.put':
      case 'store.search':
      case 'store.delete':
        return { id: call.id, result: (await services.store(call.method.slice(6) as StoreMethod, call.args)) ?? null };
      default:
        return { id: call.id, error: `unknown runtime call '${String(call.method)}'` };
    }
  } catch (error) {
    return { id: call.id, error: error instanceof Error ? error.message : String(error), errorName: error instanceof Error ? error.name : undefined };
  }
}
