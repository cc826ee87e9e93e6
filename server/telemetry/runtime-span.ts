// The spans agentd records about its own work: the RPC, the run and each worker execution. They are OpenTelemetry
// API spans (a user's span inside a worker becomes their child, as with any span), but not SDK span objects: a
// handful of fields, ids kept as numbers, and written straight into the OTLP export batch when they end. A call
// makes six of them, so this is where tracing's cost per run is decided.
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type AttributeValue, type Exception, type Link, type Span, type SpanContext, type SpanStatus, type TimeInput, type TraceState } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** What receives a runtime span when it ends: the export batch (otlp-span-processor.ts). */
export interface RuntimeSpanSink {
  onRuntimeSpanEnd(span: RuntimeSpan): void;
}

export interface RuntimeSpanEvent {
  name: string;
  /** Milliseconds since the epoch, with a fraction. */
  time: number;
  attributes: Attributes;
}

/** The trace a span belongs to and where it hangs in it; shared by a parent and the children it starts. */
interface Lineage {
  traceId: string;
  traceState: TraceState | undefined;
  resource: ReadableSpan['resource'];
  scope: ReadableSpan['instrumentationScope'];
  sink: RuntimeSpanSink;
}

/** Random 32-bit words for ids, drawn from the system's generator a few thousand at a time (12 are used per run). */
const randomWords = new Uint32Array(4096);
let nextWord = randomWords.length;
function randomId32(): number {
  if (nextWord === randomWords.length) {
    crypto.getRandomValues(randomWords);
    nextWord = 0;
  }
  return randomWords[nextWord++];
}
const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** A new trace id: 32 hex digits, not all zero. */
export function randomTraceId(): string {
  return hex8(randomId32()) + hex8(randomId32()) + hex8(randomId32()) + hex8(randomId32() || 1);
}

/** A new span id: 16 hex digits, not all zero. */
export function randomSpanId(): string {
  return hex8(randomId32()) + hex8(randomId32() || 1);
}

/** The resource and instrumentation scope the SDK's tracer gives its spans, for runtime spans to carry too. */
export interface RuntimeTracer {
  resource: ReadableSpan['resource'];
  scope: ReadableSpan['instrumentationScope'];
}

/**
 * The resource and scope of an SDK tracer (sdk-trace's Tracer holds them as `_resource` and `instrumentationScope`);
 * undefined for any other tracer, and agentd then leaves its spans to that tracer.
 */
export function runtimeTracerOf(tracer: unknown): RuntimeTracer | undefined {
  const sdkTracer = tracer as { _resource?: RuntimeTracer['resource']; instrumentationScope?: RuntimeTracer['scope'] };
  return sdkTracer._resource && sdkTracer.instrumentationScope ? { resource: sdkTracer._resource, scope: sdkTracer.instrumentationScope } : undefined;
}

export class RuntimeSpan implements Span {
  readonly attributes: Attributes;
  events: RuntimeSpanEvent[] | undefined;
  /** Links a user adds to the span (agentd adds none). */
  links: Link[] | undefined;
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  /** Start and end in milliseconds since the epoch: anchored on Date.now() at start, timed by performance.now(). */
  readonly startTime = Date.now();
  endTime = 0;
  private readonly startedAt = performance.now();
  readonly spanIdHigh = randomId32();
  readonly spanIdLow = randomId32() || 1;
  private context: SpanContext | undefined;
  kind: SpanKind = SpanKind.INTERNAL;
  /** The parent is a span of another process (the caller's, from its traceparent). */
  parentIsRemote = false;

  constructor(
    public name: string,
    attributes: Attributes,
    readonly parentIdHigh: number,
    readonly parentIdLow: number,
    readonly lineage: Lineage,
  ) {
    this.attributes = attributes;
  }

  /**
   * A span that starts agentd's part of a trace (the RPC span): under `parent`, the caller's span, or a new trace
   * when there is none. The caller has made the sampling decision: this span is sampled.
   */
  static root(name: string, kind: SpanKind, attributes: Attributes, parent: SpanContext | undefined, tracer: RuntimeTracer, sink: RuntimeSpanSink): RuntimeSpan {
    const lineage = { traceId: parent?.traceId ?? randomTraceId(), traceState: parent?.traceState, resource: tracer.resource, scope: tracer.scope, sink };
    const span = parent
      ? new RuntimeSpan(name, attributes, parseInt(parent.spanId.slice(0, 8), 16), parseInt(parent.spanId.slice(8, 16), 16), lineage)
      : new RuntimeSpan(name, attributes, 0, 0, lineage);
    span.kind = kind;
    span.parentIsRemote = parent?.isRemote === true;
    return span;
  }

  /** A child of an SDK span that is recording (the RPC span), sending to `sink`. */
  static childOfSdkSpan(name: string, attributes: Attributes, parent: ReadableSpan, sink: RuntimeSpanSink): RuntimeSpan {
    const { traceId, spanId, traceState } = parent.spanContext();
    const lineage = { traceId, traceState, resource: parent.resource, scope: parent.instrumentationScope, sink };
    return new RuntimeSpan(name, attributes, parseInt(spanId.slice(0, 8), 16), parseInt(spanId.slice(8, 16), 16), lineage);
  }

  child(name: string, attributes: Attributes): RuntimeSpan {
    return new RuntimeSpan(name, attributes, this.spanIdHigh, this.spanIdLow, this.lineage);
  }

  get ended(): boolean {
    return this.endTime !== 0;
  }

  spanContext(): SpanContext {
    return (this.context ??= {
      traceId: this.lineage.traceId,
      spanId: hex8(this.spanIdHigh) + hex8(this.spanIdLow),
      traceFlags: TraceFlags.SAMPLED,
      traceState: this.lineage.traceState,
    });
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (!this.ended && value != null) this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributes?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    const isAttributes = typeof attributes === 'object' && attributes !== null && !Array.isArray(attributes) && !(attributes instanceof Date);
    (this.events ??= []).push({ name, time: this.epochMillis(isAttributes ? time : attributes), attributes: isAttributes ? { ...(attributes as Attributes) } : {} });
    return this;
  }

  addLink(link: Link): this {
    if (!this.ended) (this.links ??= []).push({ ...link, attributes: link.attributes && { ...link.attributes } });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (!this.ended && status.code !== SpanStatusCode.UNSET) this.status = { ...status };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.endTime = this.epochMillis(endTime);
    this.lineage.sink.onRuntimeSpanEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  /** An `exception` event with the attributes the SDK gives one. */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      const type = exception.code ? String(exception.code) : exception.name;
      if (type) attributes['exception.type'] = type;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    this.addEvent('exception', attributes, time);
  }

  private epochMillis(time: TimeInput | undefined): number {
    if (time === undefined) return this.startTime + (performance.now() - this.startedAt);
    if (typeof time === 'number') return time <= performance.now() ? this.startTime + (time - this.startedAt) : time;
    if (time instanceof Date) return time.getTime();
    return time[0] * 1000 + time[1] / 1e6;
  }
}
