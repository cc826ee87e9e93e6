// gRPC handlers for agentd.v1.AgentRuntime: validate, call the runtime, map errors.
import type { sendUnaryData, ServerUnaryCall, ServerWritableStream, ServiceError } from '@grpc/grpc-js';
import type { AgentRuntime } from '../runtime/agent-runtime.js';
import type { Run } from '../runtime/run.js';
import type { Logger } from '../telemetry/logger.js';
import { cancelRunWithCall, deadlineMs } from './call-lifetime.js';
import type { AgentRuntimeServer, InvokeResponse, StreamRequest, StreamResponse } from './contract.js';
import {
  parseCheckpointId,
  parseItemKey,
  parseNamespace,
  parsePageSize,
  parseRunId,
  parseRunRequest,
  parseSessionFilter,
  parseSessionId,
} from './request-validation.js';
import { InvalidInputError } from '../errors.js';
import { context } from '@opentelemetry/api';
import { endSpanWithError, startRpcSpan } from '../telemetry/tracing.js';
import type { ItemStore } from '../store/item-store.js';
import { toServiceError } from './status-mapping.js';
import { createFeedbackHandlers } from './feedback-service.js';

/** An answer a handler gives later by calling back: no promise, where a call's answer waits on a run's end. */
type Later<Res> = (answer: (response: Res) => void, fail: (error: unknown) => void) => void;
type UnaryHandler<Req, Res> = (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res> | Later<Res> | Res;

export function createRuntimeService(runtime: AgentRuntime, items: ItemStore, feedbackHeartbeatMs: number, log: Logger): AgentRuntimeServer {
  // Every call runs inside its RPC span, which continues the caller's trace (traceparent metadata).
  function unary<Req, Res>(method: string, handler: UnaryHandler<Req, Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      const { span, context: rpcContext } = startRpcSpan(method, call.metadata);
      const answer = (response: Res) => {
        span.end();
        callback(null, response);
      };
      const fail = (error: unknown) => {
        const serviceError = toServiceError(error, log);
        span.setAttribute('rpc.grpc.status_code', serviceError.code ?? 2);
        endSpanWithError(span, error);
        callback(serviceError as ServiceError);
      };
      context.with(rpcContext, () => {
        let response: Res | Promise<Res> | Later<Res>;
        try {
          response = handler(call.request, call);
          if (typeof response === 'function') return (response as Later<Res>)(answer, fail);
        } catch (error) {
          return fail(error);
        }
        if (response instanceof Promise) response.then(answer, fail);
        else answer(response);
      });
    };
  }

  return {
    invoke: unary('Invoke', (request, call): Later<InvokeResponse> => {
      const started = runtime.startRun(parseRunRequest(request));
      const finished = (run: Run, answer: (response: InvokeResponse) => void) => {
        cancelRunWithCall(call, run);
        run.onFinished(() => answer({ run: run.toMessage() }));
      };
      return (answer, fail) => (started instanceof Promise ? void started.then((run) => finished(run, answer), fail) : finished(started, answer));
    }),

    stream: (call: ServerWritableStream<StreamRequest, StreamResponse>) => {
      const { span, context: rpcContext } = startRpcSpan('Stream', call.metadata);
      runtime.metrics.openStreams++;
      call.once('close', () => runtime.metrics.openStreams--);
      context.with(rpcContext, () =>
        Promise.resolve()
          .then(() => runtime.startRun(parseRunRequest(call.request)))
          .then(
            (run) => {
              cancelRunWithCall(call, run);
              run.events.subscribe((event) => {
                if (call.cancelled) return;
                call.write({ event });
                if (event.runFinished) {
                  span.end();
                  call.end();
                }
              });
            },
            (error) => {
              endSpanWithError(span, error);
              call.emit('error', toServiceError(error, log));
            },
          ),
      );
    },

    submit: unary('Submit', async (request) => ({ run: await runtime.submit(parseRunRequest(request)) })),

    getRun: unary('GetRun', async (request) => ({ run: await runtime.getRun(parseRunId(request.runId)) })),

    waitRun: unary('WaitRun', async (request, call) => {
      const runId = parseRunId(request.runId);
      // Answer just before the caller's deadline with the run as it is, rather than letting the call fail.
      const untilDeadline = deadlineMs(call) - Date.now() - 50;
      const timeout = Math.min(request.timeoutMs || Infinity, untilDeadline);
      const cancelled = new AbortController();
      call.on('cancelled', () => cancelled.abort());
      return { run: await runtime.waitRun(runId, Number.isFinite(timeout) ? Math.max(1, timeout) : 0, cancelled.signal) };
    }),

    cancelRun: unary('CancelRun', async (request) => ({ run: await runtime.cancelRun(parseRunId(request.runId), request.reason) })),

    listRuns: unary('ListRuns', (request) =>
      runtime.listRuns(
        { sessionId: parseSessionFilter(request.sessionId), agent: request.agent || undefined, status: request.status || undefined },
        parsePageSize(request.pageSize),
        request.pageToken,
      ),
    ),

    listAgents: unary('ListAgents', async () => ({ agents: await runtime.listAgents() })),

    ...createFeedbackHandlers(runtime.feedback, feedbackHeartbeatMs, log, runtime.metrics),

    getSession: unary('GetSession', async (request) => ({ session: await runtime.getSession(parseSessionId(request.sessionId)) })),

    listSessions: unary('ListSessions', (request) => runtime.listSessions(parsePageSize(request.pageSize), request.pageToken)),

    deleteSession: unary('DeleteSession', async (request) => ({ cancelledRuns: await runtime.deleteSession(parseSessionId(request.sessionId)) })),

    getState: unary('GetState', async (request) => {
      const checkpointId = parseCheckpointId(request.checkpointId, false);
      const sessionId = request.sessionId ? parseSessionId(request.sessionId) : undefined;
      if (!sessionId && !checkpointId) throw new InvalidInputError('give session_id (for its latest state) or checkpoint_id');
      return { checkpoint: await runtime.getState(sessionId, checkpointId) };
    }),

    listCheckpoints: unary('ListCheckpoints', (request) => {
      if (!request.sessionId === !request.runId) throw new InvalidInputError('give exactly one of session_id or run_id');
      const filter = request.sessionId ? { sessionId: parseSessionId(request.sessionId) } : { runId: parseRunId(request.runId) };
      return runtime.listCheckpoints(filter, parsePageSize(request.pageSize), request.pageToken);
    }),

    forkFromCheckpoint: unary('ForkFromCheckpoint', async (request) => {
      const sessionId = request.sessionId ? parseSessionId(request.sessionId) : undefined;
      const run = await runtime.fork(parseCheckpointId(request.checkpointId, true)!, request.statePatch, sessionId);
      return { run: run.toMessage() };
    }),

    putItem: unary('PutItem', async (request) => {
      if (request.value === undefined) throw new InvalidInputError('value is required (any JSON value; null is allowed)');
      return { item: await items.put(parseNamespace(request.namespace, 'namespace'), parseItemKey(request.key), request.value) };
    }),

    getItem: unary('GetItem', async (request) => ({ item: await items.get(parseNamespace(request.namespace, 'namespace'), parseItemKey(request.key)) })),

    searchItems: unary('SearchItems', (request) =>
      items.search({
        namespacePrefix: parseNamespace(request.namespacePrefix, 'namespace_prefix', true),
        filter: request.filter,
        pageSize: parsePageSize(request.pageSize),
        pageToken: request.pageToken,
      }),
    ),

    deleteItem: unary('DeleteItem', async (request) => {
      await items.delete(parseNamespace(request.namespace, 'namespace'), parseItemKey(request.key));
      return {};
    }),
  };
}
