// Tracing: the OpenTelemetry Node SDK, configured by the standard OTEL_* variables. Without an exporter
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER) it is not started and the API stays a no-op: nearly free.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { Metadata } from '@grpc/grpc-js';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createSpanExporter } from './span-exporter.js';

export const TRACER_NAME = 'agentd';

export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const exporter = env.OTEL_TRACES_EXPORTER;
  if (exporter) return exporter !== 'none';
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

let sdk: NodeSDK | undefined;

/** Starts the SDK if tracing is configured; call before the daemon is built. */
export function startTracing(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!tracingRequested(env) || sdk) return sdk !== undefined;
  env.OTEL_SERVICE_NAME ||= 'agentd';
  env.OTEL_METRICS_EXPORTER ||= 'none'; // metrics have their own Prometheus endpoint (telemetry/metrics.ts)
  env.OTEL_LOGS_EXPORTER ||= 'none';
  // OTLP over gRPC unless told otherwise (Jaeger and collectors listen on 4317).
  env.OTEL_EXPORTER_OTLP_PROTOCOL ||= 'grpc';
  const traceExporter = createSpanExporter(env);
  sdk = new NodeSDK(traceExporter ? { instrumentations: [], traceExporter } : { instrumentations: [] });
  sdk.start();
  cachedTracer = undefined;
  return true;
}

export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}

let cachedTracer: Tracer | undefined;

/** The daemon's tracer (a no-op one when tracing is off). Taken once: the provider is fixed at start-up. */
export function tracer(): Tracer {
  return (cachedTracer ??= trace.getTracer(TRACER_NAME));
}

const metadataGetter = {
  keys: (carrier: Metadata) => Object.keys(carrier.getMap()),
  get: (carrier: Metadata, key: string) => {
    const values = carrier.get(key);
    return values.length ? String(values[0]) : undefined;
  },
};

/** A SERVER span for one RPC, continuing the caller's trace from its `traceparent` metadata. */
export function startRpcSpan(method: string, metadata: Metadata): { span: Span; context: Context } {
  const parent = propagation.extract(context.active(), metadata, metadataGetter);
  const span = tracer().startSpan(
    `agentd.v1.AgentRuntime/${method}`,
    { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': 'agentd.v1.AgentRuntime', 'rpc.method': method } },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

export function endSpanWithError(span: Span, error: unknown, code = 'error'): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
  span.setAttribute('error.type', code);
  span.end();
}

/** The W3C traceparent of a span, to hand its context to a thread or process worker. */
export function traceparentOf(ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}
