// gRPC handlers for human-in-the-loop: the bidirectional Feedback stream and the unary AnswerFeedback.
import { status, type sendUnaryData, type ServerDuplexStream, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { InvalidInputError } from '../errors.js';
import type { FeedbackBroker } from '../runtime/feedback-broker.js';
import type { Logger } from '../telemetry/logger.js';
import type { AnswerFeedbackRequest, AnswerFeedbackResponse, FeedbackRequest, FeedbackResponse, FeedbackSubscription } from './contract.js';
import { parseRunId, parseSessionId } from './request-validation.js';
import { toServiceError } from './status-mapping.js';

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function parseAnswer(requestId: string, data: unknown): void {
  if (!requestId) throw new InvalidInputError('request_id is required: take it from the feedback request you are answering');
  if (!REQUEST_ID.test(requestId)) throw new InvalidInputError(`request_id '${requestId.slice(0, 60)}' is not a feedback request id (a UUID)`);
  if (data === undefined) throw new InvalidInputError('data is required: the answer, any JSON value');
}

function parseSubscription(subscription: FeedbackSubscription) {
  return {
    sessionIds: subscription.sessionIds.map(parseSessionId),
    runIds: subscription.runIds.map(parseRunId),
    agents: subscription.agents.filter(Boolean),
  };
}

export function createFeedbackHandlers(broker: FeedbackBroker, heartbeatMs: number, log: Logger, streams: { openStreams: number }) {
  return {
    feedback(call: ServerDuplexStream<FeedbackRequest, FeedbackResponse>) {
      let unsubscribe: (() => void) | undefined;
      streams.openStreams++;
      let answeredBy = call.getPeer();
      let open = true;
      let lastWrite = Date.now();
      const write = (message: FeedbackResponse) => {
        if (!open || call.cancelled) return;
        lastWrite = Date.now();
        call.write(message);
      };
      const heartbeat = setInterval(() => Date.now() - lastWrite >= heartbeatMs && write({ heartbeat: {} }), Math.max(50, heartbeatMs / 2));
      const close = () => {
        if (!open) return;
        open = false;
        streams.openStreams--;
        clearInterval(heartbeat);
        unsubscribe?.();
      };
      const fail = (error: unknown) => {
        const serviceError = toServiceError(error, log);
        close();
        call.emit('error', serviceError);
      };

      call.on('data', (message: FeedbackRequest) => {
        if (message.subscribe) {
          let filter;
          try {
            filter = parseSubscription(message.subscribe);
          } catch (error) {
            return fail(error);
          }
          answeredBy = message.subscribe.clientName || call.getPeer();
          unsubscribe?.();
          void broker.subscribe({ filter, send: write }).then(
            (off) => (open ? (unsubscribe = off) : off()),
            fail,
          );
          return;
        }
        if (message.answer) {
          const { requestId, data } = message.answer;
          Promise.resolve()
            .then(() => parseAnswer(requestId, data))
            .then(() => broker.answer(requestId, data, answeredBy))
            .then(
              () => write({ answerResult: { requestId, accepted: true, code: status.OK, message: '' } }),
              (error) => {
                const { code, details } = toServiceError(error, log);
                write({ answerResult: { requestId, accepted: false, code: code ?? status.UNKNOWN, message: details ?? '' } });
              },
            );
          return;
        }
        fail(new InvalidInputError('each Feedback message must carry subscribe or answer'));
      });
      call.on('end', () => {
        close();
        call.end();
      });
      call.on('cancelled', close);
      call.on('error', close);
    },

    answerFeedback(call: ServerUnaryCall<AnswerFeedbackRequest, AnswerFeedbackResponse>, callback: sendUnaryData<AnswerFeedbackResponse>) {
      const { requestId, data, answeredBy } = call.request;
      Promise.resolve()
        .then(() => parseAnswer(requestId, data))
        .then(() => broker.answer(requestId, data, answeredBy || call.getPeer()))
        .then(
          () => callback(null, {}),
          (error) => callback(toServiceError(error, log) as ServiceError),
        );
    },
  };
}
