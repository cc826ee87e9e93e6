// Metrics (OpenTelemetry, scraped by Prometheus on AGENTD_METRICS_PORT): runs, worker durations by mode, pool
// queues, database pool, open streams, pending feedback, sessions in memory.
import type { Attributes, Counter, Histogram, ObservableResult } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

export interface Gauges {
  threadQueue(): number;
  processQueue(): number;
  dbInUse(): number;
  dbWaiting(): number;
  openStreams(): number;
  pendingFeedback(): number;
  sessionsLoaded(): number;
}

export class RuntimeMetrics {
  private readonly runsStarted: Counter;
  private readonly runsFinished: Counter;
  private readonly workerDuration: Histogram;
  private readonly queueWait: Histogram;
  openStreams = 0;

  private constructor(
    private readonly provider: MeterProvider | undefined,
    private readonly exporter: PrometheusExporter | undefined,
  ) {
    const meter = (provider ?? new MeterProvider()).getMeter('agentd');
    this.runsStarted = meter.createCounter('agentd.runs.started', { description: 'Runs started, by agent' });
    this.runsFinished = meter.createCounter('agentd.runs.finished', { description: 'Runs finished, by agent and status' });
    this.workerDuration = meter.createHistogram('agentd.worker.duration', { description: 'Worker execution time, by mode', unit: 'ms' });
    this.queueWait = meter.createHistogram('agentd.worker.queue_wait', { description: 'Time from dispatch to start, by mode (pool queues)', unit: 'ms' });
    this.meter = meter;
  }

  private readonly meter;

  /** Serves /metrics on `port` (0 = no endpoint: metrics are counted nowhere). */
  static async start(host: string, port: number): Promise<RuntimeMetrics> {
    if (!port) return new RuntimeMetrics(undefined, undefined);
    const exporter = await new Promise<PrometheusExporter>((resolve, reject) => {
      const created: PrometheusExporter = new PrometheusExporter({ host, port }, (error) => (error ? reject(error) : resolve(created)));
    });
    return new RuntimeMetrics(new MeterProvider({ readers: [exporter] }), exporter);
  }

  observe(gauges: Gauges): void {
    const gauge = (name: string, description: string, read: () => number, attributes?: Attributes) =>
      this.meter.createObservableGauge(name, { description }).addCallback((result: ObservableResult) => result.observe(read(), attributes));
    gauge('agentd.pool.queue_depth', 'Tasks waiting for a worker thread', gauges.threadQueue, { pool: 'thread' });
    this.meter
      .createObservableGauge('agentd.pool.process_queue_depth', { description: 'Tasks waiting for a worker process' })
      .addCallback((result) => result.observe(gauges.processQueue(), { pool: 'process' }));
    gauge('agentd.db.connections.in_use', 'Database connections in use', gauges.dbInUse);
    gauge('agentd.db.connections.waiting', 'Callers waiting for a database connection', gauges.dbWaiting);
    gauge('agentd.grpc.open_streams', 'Open Stream and Feedback calls', gauges.openStreams);
    gauge('agentd.feedback.pending', 'Feedback requests waiting for an answer', gauges.pendingFeedback);
    gauge('agentd.sessions.loaded', 'Sessions held in memory (an idle one leaves after AGENTD_SESSION_IDLE_TTL_MS)', gauges.sessionsLoaded);
  }

  runStarted(agent: string): void {
    this.runsStarted.add(1, { agent });
  }

  runFinished(agent: string, status: string): void {
    this.runsFinished.add(1, { agent, status });
  }

  workerFinished(mode: string, durationMs: number, queueWaitMs: number): void {
    this.workerDuration.record(durationMs, { mode });
    this.queueWait.record(queueWaitMs, { mode });
  }

  async close(): Promise<void> {
    await this.provider?.shutdown();
    await this.exporter?.shutdown();
  }
}
