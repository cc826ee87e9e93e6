// Structured JSON logs (pino) on stderr: one line per state change or error.
import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON lines on stderr; each line logged inside a span carries its trace_id and span_id. */
export function createLogger(level: string): Logger {
  return pino(
    {
      name: 'agentd',
      level,
      base: { pid: process.pid },
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
      },
    },
    pino.destination(2),
  );
}
