// The gRPC server: the AgentRuntime service, grpc.health.v1.Health and server reflection.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { AgentRuntime } from '../runtime/agent-runtime.js';
import type { ItemStore } from '../store/item-store.js';
import type { Logger } from '../telemetry/logger.js';
import { AgentRuntimeService } from './contract.js';
import { createRuntimeService } from './runtime-service.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const protoDirs = [path.join(root, 'proto'), path.join(root, 'node_modules/grpc-health-check/proto')];

export interface GrpcServerOptions {
  host: string;
  port: number;
  maxMessageBytes: number;
  feedbackHeartbeatMs: number;
}

export interface RunningGrpcServer {
  server: Server;
  port: number;
  health: HealthImplementation;
}

export async function startGrpcServer(runtime: AgentRuntime, items: ItemStore, options: GrpcServerOptions, log: Logger): Promise<RunningGrpcServer> {
  const server = new Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.keepalive_permit_without_calls': 1,
  });
  server.addService(AgentRuntimeService, createRuntimeService(runtime, items, options.feedbackHeartbeatMs, log));

  const health = new HealthImplementation({ '': 'SERVING', 'agentd.v1.AgentRuntime': 'SERVING' });
  health.addToServer(server);

  // Reflection serves the same .proto files the stubs are generated from, so grpcurl needs no local copy.
  const descriptors = loadSync(['agentd/v1/runtime_service.proto', 'health/v1/health.proto'], { includeDirs: protoDirs, keepCase: true });
  new ReflectionService(descriptors).addToServer(server);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { server, port, health };
}
