// Tracing: the OpenTelemetry Node SDK, configured by the standard OTEL_* variables. Without an exporter
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER) it is not started and the API stays a no-op: nearly free.
import { context, propagation, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Span, type SpanContext, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Metadata } from '@grpc/grpc-js';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createSpanProcessor, type OtlpSpanProcessor } from './otlp-span-processor.js';
import { randomSpanId, randomTraceId, RuntimeSpan, runtimeTracerOf, type RuntimeTracer } from './runtime-span.js';

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
/** Whether to sample a new span under `parent` (if any): the configured sampler, when it decides by a fixed rule. */
type RuleSampler = (parent: SpanContext | undefined) => boolean;
let sampleByRule: RuleSampler | undefined;
/** The SDK tracer's resource and scope, which agentd's own RPC spans carry when it records them itself. */
let runtimeTracer: RuntimeTracer | undefined;

const isSampled = (span: SpanContext): boolean => (span.traceFlags & TraceFlags.SAMPLED) !== 0;

/**
 * The rule of an OTEL_TRACES_SAMPLER that needs no state or randomness of the SDK's (the default included);
 * undefined for the others (ratio-based, jaeger_remote, ...), which the SDK's tracer applies itself.
 */
function ruleSampler(name: string | undefined): RuleSampler | undefined {
  switch (name || 'parentbased_always_on') {
    case 'parentbased_always_on':
      return (parent) => (parent ? isSampled(parent) : true);
    case 'parentbased_always_off':
      return (parent) => (parent ? isSampled(parent) : false);
    case 'always_on':
      return () => true;
    case 'always_off':
      return () => false;
    default:
      return undefined;
  }
}

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
  sampleByRule = ruleSampler(env.OTEL_TRACES_SAMPLER);
  const provider = trace.getTracerProvider() as TracerProvider & { getDelegate?(): TracerProvider };
  runtimeTracer = runtimeTracerOf((provider.getDelegate?.() ?? provider).getTracer(TRACER_NAME));
  cachedTracer = undefined;
  return true;
}

export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
  runtimeSpanSink = undefined;
  runtimeTracer = undefined;
}

let cachedTracer: Tracer | undefined;

/** The daemon's tracer (a no-op one when tracing is off). Taken once: the provider is fixed at start-up. */
export function tracer(): Tracer {
  return (cachedTracer ??= trace.getTracer(TRACER_NAME));
}

/** The key the OpenTelemetry API keeps the active span under (its createContextKey is Symbol.for of the name). */
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');

/**
 * A context that adds one value to its parent's. The API's own contexts copy their parent's Map and make three
 * closures each time a value is set; a traced run sets its span six times (the RPC, the run, each worker).
 */
class ValueContext implements Context {
  constructor(
    private readonly parent: Context,
    private readonly key: symbol,
    private readonly value: unknown,
  ) {}

  getValue(key: symbol): unknown {
    return key === this.key ? this.value : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new ValueContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new ValueContext(this, key, undefined);
  }
}

/** `parent` with `span` active in it: what trace.setSpan returns, made more cheaply. */
export function withSpan(parent: Context, span: Span): Context {
  return new ValueContext(parent, SPAN_KEY, span);
}

const metadataGetter = {
  keys: (carrier: Metadata) => Object.keys(carrier.getMap()),
  get: (carrier: Metadata, key: string) => {
    const values = carrier.get(key);
    return values.length ? String(values[0]) : undefined;
  },
};

/**
 * A SERVER span for one RPC, continuing the caller's trace from its `traceparent` metadata. When spans go out over
 * OTLP and the sampler decides by rule (the default does), agentd decides as that sampler would and records a
 * RuntimeSpan; the SDK's tracer makes it otherwise. Either way the exported bytes are the same.
 */
export function startRpcSpan(method: string, metadata: Metadata): { span: Span; context: Context } {
  const parent = propagation.extract(context.active(), metadata, metadataGetter);
  const name = `agentd.v1.AgentRuntime/${method}`;
  const attributes = { 'rpc.system': 'grpc', 'rpc.service': 'agentd.v1.AgentRuntime', 'rpc.method': method };
  const span =
    sampleByRule && runtimeTracer && runtimeSpanSink && !isTracingSuppressed(parent)
      ? startRuntimeRootSpan(name, attributes, parent, sampleByRule, runtimeTracer, runtimeSpanSink)
      : tracer().startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: withSpan(parent, span) };
}

/** What the SDK's tracer makes for a SERVER span under a rule sampler: a RuntimeSpan if sampled, else ids only. */
function startRuntimeRootSpan(name: string, attributes: Attributes, parent: Context, sample: RuleSampler, tracer: RuntimeTracer, sink: OtlpSpanProcessor): Span {
  const parentSpan = trace.getSpanContext(parent);
  const caller = parentSpan && trace.isSpanContextValid(parentSpan) ? parentSpan : undefined;
  if (sample(caller)) return RuntimeSpan.root(name, SpanKind.SERVER, attributes, caller, tracer, sink);
  return trace.wrapSpanContext({ traceId: caller?.traceId ?? randomTraceId(), spanId: randomSpanId(), traceFlags: TraceFlags.NONE, traceState: caller?.traceState });
}

/** A span the SDK made: it carries its resource and scope. */
function isSdkSpan(span: Span): span is Span & ReadableSpan {
  return 'instrumentationScope' in span && 'resource' in span;
}

/**
 * A span of agentd's own work (a run, a worker execution) under the span active in `parent`. Below a sampled span,
 * when spans go out over OTLP, it is a RuntimeSpan (runtime-span.ts, the cheap path). Below an unsampled span whose
 * children the sampler drops too (parent-based samplers, always_off), it is that span: nothing is recorded in that
 * trace, and its context is the one to pass on.
 * Otherwise the SDK's tracer makes it, as it makes the RPC span, deciding with the configured sampler.
 */
export function startRuntimeSpan(name: string, attributes: Attributes, parent: Context = context.active()): Span {
  const parentSpan = sdk && trace.getSpan(parent);
  if (parentSpan) {
    if (parentSpan instanceof RuntimeSpan) return parentSpan.child(name, attributes);
    const parentContext = parentSpan.spanContext();
    const sampled = isSampled(parentContext);
    if (!sampled && !parentSpan.isRecording() && (sampleByRule ? !sampleByRule(parentContext) : parentBasedSampling)) return parentSpan;
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
