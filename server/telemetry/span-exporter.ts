// The OTLP span exporter of the daemon and of its worker threads and processes: OpenTelemetry's own transports
// (gRPC, or HTTP with protobuf), configured as usual by the OTEL_EXPORTER_OTLP_* variables with their retries,
// headers, compression and TLS, around agentd's faster serializer (otlp-trace-serializer.ts).
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { convertLegacyOtlpGrpcOptions, createOtlpGrpcExportDelegate } from '@opentelemetry/otlp-grpc-exporter-base';
import { ProtobufTraceSerializer, TraceExporterMetricsHelper, type IExportTraceServiceResponse, type ISerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { serializeTraceExportRequest } from './otlp-trace-serializer.js';

const serializer: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = {
  serializeRequest: serializeTraceExportRequest,
  deserializeResponse: (bytes) => ProtobufTraceSerializer.deserializeResponse(bytes),
};

/** The protocol OTLP traces go out with: the traces-specific variable, then the general one; gRPC by default. */
function otlpTraceProtocol(env: NodeJS.ProcessEnv = process.env): string {
  return env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'grpc';
}

/**
 * The exporter for OTLP over gRPC or http/protobuf; undefined when the environment asks for something else
 * (another exporter in OTEL_TRACES_EXPORTER, or http/json), which the SDK then sets up itself.
 */
export function createSpanExporter(env: NodeJS.ProcessEnv = process.env): SpanExporter | undefined {
  const exporters = env.OTEL_TRACES_EXPORTER?.split(',').map((e) => e.trim());
  if (exporters && (exporters.length !== 1 || exporters[0] !== 'otlp')) return undefined;
  const protocol = otlpTraceProtocol(env);
  if (protocol === 'grpc') {
    return new OTLPExporterBase(
      createOtlpGrpcExportDelegate(
        convertLegacyOtlpGrpcOptions({}, 'TRACES'),
        serializer,
        'otlp_grpc_span_exporter',
        TraceExporterMetricsHelper,
        undefined,
        'TraceExportService',
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      ),
    );
  }
  if (protocol === 'http/protobuf') {
    return new OTLPExporterBase(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
        serializer,
        'otlp_http_span_exporter',
        TraceExporterMetricsHelper,
        undefined,
      ),
    );
  }
  return undefined;
}
