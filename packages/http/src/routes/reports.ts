import type { Router } from '../route.js';

/** Utilization (any user), the admin summaries of actors, workers and executions, and the nodes. */
export function reportRoutes(r: Router): void {
  r.route('GET', '/utilization', { action: 'tenant.utilization' }, async (c) => {
    return c.ok('Abaco utilization returned successfully.', await c.abaco.reports.utilization(c.who));
  });

  r.route('GET', '/admin', { action: 'tenant.admin' }, async (c) => {
    const reports = await c.abaco.reports.actors(c.who);
    const result = reports.map((report) => ({ ...c.present.actor({ ...report.actor, state: undefined }), workers: report.workers.map((w) => c.present.worker(w)), messages: report.messages }));
    return c.ok('Actors retrieved successfully.', c.present.cased({ actors: result, totalActors: reports.length, totalWorkers: reports.reduce((n, r) => n + r.workers.length, 0), totalMessages: reports.reduce((n, r) => n + r.messages, 0) }));
  });
  r.route('GET', '/admin/workers', { action: 'tenant.admin' }, async (c) => {
    const reports = await c.abaco.reports.actors(c.who);
    const workers = reports.flatMap((report) => report.workers);
    const count = (status: string) => workers.filter((w) => w.status === status).length;
    const summary = c.present.cased({
      totalWorkers: workers.length,
      readyWorkers: count('READY'),
      requestedWorkers: count('REQUESTED'),
      errorWorkers: count('ERROR'),
      busyWorkers: count('BUSY'),
      actorsNoWorkers: reports.filter((report) => report.workers.length === 0).length,
    });
    return c.ok('Workers retrieved successfully.', { summary, workers: workers.map((w) => c.present.worker(w)) });
  });
  r.route('GET', '/admin/executions', { action: 'tenant.admin' }, async (c) => {
    const counts = await c.abaco.reports.executions(c.who);
    const total = (pick: (x: (typeof counts)[number]) => number) => counts.reduce((n, x) => n + pick(x), 0);
    const summary = c.present.cased({
      totalActors: counts.length,
      totalExecutions: total((x) => x.total),
      totalExecutionCpu: total((x) => x.totalCpu),
      totalExecutionIo: total((x) => x.totalIo),
      totalExecutionRuntime: total((x) => x.totalRuntime),
      completeExecutions: total((x) => x.byStatus.COMPLETE ?? 0),
      runningExecutions: total((x) => x.byStatus.RUNNING ?? 0),
      submittedExecutions: total((x) => x.byStatus.SUBMITTED ?? 0),
      errorExecutions: total((x) => x.byStatus.ERROR ?? 0),
    });
    return c.ok('Executions retrieved successfully.', { summary, actors: counts.map((x) => c.present.cased({ ...x })) });
  });
  r.route('GET', '/admin/nodes', { action: 'nodes.list' }, async (c) => {
    const nodes = await c.abaco.nodes.list(c.who);
    return c.ok('Nodes retrieved successfully.', { nodes: nodes.map((node) => c.present.cased({ ...node })), leader: nodes.find((node) => node.leader)?.id ?? null });
  });
}
