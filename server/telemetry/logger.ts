// Structured JSON logs (pino) on stderr: one line per state change or error.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ name: 'agentd', level, base: { pid: process.pid } }, pino.destination(2));
}
