// The spans agentd records about its own work: the RPC, the run and each worker execution. They are OpenTelemetry
// API spans (a user's span inside a worker becomes their child, as with any span), but not SDK span objects: a
// handful of fields, ids kept as numbers, and written straight into the OTLP export batch once the event-loop turn
// they end in is over. A call makes six of them, so this is where tracing's cost per run is decided.
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
class Lineage {
  /**
   * The clock the lineage's spans share, as the SDK's spans share their local root's: the epoch time read once
   * (Date.now()) at performance.now() = `anchoredAt`; every time after it is measured with performance.now().
   */
  readonly anchorEpochMs = Date.now();
  readonly anchoredAt = performance.now();

  constructor(
    /** The trace id's 16 bytes, as every span of the lineage is encoded with them. */
    readonly traceIdBytes: Buffer,
    private traceIdHex: string | undefined,
    readonly traceState: TraceState | undefined,
    readonly resource: ReadableSpan['resource'],
    readonly scope: ReadableSpan['instrumentationScope'],
    readonly sink: RuntimeSpanSink,
  ) {}

  /** The trace id in hex, written out only if a span context is asked for (to pass on, or for a user's span). */
  get traceId(): string {
    return (this.traceIdHex ??= this.traceIdBytes.toString('hex'));
  }

  static of(traceId: string | undefined, traceState: TraceState | undefined, tracer: RuntimeTracer, sink: RuntimeSpanSink): Lineage {
    return new Lineage(traceId ? Buffer.from(traceId, 'hex') : randomTraceIdBytes(), traceId, traceState, tracer.resource, tracer.scope, sink);
  }
}

/** A span's status until one is set. */
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

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
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const hex8 = (n: number): string => HEX_BYTES[n >>> 24] + HEX_BYTES[(n >>> 16) & 0xff] + HEX_BYTES[(n >>> 8) & 0xff] + HEX_BYTES[n & 0xff];

function randomTraceIdBytes(): Buffer {
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUInt32BE(randomId32(), 0);
  bytes.writeUInt32BE(randomId32(), 4);
  bytes.writeUInt32BE(randomId32(), 8);
  bytes.writeUInt32BE(randomId32() || 1, 12);
  return bytes;
}

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
  status: SpanStatus = UNSET;
  /** Start and end in milliseconds since the epoch, read on the lineage's clock (anchored once, timed by performance.now()). */
  readonly startTime: number;
  endTime = 0;
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
    this.startTime = this.epochMillis(undefined);
  }

  /**
   * A span that starts agentd's part of a trace (the RPC span): under `parent`, the caller's span, or a new trace
   * when there is none. The caller has made the sampling decision: this span is sampled.
   */
  static root(name: string, kind: SpanKind, attributes: Attributes, parent: SpanContext | undefined, tracer: RuntimeTracer, sink: RuntimeSpanSink): RuntimeSpan {
    const trace = Lineage.of(parent?.traceId, parent?.traceState, tracer, sink);
    const span = parent
      ? new RuntimeSpan(name, attributes, parseInt(parent.spanId.slice(0, 8), 16), parseInt(parent.spanId.slice(8, 16), 16), trace)
      : new RuntimeSpan(name, attributes, 0, 0, trace);
    span.kind = kind;
    span.parentIsRemote = parent?.isRemote === true;
    return span;
  }

  /** A child of an SDK span that is recording (the RPC span), sending to `sink`. */
  static childOfSdkSpan(name: string, attributes: Attributes, parent: ReadableSpan, sink: RuntimeSpanSink): RuntimeSpan {
    const { traceId, spanId, traceState } = parent.spanContext();
    const trace = Lineage.of(traceId, traceState, { resource: parent.resource, scope: parent.instrumentationScope }, sink);
    return new RuntimeSpan(name, attributes, parseInt(spanId.slice(0, 8), 16), parseInt(spanId.slice(8, 16), 16), trace);
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
    const { anchorEpochMs, anchoredAt } = this.lineage;
    if (time === undefined) return anchorEpochMs + (performance.now() - anchoredAt);
    if (typeof time === 'number') return time <= performance.now() ? anchorEpochMs + (time - anchoredAt) : time;
    if (time instanceof Date) return time.getTime();
    return time[0] * 1000 + time[1] / 1e6;
  }
}
