// The physical limit of this stack: a bare grpc-js server answering agentd.v1.AgentRuntime/Invoke by echoing
// the input, with the same generated code and message sizes as agentd. Prints its port, then serves.
// For agent 'bench-io' it first awaits three 50 ms timers in sequence, like io-fanout's agent.
import { setTimeout as sleep } from 'node:timers/promises';
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { AgentRuntimeService, RunStatus, type InvokeRequest, type InvokeResponse } from '../../server/api/contract.js';

const server = new Server();
server.addService(AgentRuntimeService, {
  async invoke(call: ServerUnaryCall<InvokeRequest, InvokeResponse>, callback: sendUnaryData<InvokeResponse>) {
    if (call.request.agent === 'bench-io') for (let i = 0; i < 3; i++) await sleep(50);
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
