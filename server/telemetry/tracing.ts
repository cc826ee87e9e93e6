// Tracing: the OpenTelemetry Node SDK, configured by the standard OTEL_* variables. Without an exporter
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER) it is not started and the API stays a no-op: nearly free.
import { context, propagation, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Metadata } from '@grpc/grpc-js';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createSpanProcessor, type OtlpSpanProcessor } from './otlp-span-processor.js';
import { RuntimeSpan } from './runtime-span.js';

export const TRACER_NAME = 'agentd';

export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const exporter = env.OTEL_TRACES_EXPORTER;
  if (exporter) return exporter !== 'none';
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

let sdk: NodeSDK | undefined;
/** Where runtime spans go: set when the daemon exports over OTLP with agentd's processor. */
let runtimeSpanSink: OtlpSpanProcessor | undefined;
/** The configured sampler follows the parent's decision (the default, parentbased_always_on, does). */
let parentBasedSampling = true;

/** Starts the SDK if tracing is configured; call before the daemon is built. */
export function startTracing(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!tracingRequested(env) || sdk) return sdk !== undefined;
  env.OTEL_SERVICE_NAME ||= 'agentd';
  env.OTEL_METRICS_EXPORTER ||= 'none'; // metrics have their own Prometheus endpoint (telemetry/metrics.ts)
  env.OTEL_LOGS_EXPORTER ||= 'none';
  // OTLP over gRPC unless told otherwise (Jaeger and collectors listen on 4317).
  env.OTEL_EXPORTER_OTLP_PROTOCOL ||= 'grpc';
  const spanProcessor = createSpanProcessor(env);
  sdk = new NodeSDK(spanProcessor ? { instrumentations: [], spanProcessors: [spanProcessor] } : { instrumentations: [] });
  sdk.start();
  runtimeSpanSink = spanProcessor;
  parentBasedSampling = !env.OTEL_TRACES_SAMPLER || env.OTEL_TRACES_SAMPLER.startsWith('parentbased_');
  cachedTracer = undefined;
  return true;
}

export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
  runtimeSpanSink = undefined;
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

/** A span the SDK made: it carries its resource and scope. */
function isSdkSpan(span: Span): span is Span & ReadableSpan {
  return 'instrumentationScope' in span && 'resource' in span;
}

/**
 * A span of agentd's own work (a run, a worker execution) under the span active in `parent`. Below a sampled span,
 * when spans go out over OTLP, it is a RuntimeSpan (runtime-span.ts, the cheap path). Below a span a parent-based
 * sampler dropped, it is that span: nothing is recorded in that trace, and its context is the one to pass on.
 * Otherwise the SDK's tracer makes it, as it makes the RPC span, deciding with the configured sampler.
 */
export function startRuntimeSpan(name: string, attributes: Attributes, parent: Context = context.active()): Span {
  const parentSpan = sdk && trace.getSpan(parent);
  if (parentSpan) {
    if (parentSpan instanceof RuntimeSpan) return parentSpan.child(name, attributes);
    const sampled = (parentSpan.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
    if (!sampled && parentBasedSampling && !parentSpan.isRecording()) return parentSpan;
    if (sampled && runtimeSpanSink && isSdkSpan(parentSpan)) return RuntimeSpan.childOfSdkSpan(name, attributes, parentSpan, runtimeSpanSink);
  }
  return tracer().startSpan(name, { attributes }, parent);
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
