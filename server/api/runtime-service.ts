// gRPC handlers for agentd.v1.AgentRuntime: validate, call the runtime, map errors.
import type { sendUnaryData, ServerUnaryCall, ServerWritableStream, ServiceError } from '@grpc/grpc-js';
import type { AgentRuntime } from '../runtime/agent-runtime.js';
import type { Logger } from '../telemetry/logger.js';
import { cancelRunWithCall, deadlineMs } from './call-lifetime.js';
import type { AgentRuntimeServer, StreamRequest, StreamResponse } from './contract.js';
import { parsePageSize, parseRunId, parseRunRequest, parseSessionFilter } from './request-validation.js';
import { toServiceError } from './status-mapping.js';

type UnaryHandler<Req, Res> = (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res> | Res;

export function createRuntimeService(runtime: AgentRuntime, log: Logger): AgentRuntimeServer {
  function unary<Req, Res>(handler: UnaryHandler<Req, Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      Promise.resolve()
        .then(() => handler(call.request, call))
        .then(
          (response) => callback(null, response),
          (error) => callback(toServiceError(error, log) as ServiceError),
        );
    };
  }

  return {
    invoke: unary(async (request, call) => {
      const run = await runtime.startRun(parseRunRequest(request));
      cancelRunWithCall(call, run);
      await run.done;
      return { run: run.toMessage() };
    }),

    stream: (call: ServerWritableStream<StreamRequest, StreamResponse>) => {
      Promise.resolve()
        .then(() => runtime.startRun(parseRunRequest(call.request)))
        .then(
          (run) => {
            cancelRunWithCall(call, run);
            run.events.subscribe((event) => {
              if (call.cancelled) return;
              call.write({ event });
              if (event.runFinished) call.end();
            });
          },
          (error) => call.emit('error', toServiceError(error, log)),
        );
    },

    submit: unary(async (request) => {
      const run = await runtime.startRun(parseRunRequest(request));
      return { run: run.toMessage() };
    }),

    getRun: unary((request) => ({ run: runtime.getRun(parseRunId(request.runId)).toMessage() })),

    waitRun: unary(async (request, call) => {
      const runId = parseRunId(request.runId);
      // Answer just before the caller's deadline with the run as it is, rather than letting the call fail.
      const untilDeadline = deadlineMs(call) - Date.now() - 50;
      const timeout = Math.min(request.timeoutMs || Infinity, untilDeadline);
      const cancelled = new AbortController();
      call.on('cancelled', () => cancelled.abort());
      const run = await runtime.waitRun(runId, Number.isFinite(timeout) ? Math.max(1, timeout) : 0, cancelled.signal);
      return { run: run.toMessage() };
    }),

    cancelRun: unary((request) => ({ run: runtime.cancelRun(parseRunId(request.runId), request.reason).toMessage() })),

    listRuns: unary((request) => {
      const { runs, nextPageToken } = runtime.listRuns(
        { sessionId: parseSessionFilter(request.sessionId), agent: request.agent || undefined, status: request.status || undefined },
        parsePageSize(request.pageSize),
        request.pageToken,
      );
      return { runs: runs.map((r) => r.toMessage()), nextPageToken };
    }),

    listAgents: unary(async () => ({ agents: await runtime.listAgents() })),
  };
}
