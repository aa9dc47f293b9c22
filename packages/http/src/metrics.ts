import type { Abaco } from '@abaco/core';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Series {
  count: number;
  sum: number;
  buckets: number[];
}

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Request counts and latencies of the API, and the engine's figures, in Prometheus text format. */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latencies = new Map<string, Series>();

  record(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${label(method)}",route="${label(route)}"`;
    const counted = `${key},status="${status}"`;
    this.requests.set(counted, (this.requests.get(counted) ?? 0) + 1);
    const series = this.latencies.get(key) ?? { count: 0, sum: 0, buckets: BUCKETS.map(() => 0) };
    series.count++;
    series.sum += seconds;
    BUCKETS.forEach((bound, i) => seconds <= bound && series.buckets[i]!++);
    this.latencies.set(key, series);
  }

  async render(abaco: Abaco): Promise<string> {
    const { queues, workers, executions } = await abaco.reports.metrics();
    const lines: string[] = [];
    lines.push('# HELP abaco_http_requests_total HTTP requests by method, route and status.', '# TYPE abaco_http_requests_total counter');
    for (const [key, n] of this.requests) lines.push(`abaco_http_requests_total{${key}} ${n}`);
    lines.push('# HELP abaco_http_request_duration_seconds HTTP request latency.', '# TYPE abaco_http_request_duration_seconds histogram');
    for (const [key, s] of this.latencies) {
      BUCKETS.forEach((bound, i) => lines.push(`abaco_http_request_duration_seconds_bucket{${key},le="${bound}"} ${s.buckets[i]}`));
      lines.push(`abaco_http_request_duration_seconds_bucket{${key},le="+Inf"} ${s.count}`);
      lines.push(`abaco_http_request_duration_seconds_sum{${key}} ${s.sum}`, `abaco_http_request_duration_seconds_count{${key}} ${s.count}`);
    }
    lines.push('# HELP abaco_actor_queue_length Messages waiting in an actor\'s inbox.', '# TYPE abaco_actor_queue_length gauge');
    for (const q of queues) lines.push(`abaco_actor_queue_length{actor="${label(q.actor)}"} ${q.length}`);
    lines.push('# HELP abaco_workers Workers by status.', '# TYPE abaco_workers gauge');
    for (const [status, n] of Object.entries(workers)) lines.push(`abaco_workers{status="${label(status)}"} ${n}`);
    lines.push('# HELP abaco_executions Executions by status.', '# TYPE abaco_executions gauge');
    for (const [status, n] of Object.entries(executions)) lines.push(`abaco_executions{status="${status}"} ${n}`);
    return `${lines.join('\n')}\n`;
  }
}
