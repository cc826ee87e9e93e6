// Traces reach an OTLP/gRPC receiver (as Jaeger would get them) and metrics move on the Prometheus endpoint.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunFailedError } from '../../clients/ts/src/index.js';
import { startDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { freePort } from '../support/postgres-cluster.js';

let daemon: DaemonProcess;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let metricsPort: number;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  metricsPort = await freePort();
  daemon = await startDaemon({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '50', AGENTD_METRICS_PORT: String(metricsPort), OTEL_SERVICE_NAME: 'agentd-test' },
  });
});
afterAll(async () => {
  await daemon?.stop();
  await receiver?.stop();
});

async function spansOf(traceId: string, until: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
  for (let i = 0; i < 100; i++) {
    const spans = receiver.spans.filter((s) => s.traceId === traceId);
    if (until(spans)) return spans;
    await sleep(100);
  }
  throw new Error(`spans of trace ${traceId} never arrived: ${receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.name)}`);
}

const randomHex = (bytes: number) => [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');

describe('traces', () => {
  it('continue the caller’s trace: RPC span, run span, one span per worker in every mode, user spans inside workers', async () => {
    const traceId = randomHex(16);
    const callerSpan = randomHex(8);
    const run = await daemon.client.invoke('traced', { n: 21 }, { sessionId: 'traced-session', metadata: { traceparent: `00-${traceId}-${callerSpan}-01` } });
    expect(run.output).toBe(84);

    const spans = await spansOf(
      traceId,
      (s) => s.filter((x) => x.name === 'user span in worker').length === 2 && s.some((x) => x.name === 'user span in async worker') && s.some((x) => x.name.startsWith('agentd.v1')),
    );
    const rpc = spans.find((s) => s.name === 'agentd.v1.AgentRuntime/Invoke')!;
    expect(rpc.parentSpanId).toBe(callerSpan);
    expect(rpc.kind).toBe(2); // SERVER

    const runSpan = spans.find((s) => s.name === 'invoke_agent traced')!;
    expect(runSpan.parentSpanId).toBe(rpc.spanId);
    expect(runSpan.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'traced', 'gen_ai.conversation.id': 'traced-session', 'agentd.run.id': run.id });

    const workers = Object.fromEntries(spans.filter((s) => s.name.startsWith('execute_worker')).map((s) => [s.name.replace('execute_worker ', ''), s]));
    expect(Object.keys(workers).sort()).toEqual(['crunch', 'plan', 'shell']);
    for (const span of Object.values(workers)) expect(span.parentSpanId).toBe(runSpan.spanId);
    expect(workers.plan.attributes).toMatchObject({ 'agentd.worker.mode': 'async', 'agentd.superstep': 1, 'process.pid': daemon.pid });
    expect(workers.crunch.attributes).toMatchObject({ 'agentd.worker.mode': 'thread', 'agentd.superstep': 2, 'process.pid': daemon.pid });
    expect(workers.crunch.attributes['thread.id']).toBeGreaterThan(0);
    expect(workers.shell.attributes).toMatchObject({ 'agentd.worker.mode': 'process', 'agentd.superstep': 3 });
    expect(workers.shell.attributes['process.pid']).not.toBe(daemon.pid);
    expect(typeof workers.crunch.attributes['agentd.queue_wait_ms']).toBe('number');

    const userSpans = spans.filter((s) => s.name === 'user span in worker');
    expect(userSpans.map((s) => s.parentSpanId).sort()).toEqual([workers.crunch.spanId, workers.shell.spanId].sort());
    expect(spans.find((s) => s.name === 'user span in async worker')!.parentSpanId).toBe(workers.plan.spanId);
  });

  it('records nothing of a call whose caller did not sample it, not even the spans users open in workers', async () => {
    const traceId = randomHex(16);
    const userSpans = () => receiver.spans.filter((s) => s.name.startsWith('user span in')).length;
    await sleep(300);
    const before = userSpans();
    const run = await daemon.client.invoke('traced', { n: 1 }, { metadata: { traceparent: `00-${traceId}-${randomHex(8)}-00` } });
    expect(run.output).toBe(4);
    await sleep(500); // spans leave every 50 ms here (OTEL_BSP_SCHEDULE_DELAY)
    expect(receiver.spans.filter((s) => s.traceId === traceId)).toEqual([]);
    expect(userSpans()).toBe(before);
  });

  it('marks a failing worker’s span as an error with the exception', async () => {
    const traceId = randomHex(16);
    await expect(daemon.client.invoke('traced-failing', null, { metadata: { traceparent: `00-${traceId}-${randomHex(8)}-01` } })).rejects.toBeInstanceOf(RunFailedError);
    const spans = await spansOf(traceId, (s) => s.some((x) => x.name === 'execute_worker broken') && s.some((x) => x.name === 'invoke_agent traced-failing'));
    const worker = spans.find((s) => s.name === 'execute_worker broken')!;
    expect(worker.status.code).toBe(2); // ERROR
    expect(worker.status.message).toContain('no luck today');
    expect(worker.events.find((e) => e.name === 'exception')?.attributes['exception.message']).toContain('no luck today');
    expect(spans.find((s) => s.name === 'invoke_agent traced-failing')!.status.code).toBe(2);
  });

  it('shows database work as client spans', async () => {
    const traceId = randomHex(16);
    await daemon.client.getSession('traced-session', { metadata: { traceparent: `00-${traceId}-${randomHex(8)}-01` } });
    const spans = await spansOf(traceId, (s) => s.some((x) => x.attributes['db.system.name'] === 'postgresql'));
    const rpc = spans.find((s) => s.name === 'agentd.v1.AgentRuntime/GetSession')!;
    const db = spans.find((s) => s.attributes['db.system.name'] === 'postgresql')!;
    expect(db.parentSpanId).toBe(rpc.spanId);
    expect(db.name).toBe('SELECT agentd_sessions');
  });
});

describe('metrics', () => {
  it('counts runs and times workers on the Prometheus endpoint', async () => {
    const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const runsOf = (text: string) => Number(/agentd_runs_finished_total\{[^}]*agent="echo"[^}]*status="succeeded"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
    const before = runsOf(await scrape());
    for (let i = 0; i < 3; i++) await daemon.client.invoke('echo', i);
    await daemon.client.invoke('traced', { n: 1 });
    const text = await scrape();
    expect(runsOf(text)).toBe(before + 3);
    expect(text).toMatch(/agentd_runs_started_total\{[^}]*agent="traced"[^}]*\} [1-9]/);
    for (const mode of ['async', 'thread', 'process']) expect(text).toMatch(new RegExp(`agentd_worker_duration\\w*_count\\{[^}]*mode="${mode}"[^}]*\\} [1-9]`));
    expect(text).toMatch(/agentd_db_connections_in_use/);
    expect(text).toMatch(/agentd_feedback_pending/);
    expect(text).toMatch(/agentd_grpc_open_streams/);
    expect(text).toMatch(/agentd_pool_queue_depth/);
    expect(text).toMatch(/agentd_sessions_loaded(\{[^}]*\})? [1-9]/);
  });
});

describe('logs', () => {
  it('write one JSON line per run state change, with the trace and span ids', async () => {
    const traceId = randomHex(16);
    const run = await daemon.client.invoke('echo', 'log me', { metadata: { traceparent: `00-${traceId}-${randomHex(8)}-01` } });
    await sleep(100);
    const lines = daemon
      .logs()
      .split('\n')
      .filter((l) => l.includes(run.id))
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.msg)).toEqual(['run started', 'run succeeded']);
    for (const line of lines) expect(line).toMatchObject({ trace_id: traceId, run_id: run.id, agent: 'echo' });
  });
});
