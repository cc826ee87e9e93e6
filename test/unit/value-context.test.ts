// withSpan (telemetry/tracing.ts) makes the contexts a traced run passes down without the API's copying: they must
// read, override and delete values exactly as the API's contexts do.
import { createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { withSpan } from '../../server/telemetry/tracing.js';

const ids = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
const key = createContextKey('agentd test key');

describe('withSpan', () => {
  it('holds the span as trace.setSpan does and keeps the parent’s other values', () => {
    const span = trace.wrapSpanContext(ids);
    const context = withSpan(ROOT_CONTEXT.setValue(key, 'kept'), span);
    expect(trace.getSpan(context)).toBe(span);
    expect(trace.getSpanContext(context)).toEqual(ids);
    expect(context.getValue(key)).toBe('kept');
  });

  it('lets a child context override, add and delete values without touching its parent', () => {
    const outer = trace.wrapSpanContext(ids);
    const inner = trace.wrapSpanContext({ ...ids, spanId: '00f067aa0ba902b7' });
    const parent = withSpan(ROOT_CONTEXT.setValue(key, 'kept'), outer);
    const child = trace.setSpan(parent.setValue(key, 'changed'), inner);
    expect(trace.getSpan(child)).toBe(inner);
    expect(child.getValue(key)).toBe('changed');
    expect(trace.getSpan(trace.deleteSpan(child))).toBeUndefined();
    expect(child.deleteValue(key).getValue(key)).toBeUndefined();
    expect(trace.getSpan(parent)).toBe(outer);
    expect(parent.getValue(key)).toBe('kept');
  });
});
