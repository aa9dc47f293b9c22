import { objectBody } from '../body.js';
import { HttpError } from '../envelope.js';
import { searching, type Router } from '../route.js';

/** Workers of an actor, utilization, and the admin summaries. */
export function workerRoutes(r: Router): void {
  r.route('GET', '/:actorId/workers', { target: 'actorId' }, async (c) => {
    if (searching(c)) {
      const result = await c.abaco.search.search(c.who, 'workers', c.query, { actor: c.params.actorId! });
      return c.ok('Workers search completed successfully.', c.present.searchResult(result));
    }
    const { workers } = await c.abaco.workers.list(c.who, c.params.actorId!);
    return c.ok('Workers retrieved successfully.', workers.map((w) => c.present.worker(w)));
  });
  r.route('POST', '/:actorId/workers', { target: 'actorId' }, async (c) => {
    const raw = objectBody(c.body).num ?? 1;
    const num = Number(raw);
    if (!Number.isInteger(num) || num < 0) throw new HttpError(400, `Invalid workers description: {'num': 'must be a whole number of workers, 0 or more'}`);
    const { before, started } = await c.abaco.workers.ensure(c.who, c.params.actorId!, num);
    return c.ok(`Scheduled ${started} new worker(s) to start. Previously, there were ${before} workers.`, null);
  });
  r.route('GET', '/:actorId/workers/:workerId', { target: 'actorId' }, async (c) => {
    return c.ok('Worker retrieved successfully.', c.present.worker(await c.abaco.workers.get(c.who, c.params.actorId!, c.params.workerId!)));
  });
  r.route('DELETE', '/:actorId/workers/:workerId', { target: 'actorId' }, async (c) => {
    await c.abaco.workers.stop(c.who, c.params.actorId!, c.params.workerId!);
    return c.ok('Worker scheduled to be stopped.', null);
  });

  r.route('GET', '/utilization', { target: null }, async (c) => {
    return c.ok('Abaco utilization returned successfully.', await c.abaco.reports.utilization(c.who));
  });

  r.route('GET', '/admin', { target: null }, async (c) => {
    const reports = await c.abaco.reports.actors(c.who);
    const result = reports.map((report) => ({ ...c.present.actor({ ...report.actor, state: undefined }), workers: report.workers.map((w) => c.present.worker(w)), messages: report.messages }));
    return c.ok('Actors retrieved successfully.', c.present.cased({ actors: result, totalActors: reports.length, totalWorkers: reports.reduce((n, r) => n + r.workers.length, 0), totalMessages: reports.reduce((n, r) => n + r.messages, 0) }));
  });
  r.route('GET', '/admin/workers', { target: null }, async (c) => {
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
  r.route('GET', '/admin/executions', { target: null }, async (c) => {
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

  r.route('GET', '/search/:collection', { target: null }, async (c) => {
    const result = await c.abaco.search.search(c.who, c.params.collection!, c.query);
    return c.ok('Search completed successfully.', c.present.searchResult(result));
  });
}
