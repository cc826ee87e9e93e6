// A real OTLP/gRPC trace receiver for tests: implements opentelemetry...TraceService/Export and keeps the spans.
import path from 'node:path';
import { loadPackageDefinition, Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { repoRoot } from './daemon-process.js';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  status: { code: number; message: string };
}

type KeyValue = { key: string; value?: { string_value?: string; bool_value?: boolean; int_value?: string; double_value?: number } };

const attrs = (list: KeyValue[] = []) =>
  Object.fromEntries(list.map(({ key, value }) => [key, value?.string_value ?? value?.bool_value ?? (value?.int_value !== undefined ? Number(value.int_value) : value?.double_value)]));
const hex = (bytes?: Buffer) => (bytes && bytes.length ? bytes.toString('hex') : '');

export async function startOtlpReceiver(): Promise<{ endpoint: string; spans: ReceivedSpan[]; stop(): Promise<void> }> {
  const definition = loadSync(path.join(repoRoot, 'test/fixtures/otlp/trace_service.proto'), { keepCase: true, longs: String, oneofs: true });
  const proto = loadPackageDefinition(definition) as any;
  const spans: ReceivedSpan[] = [];
  const server = new Server();
  server.addService(proto.opentelemetry.proto.collector.trace.v1.TraceService.service, {
    Export(call: ServerUnaryCall<any, any>, callback: sendUnaryData<object>) {
      for (const resource of call.request.resource_spans ?? [])
        for (const scope of resource.scope_spans ?? [])
          for (const s of scope.spans ?? [])
            spans.push({
              traceId: hex(s.trace_id),
              spanId: hex(s.span_id),
              parentSpanId: hex(s.parent_span_id),
              name: s.name,
              kind: s.kind,
              attributes: attrs(s.attributes),
              events: (s.events ?? []).map((e: { name: string; attributes: KeyValue[] }) => ({ name: e.name, attributes: attrs(e.attributes) })),
              status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
            });
      callback(null, {});
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { endpoint: `http://127.0.0.1:${port}`, spans, stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}
