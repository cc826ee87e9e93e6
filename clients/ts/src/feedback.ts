// Human-in-the-loop from TypeScript: a Feedback stream you read and answer on, or a handler that answers for you.
import type { ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import type { FeedbackResolved, PendingFeedback } from './generated/agentd/v1/feedback.js';
import type { AnswerResult, FeedbackRequest, FeedbackResponse } from './generated/agentd/v1/runtime_service.js';
import { AgentdCallError } from './errors.js';

export interface FeedbackFilter {
  sessionIds?: string[];
  runIds?: string[];
  agents?: string[];
  /** Shown to others as who answered. */
  clientName?: string;
}

export type FeedbackEvent = { request: PendingFeedback } | { resolved: FeedbackResolved } | { answerResult: AnswerResult };

/** An open Feedback stream: iterate it for requests and outcomes, answer with `answer`. */
export class FeedbackStream implements AsyncIterable<FeedbackEvent> {
  constructor(private readonly call: ClientDuplexStream<FeedbackRequest, FeedbackResponse>, filter: FeedbackFilter) {
    call.write({ subscribe: { sessionIds: filter.sessionIds ?? [], runIds: filter.runIds ?? [], agents: filter.agents ?? [], clientName: filter.clientName ?? '' } });
  }

  answer(requestId: string, data: unknown): void {
    this.call.write({ answer: { requestId, data: data ?? null } });
  }

  close(): void {
    this.call.end();
    this.call.cancel();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<FeedbackEvent> {
    try {
      for await (const message of this.call as AsyncIterable<FeedbackResponse>) {
        if (message.request) yield { request: message.request };
        else if (message.resolved) yield { resolved: message.resolved };
        else if (message.answerResult) yield { answerResult: message.answerResult };
      }
    } catch (error) {
      if ((error as ServiceError).code === 1) return; // cancelled by close()
      throw AgentdCallError.from(error as ServiceError);
    }
  }
}

/** Answers every matching request with `handler`'s result until `stop()`; returns undefined to leave one unanswered. */
export function runFeedbackHandler(stream: FeedbackStream, handler: (request: PendingFeedback) => unknown | Promise<unknown>): { stop(): void; done: Promise<void> } {
  const done = (async () => {
    for await (const event of stream) {
      if (!('request' in event)) continue;
      const request = event.request;
      void Promise.resolve(handler(request)).then((answer) => answer !== undefined && stream.answer(request.requestId, answer));
    }
  })();
  return { stop: () => stream.close(), done };
}
