import type { Abaco } from '@abaco/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Request counts and latencies of the API, and the engine's figures, in Prometheus text format. */
export class Metrics {
  private readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'abaco_http_requests_total', help: 'HTTP requests by method, route and status.', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly latency = new Histogram({ name: 'abaco_http_request_duration_seconds', help: 'HTTP request latency.', labelNames: ['method', 'route'], buckets: BUCKETS, registers: [this.registry] });
  private readonly queues = this.gauge('abaco_actor_queue_length', "Messages waiting in an actor's inbox.", 'actor');
  private readonly workers = this.gauge('abaco_workers', 'Workers by status.', 'status');
  private readonly executions = this.gauge('abaco_executions', 'Executions by status.', 'status');
  private readonly targets = this.gauge('abaco_autoscaler_target_workers', 'The worker pool the autoscaler wants for an actor (its last decision).', 'actor');

  record(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.latency.observe({ method, route }, seconds);
  }

  async render(abaco: Abaco): Promise<string> {
    const { queues, workers, executions } = await abaco.reports.metrics();
    refill(this.queues, 'actor', queues.map((q) => [q.actor, q.length]));
    refill(this.workers, 'status', Object.entries(workers));
    refill(this.executions, 'status', Object.entries(executions));
    refill(this.targets, 'actor', [...abaco.autoscaler.targets]);
    return this.registry.metrics();
  }

  private gauge(name: string, help: string, label: string): Gauge<string> {
    return new Gauge({ name, help, labelNames: [label], registers: [this.registry] });
  }
}

/** Replaces every series of a one-label gauge (so that series of deleted actors go). */
function refill(gauge: Gauge<string>, label: string, values: [string, number | undefined][]): void {
  gauge.reset();
  for (const [key, n] of values) gauge.set({ [label]: key }, n ?? 0);
}
