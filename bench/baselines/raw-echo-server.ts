// The physical limit of this stack: a bare grpc-js server answering agentd.v1.AgentRuntime/Invoke by echoing
// the input, with the same generated code and message sizes as agentd. Prints its port, then serves.
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { AgentRuntimeService, RunStatus, type InvokeRequest, type InvokeResponse } from '../../server/api/contract.js';

const server = new Server();
server.addService(AgentRuntimeService, {
  invoke(call: ServerUnaryCall<InvokeRequest, InvokeResponse>, callback: sendUnaryData<InvokeResponse>) {
    const now = new Date().toISOString();
    callback(null, {
      run: {
        id: '00000000-0000-4000-8000-000000000000',
        agent: call.request.agent,
        sessionId: call.request.sessionId || 'raw',
        status: RunStatus.RUN_STATUS_SUCCEEDED,
        input: call.request.input,
        output: call.request.input,
        error: undefined,
        createdAt: now,
        finishedAt: now,
        idempotencyKey: '',
        supersteps: 1,
        forkedFromCheckpointId: '',
      },
    });
  },
} as never);
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(`raw echo listening on 127.0.0.1:${port}`);
});
