// Tracing inside a thread or a child process: its own exporter (same OTEL_* settings as the daemon) and the worker
// span's context from the task, so a span a user starts in the worker is a child of that worker span.
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { createSpanProcessor } from './otlp-span-processor.js';
import { tracingRequested } from './tracing.js';

let provider: NodeTracerProvider | undefined;

export function startWorkerTracing(where: string): void {
  if (provider || !tracingRequested()) return;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME || 'agentd', 'agentd.worker_host': where }),
    spanProcessors: [createSpanProcessor() ?? new BatchSpanProcessor(new JsonExporter())],
  });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
}

/** Runs `fn` inside the trace context `traceparent` names (as is, when there is none). */
export function withTraceparent<T>(traceparent: string | undefined, fn: () => T): T {
  if (!traceparent || !provider) return fn();
  return context.with(propagation.extract(ROOT_CONTEXT, { traceparent }), fn);
}

export async function flushWorkerTracing(): Promise<void> {
  await provider?.forceFlush();
}
