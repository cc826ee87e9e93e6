// The span processor for traces sent over OTLP (gRPC, or HTTP with protobuf), in the daemon and in its worker threads
// and processes. It batches like OTel's BatchSpanProcessor, but writes spans into its batch's bytes as they end, or
// (agentd's runtime spans) at the end of the event-loop turn that ended them (otlp-trace-serializer.ts), instead of
// holding span objects until the export: they die young instead of crowding the old generation, and a pending
// batch is one buffer. The transports are OpenTelemetry's own, configured as usual by the OTEL_EXPORTER_OTLP_*
// variables (retries, headers, compression, TLS); batches by OTEL_BSP_*.
import { context, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, globalErrorHandler, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { convertLegacyOtlpGrpcOptions, createOtlpGrpcExportDelegate } from '@opentelemetry/otlp-grpc-exporter-base';
import { ProtobufTraceSerializer, type IExportTraceServiceResponse, type ISerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { EncodedSpanBatch } from './otlp-trace-serializer.js';
import type { RuntimeSpan, RuntimeSpanSink } from './runtime-span.js';

/** One ExportTraceServiceRequest, already encoded. */
interface EncodedRequest {
  bytes: Uint8Array;
  spans: number;
}

const serializer: ISerializer<EncodedRequest, IExportTraceServiceResponse> = {
  serializeRequest: (request) => request.bytes,
  deserializeResponse: (bytes) => ProtobufTraceSerializer.deserializeResponse(bytes),
};
const exporterMetrics = { name: 'span' as const, countItems: (request: EncodedRequest) => request.spans };

/** The protocol OTLP traces go out with: the traces-specific variable, then the general one; gRPC by default. */
function otlpTraceProtocol(env: NodeJS.ProcessEnv): string {
  return env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'grpc';
}

function createExportDelegate(protocol: string): IOtlpExportDelegate<EncodedRequest> | undefined {
  if (protocol === 'grpc') {
    return createOtlpGrpcExportDelegate(
      convertLegacyOtlpGrpcOptions({}, 'TRACES'),
      serializer,
      'otlp_grpc_span_exporter',
      exporterMetrics,
      undefined,
      'TraceExportService',
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    );
  }
  if (protocol === 'http/protobuf') {
    return createOtlpHttpExportDelegate(
      convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
      serializer,
      'otlp_http_span_exporter',
      exporterMetrics,
      undefined,
    );
  }
  return undefined;
}

export interface BatchSettings {
  /** Spans per export at most (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 8192). */
  maxExportBatchSize: number;
  /** Encoded bytes per export at most (1 MiB; a receiver's gRPC message limit is usually 4 MiB). */
  maxExportBatchBytes: number;
  /** How long a span waits for its batch to fill before it is exported anyway (OTEL_BSP_SCHEDULE_DELAY, 5000 ms). */
  scheduledDelayMillis: number;
}

/**
 * Runtime spans are not encoded as they end but once the event loop turn that ended them is over (setImmediate):
 * by then the responses of the runs that turn finished are written to their sockets, so the encoding no longer
 * stands between a run's end and its caller's answer. A turn's spans are also encoded together, which keeps the
 * encoder's code and inline caches hot. They still die young: a turn ends a few dozen of them under load; past
 * ENCODE_AT_MOST waiting, they are encoded at once.
 */
const ENCODE_AT_MOST = 1024;

export class OtlpSpanProcessor implements SpanProcessor, RuntimeSpanSink {
  private readonly batch = new EncodedSpanBatch();
  /** Runtime spans that have ended and wait to be encoded into the batch. */
  private ended: RuntimeSpan[] = [];
  private readonly exports = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly delegate: IOtlpExportDelegate<EncodedRequest>,
    private readonly settings: BatchSettings,
  ) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.stopped || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.batch.add(span);
    this.added();
  }

  onRuntimeSpanEnd(span: RuntimeSpan): void {
    if (this.stopped) return;
    const waiting = this.ended.push(span);
    if (waiting === 1) setImmediate(this.encodeEndedLater);
    else if (waiting >= ENCODE_AT_MOST) this.encodeEnded();
  }

  private readonly encodeEndedLater = () => this.encodeEnded();

  /** A span was written into the batch: send it if full, else make sure it leaves within the schedule delay. */
  private added(): void {
    if (this.batch.count >= this.settings.maxExportBatchSize || this.batch.bytes >= this.settings.maxExportBatchBytes) this.sendBatch();
    else this.timer ??= setTimeout(() => this.exportBatch(), this.settings.scheduledDelayMillis).unref();
  }

  /** Writes the runtime spans that have ended into the batch, sending it whenever it fills. */
  private encodeEnded(): void {
    const spans = this.ended;
    this.ended = [];
    for (const span of spans) {
      this.batch.addRuntimeSpan(span);
      this.added();
    }
  }

  async forceFlush(): Promise<void> {
    this.exportBatch();
    await Promise.all(this.exports);
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    await this.forceFlush();
    this.stopped = true;
    await this.delegate.shutdown();
  }

  private exportBatch(): void {
    this.encodeEnded();
    this.sendBatch();
  }

  private sendBatch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.count === 0) return;
    const request = { spans: this.batch.count, bytes: this.batch.take() };
    const exported = new Promise<void>((resolve) => {
      // The export's own network calls must not be traced (an HTTP instrumentation would trace them forever).
      context.with(suppressTracing(context.active()), () =>
        this.delegate.export(request, (result: ExportResult) => {
          if (result.code !== ExportResultCode.SUCCESS) globalErrorHandler(result.error ?? new Error(`span export failed (${request.spans} spans)`));
          resolve();
        }),
      );
    });
    this.exports.add(exported);
    void exported.then(() => this.exports.delete(exported));
  }
}

/**
 * Batches are bounded by bytes first. Sending an export over grpc-js costs the daemon (and the receiver) about half
 * a millisecond of CPU whatever its size, against ~0.5 µs per KB to send (~2 µs per KB for a grpc-js receiver):
 * OTel's default of 512 spans (~125 KB of agentd's spans) would make that fixed cost a tenth of tracing's price. 1 MiB (~4,000 spans) keeps every export far below the 4 MiB message
 * limit of gRPC receivers such as the OpenTelemetry Collector and Jaeger.
 */
const MAX_EXPORT_BATCH_BYTES = 1024 * 1024;
const DEFAULT_MAX_EXPORT_BATCH_SIZE = 8192;

function positiveNumber(text: string | undefined): number | undefined {
  const value = Number(text);
  return text && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The processor for OTLP over gRPC or http/protobuf; undefined when the environment asks for something else
 * (another exporter in OTEL_TRACES_EXPORTER, or http/json), which the SDK then sets up itself.
 */
export function createSpanProcessor(env: NodeJS.ProcessEnv = process.env): OtlpSpanProcessor | undefined {
  const exporters = env.OTEL_TRACES_EXPORTER?.split(',').map((e) => e.trim());
  if (exporters && (exporters.length !== 1 || exporters[0] !== 'otlp')) return undefined;
  const delegate = createExportDelegate(otlpTraceProtocol(env));
  if (!delegate) return undefined;
  return new OtlpSpanProcessor(delegate, {
    maxExportBatchSize: positiveNumber(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE) ?? DEFAULT_MAX_EXPORT_BATCH_SIZE,
    maxExportBatchBytes: MAX_EXPORT_BATCH_BYTES,
    scheduledDelayMillis: positiveNumber(env.OTEL_BSP_SCHEDULE_DELAY) ?? 5000,
  });
}
