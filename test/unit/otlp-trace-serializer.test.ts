// The OTLP trace serializer writes exactly the bytes of OpenTelemetry's own ProtobufTraceSerializer, for spans of
// every shape the SDK makes: so any collector that reads OTel's exports reads agentd's.
import { context, SpanKind, SpanStatusCode, trace, TraceFlags, type Tracer } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TraceState } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { EncodedSpanBatch, serializeTraceExportRequest } from '../../server/telemetry/otlp-trace-serializer.js';
import { RuntimeSpan, runtimeTracerOf } from '../../server/telemetry/runtime-span.js';

/** The id a RuntimeSpan holds as two numbers, set to a given hex id. */
function giveSpanId(span: RuntimeSpan, spanId: string): void {
  Object.assign(span, { spanIdHigh: parseInt(spanId.slice(0, 8), 16), spanIdLow: parseInt(spanId.slice(8), 16) });
}

function recordSpans(make: (tracers: Tracer[]) => void): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'agentd', 'host.name': 'büro-1', 'process.pid': 4242, 'telemetry.sdk.language': 'nodejs' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  make([provider.getTracer('agentd'), provider.getTracer('user-code', '1.2.3')]);
  return exporter.getFinishedSpans();
}

function expectSameBytes(spans: ReadableSpan[]): void {
  const ours = Buffer.from(serializeTraceExportRequest(spans));
  const reference = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  expect(ours.length).toBe(reference.length);
  expect(ours.equals(reference)).toBe(true);
}

describe('OTLP trace serializer', () => {
  it('writes the reference bytes for spans with every kind of attribute, event, link and status', () => {
    const spans = recordSpans(([agentd, user]) => {
      const root = agentd.startSpan('agentd.v1.AgentRuntime/Invoke', { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.method': 'Invoke' } });
      const rootContext = trace.setSpan(context.active(), root);
      const run = agentd.startSpan(
        'invoke_agent diamond',
        {
          attributes: {
            'gen_ai.agent.name': 'diamond',
            'agentd.run.id': '6f0f3c1e-2b7a-4c55-9f51-6f7b8f2a9d10',
            'text.unicode': 'Grüße, 世界 🌍',
            'text.long': 'x'.repeat(300),
            'int.small': 7,
            'int.negative': -12345,
            'int.big': 2 ** 40 + 3,
            'int.huge.negative': -(2 ** 52),
            'double.value': 3.25,
            'double.negative': -0.5,
            'bool.true': true,
            'bool.false': false,
            'array.strings': ['a', 'βeta', ''],
            'array.numbers': [1, 2.5, -3],
            'array.bools': [true, false],
            'empty.string': '',
          },
        },
        rootContext,
      );
      run.addEvent('feedback.requested', { 'agentd.feedback.request_id': 'r-1' });
      run.addEvent('no attributes');
      run.recordException(new Error('no luck today'));
      run.setStatus({ code: SpanStatusCode.ERROR, message: 'worker w2 failed: no luck today' });
      run.end();
      const remoteParent = trace.setSpanContext(context.active(), {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
        traceState: new TraceState('vendor=value,other=2'),
      });
      const linked = user.startSpan(
        'user span in worker',
        {
          kind: SpanKind.CLIENT,
          links: [
            { context: run.spanContext(), attributes: { reason: 'follows' } },
            { context: { traceId: 'ff'.repeat(16), spanId: '01'.repeat(8), traceFlags: TraceFlags.NONE, isRemote: true, traceState: new TraceState('a=b') } },
          ],
        },
        remoteParent,
      );
      linked.setStatus({ code: SpanStatusCode.OK });
      linked.end();
      for (const kind of [SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER]) agentd.startSpan(`kind ${kind}`, { kind }, rootContext).end();
      root.end();
    });
    expect(spans.length).toBe(6);
    expectSameBytes(spans);
  });

  it('writes the reference bytes for a batch large enough to need multi-byte lengths and a bigger buffer', () => {
    const spans = recordSpans(([agentd, user]) => {
      for (let run = 0; run < 400; run++) {
        const span = agentd.startSpan(`execute_worker w${run % 7}`, { attributes: { 'agentd.worker.mode': run % 2 ? 'thread' : 'async', 'agentd.superstep': run, 'agentd.queue_wait_ms': run / 3 } });
        span.setAttribute('big', 'y'.repeat(run * 50));
        span.end();
        if (run % 50 === 0) user.startSpan('user', { attributes: { n: run } }).end();
      }
    });
    expectSameBytes(spans);
  });

  it('writes the reference bytes batch after batch from one batch object, whichever scopes each batch holds', () => {
    const spans = recordSpans(([agentd, user]) => {
      for (let i = 0; i < 30; i++) (i % 3 ? agentd : user).startSpan(`span ${i}`, { attributes: { i, text: 'z'.repeat(i * 40) } }).end();
    });
    const batches = [spans.slice(0, 12), spans.filter((span) => span.instrumentationScope.name === 'user-code'), spans.slice(13), [], spans.slice(3, 9)];
    const batch = new EncodedSpanBatch();
    for (const spansOfBatch of batches) {
      for (const span of spansOfBatch) batch.add(span);
      expect(Buffer.from(batch.take()).equals(Buffer.from(ProtobufTraceSerializer.serializeRequest(spansOfBatch)!))).toBe(true);
    }
  });

  it('writes the reference bytes for no spans at all', () => {
    expectSameBytes([]);
  });

  it('writes a runtime span (run, worker) as the bytes of the SDK span it stands for, links a user adds included', () => {
    const t0 = 1_763_800_000_123; // whole milliseconds: both sides hold them exactly
    const attributes = () => ({ 'agentd.worker.mode': 'thread', 'agentd.superstep': 2, 'agentd.retry': 0 });
    const link = { context: { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: TraceFlags.SAMPLED, isRemote: true }, attributes: { reason: 'follows' } };
    const [sdkWorker, rpc] = recordSpans(([agentd]) => {
      const root = agentd.startSpan('agentd.v1.AgentRuntime/Invoke', { kind: SpanKind.SERVER, startTime: t0 });
      const worker = agentd.startSpan('execute_worker w2', { attributes: attributes(), startTime: t0 + 1 }, trace.setSpan(context.active(), root));
      worker.setAttribute('agentd.queue_wait_ms', 0.25);
      worker.addLink(link);
      worker.addEvent('feedback.requested', { 'agentd.feedback.request_id': 'r-1' }, t0 + 2);
      worker.recordException(new Error('no luck today'), t0 + 3);
      worker.setStatus({ code: SpanStatusCode.ERROR, message: 'worker w2 failed: no luck today' });
      worker.setAttribute('error.type', 'worker_failed');
      worker.end(t0 + 4);
      root.end(t0 + 5);
    });
    const batch = new EncodedSpanBatch();
    const runtime = RuntimeSpan.childOfSdkSpan('execute_worker w2', attributes(), rpc, { onRuntimeSpanEnd: (span) => batch.addRuntimeSpan(span) });
    giveSpanId(runtime, sdkWorker.spanContext().spanId);
    Object.assign(runtime, { startTime: t0 + 1 });
    runtime.setAttribute('agentd.queue_wait_ms', 0.25);
    runtime.addLink(link);
    runtime.addEvent('feedback.requested', { 'agentd.feedback.request_id': 'r-1' }, t0 + 2);
    const exception = new Error('no luck today');
    exception.stack = (sdkWorker.events[1].attributes!['exception.stacktrace'] as string) ?? exception.stack;
    runtime.recordException(exception, t0 + 3);
    runtime.setStatus({ code: SpanStatusCode.ERROR, message: 'worker w2 failed: no luck today' });
    runtime.setAttribute('error.type', 'worker_failed');
    runtime.end(t0 + 4);
    expect(runtime.spanContext()).toEqual(sdkWorker.spanContext());
    expect(Buffer.from(batch.take()).equals(Buffer.from(ProtobufTraceSerializer.serializeRequest([sdkWorker])!))).toBe(true);
  });

  it('writes a runtime RPC span as the bytes of the SDK span it stands for, under a caller\'s span or starting a trace', () => {
    const t0 = 1_763_800_000_123;
    const attributes = () => ({ 'rpc.system': 'grpc', 'rpc.service': 'agentd.v1.AgentRuntime', 'rpc.method': 'Invoke' });
    const caller = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: new TraceState('vendor=value') };
    let sdkTracer: Tracer | undefined;
    const sdkSpans = recordSpans(([agentd]) => {
      sdkTracer = agentd;
      const underCaller = trace.setSpanContext(context.active(), caller);
      agentd.startSpan('agentd.v1.AgentRuntime/Invoke', { kind: SpanKind.SERVER, attributes: attributes(), startTime: t0 }, underCaller).end(t0 + 5);
      agentd.startSpan('agentd.v1.AgentRuntime/Invoke', { kind: SpanKind.SERVER, attributes: attributes(), startTime: t0 }).end(t0 + 7);
    });
    const tracerParts = runtimeTracerOf(sdkTracer);
    expect(tracerParts).toBeDefined();
    const batch = new EncodedSpanBatch();
    const sink = { onRuntimeSpanEnd: (span: RuntimeSpan) => batch.addRuntimeSpan(span) };
    for (const [sdkSpan, parent, end] of [[sdkSpans[0], caller, t0 + 5], [sdkSpans[1], undefined, t0 + 7]] as const) {
      const runtime = RuntimeSpan.root('agentd.v1.AgentRuntime/Invoke', SpanKind.SERVER, attributes(), parent, tracerParts!, sink);
      const { traceId } = sdkSpan.spanContext();
      if (!parent) Buffer.from(traceId, 'hex').copy(runtime.lineage.traceIdBytes);
      giveSpanId(runtime, sdkSpan.spanContext().spanId);
      Object.assign(runtime, { startTime: t0 });
      runtime.end(end);
      expect(runtime.spanContext()).toEqual(sdkSpan.spanContext());
    }
    expect(Buffer.from(batch.take()).equals(Buffer.from(ProtobufTraceSerializer.serializeRequest(sdkSpans)!))).toBe(true);
  });
});
