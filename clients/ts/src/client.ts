// TypeScript client for agentd: invoke, stream, submit/wait/cancel, runs and agents.
import { credentials, Metadata, type CallOptions, type ChannelCredentials, type ClientOptions, type ServiceError } from '@grpc/grpc-js';
import type { AgentInfo } from './generated/agentd/v1/agent.js';
import type { RunEvent } from './generated/agentd/v1/event.js';
import type { Checkpoint, Item, Session } from './generated/agentd/v1/session.js';
import { RunStatus, type Run } from './generated/agentd/v1/run.js';
import {
  AgentRuntimeClient,
  type AnswerFeedbackRequest,
  type AnswerFeedbackResponse,
  type CancelRunRequest,
  type CancelRunResponse,
  type DeleteItemRequest,
  type DeleteItemResponse,
  type DeleteSessionRequest,
  type DeleteSessionResponse,
  type ForkFromCheckpointRequest,
  type ForkFromCheckpointResponse,
  type GetItemRequest,
  type GetItemResponse,
  type GetSessionRequest,
  type GetSessionResponse,
  type GetStateRequest,
  type GetStateResponse,
  type ListCheckpointsRequest,
  type ListCheckpointsResponse,
  type ListSessionsRequest,
  type ListSessionsResponse,
  type PutItemRequest,
  type PutItemResponse,
  type SearchItemsRequest,
  type SearchItemsResponse,
  type GetRunRequest,
  type GetRunResponse,
  type InvokeRequest,
  type InvokeResponse,
  type ListAgentsRequest,
  type ListAgentsResponse,
  type ListRunsRequest,
  type ListRunsResponse,
  type SubmitRequest,
  type SubmitResponse,
  type WaitRunRequest,
  type WaitRunResponse,
} from './generated/agentd/v1/runtime_service.js';
import { AgentdCallError, RunFailedError } from './errors.js';
import { FeedbackStream, runFeedbackHandler, type FeedbackFilter } from './feedback.js';
import type { PendingFeedback } from './generated/agentd/v1/feedback.js';

export interface CallSettings {
  /** Milliseconds before the call's deadline; the daemon cancels the run when it passes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  metadata?: Record<string, string>;
}

export interface RunOptions extends CallSettings {
  sessionId?: string;
  /** Passed to the agent's builder for this session. */
  config?: Record<string, unknown>;
}

export interface SubmitOptions extends RunOptions {
  idempotencyKey?: string;
}

export interface ClientSettings {
  credentials?: ChannelCredentials;
  channelOptions?: ClientOptions;
}

export class AgentdClient {
  readonly raw: AgentRuntimeClient;

  constructor(address = 'localhost:50051', settings: ClientSettings = {}) {
    this.raw = new AgentRuntimeClient(address, settings.credentials ?? credentials.createInsecure(), settings.channelOptions);
  }

  /** Runs `agent` to completion; resolves with the succeeded run, rejects with RunFailedError otherwise. */
  async invoke(agent: string, input: unknown, options: RunOptions = {}): Promise<Run> {
    const { run } = await this.unary('invoke', { agent, sessionId: options.sessionId ?? '', input, config: options.config ?? undefined }, options);
    return succeeded(run!);
  }

  /** Runs `agent` and yields its events; breaking out of the loop cancels the run. */
  async *stream(agent: string, input: unknown, options: RunOptions = {}): AsyncGenerator<RunEvent> {
    const call = this.raw.stream({ agent, sessionId: options.sessionId ?? '', input, config: options.config ?? undefined }, toMetadata(options), toCallOptions(options));
    const onAbort = () => call.cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const message of call) yield message.event;
    } catch (error) {
      throw AgentdCallError.from(error as ServiceError);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      call.cancel();
    }
  }

  /** Starts a background run and returns it at once (status queued or running). */
  async submit(agent: string, input: unknown, options: SubmitOptions = {}): Promise<Run> {
    const request = { agent, sessionId: options.sessionId ?? '', input, config: options.config ?? undefined, idempotencyKey: options.idempotencyKey ?? '' };
    return (await this.unary('submit', request, options)).run!;
  }

  /** Waits for a run to finish (or `waitMs` to pass) and returns it as it is then. */
  async wait(runId: string, waitMs = 0, options: CallSettings = {}): Promise<Run> {
    return (await this.unary('waitRun', { runId, timeoutMs: waitMs }, options)).run!;
  }

  async getRun(runId: string, options: CallSettings = {}): Promise<Run> {
    return (await this.unary('getRun', { runId }, options)).run!;
  }

  async cancel(runId: string, reason = '', options: CallSettings = {}): Promise<Run> {
    return (await this.unary('cancelRun', { runId, reason }, options)).run!;
  }

  async listRuns(
    filter: { sessionId?: string; agent?: string; status?: RunStatus; pageSize?: number; pageToken?: string } = {},
    options: CallSettings = {},
  ): Promise<{ runs: Run[]; nextPageToken: string }> {
    const request = {
      sessionId: filter.sessionId ?? '',
      agent: filter.agent ?? '',
      status: filter.status ?? RunStatus.RUN_STATUS_UNSPECIFIED,
      pageSize: filter.pageSize ?? 0,
      pageToken: filter.pageToken ?? '',
    };
    return this.unary('listRuns', request, options);
  }

  async listAgents(options: CallSettings = {}): Promise<AgentInfo[]> {
    return (await this.unary('listAgents', {}, options)).agents;
  }

  // Sessions

  async getSession(sessionId: string, options: CallSettings = {}): Promise<Session> {
    return (await this.unary('getSession', { sessionId }, options)).session!;
  }

  async listSessions(page: { pageSize?: number; pageToken?: string } = {}, options: CallSettings = {}): Promise<{ sessions: Session[]; nextPageToken: string }> {
    return this.unary('listSessions', { pageSize: page.pageSize ?? 0, pageToken: page.pageToken ?? '' }, options);
  }

  /** Deletes the session with its runs and checkpoints; resolves with how many live runs were cancelled. */
  async deleteSession(sessionId: string, options: CallSettings = {}): Promise<number> {
    return (await this.unary('deleteSession', { sessionId }, options)).cancelledRuns;
  }

  // Checkpoints: history and time travel

  /** The session's latest checkpoint, or the one named. */
  async getState(at: { sessionId?: string; checkpointId?: string }, options: CallSettings = {}): Promise<Checkpoint> {
    return (await this.unary('getState', { sessionId: at.sessionId ?? '', checkpointId: at.checkpointId ?? '' }, options)).checkpoint!;
  }

  async listCheckpoints(
    of: { sessionId?: string; runId?: string; pageSize?: number; pageToken?: string },
    options: CallSettings = {},
  ): Promise<{ checkpoints: Checkpoint[]; nextPageToken: string }> {
    const request = { sessionId: of.sessionId ?? '', runId: of.runId ?? '', pageSize: of.pageSize ?? 0, pageToken: of.pageToken ?? '' };
    return this.unary('listCheckpoints', request, options);
  }

  /** Starts a run resuming from `checkpointId`, with `statePatch` merged into the state there. */
  async fork(checkpointId: string, fork: { statePatch?: Record<string, unknown>; sessionId?: string } = {}, options: CallSettings = {}): Promise<Run> {
    const request = { checkpointId, statePatch: fork.statePatch ?? undefined, sessionId: fork.sessionId ?? '' };
    return (await this.unary('forkFromCheckpoint', request, options)).run!;
  }

  // Store: namespaced JSON items shared across sessions

  async putItem(namespace: string[], key: string, value: unknown, options: CallSettings = {}): Promise<Item> {
    return (await this.unary('putItem', { namespace, key, value: value ?? null }, options)).item!;
  }

  async getItem(namespace: string[], key: string, options: CallSettings = {}): Promise<Item> {
    return (await this.unary('getItem', { namespace, key }, options)).item!;
  }

  async searchItems(
    namespacePrefix: string[],
    search: { filter?: Record<string, unknown>; pageSize?: number; pageToken?: string } = {},
    options: CallSettings = {},
  ): Promise<{ items: Item[]; nextPageToken: string }> {
    const request = { namespacePrefix, filter: search.filter ?? undefined, pageSize: search.pageSize ?? 0, pageToken: search.pageToken ?? '' };
    return this.unary('searchItems', request, options);
  }

  async deleteItem(namespace: string[], key: string, options: CallSettings = {}): Promise<void> {
    await this.unary('deleteItem', { namespace, key }, options);
  }

  // Human in the loop

  /** Opens a Feedback stream: pending and new requests matching `filter` arrive on it; answer on it. */
  openFeedback(filter: FeedbackFilter = {}, options: CallSettings = {}): FeedbackStream {
    return new FeedbackStream(this.raw.feedback(toMetadata(options), toCallOptions(options)), filter);
  }

  /** Keeps a Feedback stream open and answers each request with `handler`'s result. */
  handleFeedback(handler: (request: PendingFeedback) => unknown | Promise<unknown>, filter: FeedbackFilter = {}) {
    return runFeedbackHandler(this.openFeedback(filter), handler);
  }

  /** Answers one request; rejects with NOT_FOUND, or FAILED_PRECONDITION when another answer won. */
  async answerFeedback(requestId: string, data: unknown, answeredBy = '', options: CallSettings = {}): Promise<void> {
    await this.unary('answerFeedback', { requestId, data: data ?? null, answeredBy }, options);
  }

  close(): void {
    this.raw.close();
  }

  private unary<M extends UnaryMethod>(method: M, request: RequestOf<M>, options: CallSettings): Promise<ResponseOf<M>> {
    return new Promise((resolve, reject) => {
      const fn = this.raw[method] as unknown as (
        req: RequestOf<M>,
        md: Metadata,
        opts: Partial<CallOptions>,
        cb: (e: ServiceError | null, r: ResponseOf<M>) => void,
      ) => { cancel(): void };
      const call = fn.call(this.raw, request, toMetadata(options), toCallOptions(options), (error, response) =>
        error ? reject(AgentdCallError.from(error)) : resolve(response),
      );
      options.signal?.addEventListener('abort', () => call.cancel(), { once: true });
    });
  }
}

interface UnaryMethods {
  invoke: [InvokeRequest, InvokeResponse];
  submit: [SubmitRequest, SubmitResponse];
  getRun: [GetRunRequest, GetRunResponse];
  waitRun: [WaitRunRequest, WaitRunResponse];
  cancelRun: [CancelRunRequest, CancelRunResponse];
  listRuns: [ListRunsRequest, ListRunsResponse];
  listAgents: [ListAgentsRequest, ListAgentsResponse];
  getSession: [GetSessionRequest, GetSessionResponse];
  listSessions: [ListSessionsRequest, ListSessionsResponse];
  deleteSession: [DeleteSessionRequest, DeleteSessionResponse];
  getState: [GetStateRequest, GetStateResponse];
  listCheckpoints: [ListCheckpointsRequest, ListCheckpointsResponse];
  forkFromCheckpoint: [ForkFromCheckpointRequest, ForkFromCheckpointResponse];
  putItem: [PutItemRequest, PutItemResponse];
  getItem: [GetItemRequest, GetItemResponse];
  searchItems: [SearchItemsRequest, SearchItemsResponse];
  deleteItem: [DeleteItemRequest, DeleteItemResponse];
  answerFeedback: [AnswerFeedbackRequest, AnswerFeedbackResponse];
}
type UnaryMethod = keyof UnaryMethods;
type RequestOf<M extends UnaryMethod> = UnaryMethods[M][0];
type ResponseOf<M extends UnaryMethod> = UnaryMethods[M][1];

function succeeded(run: Run): Run {
  if (run.status !== RunStatus.RUN_STATUS_SUCCEEDED) throw new RunFailedError(run);
  return run;
}

function toMetadata(settings: CallSettings): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(settings.metadata ?? {})) metadata.set(key, value);
  return metadata;
}

function toCallOptions(settings: CallSettings): Partial<CallOptions> {
  return settings.timeoutMs ? { deadline: new Date(Date.now() + settings.timeoutMs) } : {};
}
