import { objectBody } from '../body.js';
import { HttpError } from '../envelope.js';
import { searching, type Router } from '../route.js';

/** The workers of an actor. */
export function workerRoutes(r: Router): void {
  r.route('GET', '/:actorId/workers', { action: 'actor.read', target: 'actorId' }, async (c) => {
    if (searching(c)) {
      const result = await c.abaco.search.search(c.who, 'workers', c.query, { actor: c.params.actorId! });
      return c.ok('Workers search completed successfully.', c.present.searchResult(result));
    }
    const { workers } = await c.abaco.workers.list(c.who, c.params.actorId!);
    return c.ok('Workers retrieved successfully.', workers.map((w) => c.present.worker(w)));
  });
  r.route('POST', '/:actorId/workers', { action: 'workers.create', target: 'actorId' }, async (c) => {
    const raw = objectBody(c.body).num ?? 1;
    const num = Number(raw);
    if (!Number.isInteger(num) || num < 0) throw new HttpError(400, `Invalid workers description: {'num': 'must be a whole number of workers, 0 or more'}`);
    const { before, started } = await c.abaco.workers.ensure(c.who, c.params.actorId!, num);
    return c.ok(`Scheduled ${started} new worker(s) to start. Previously, there were ${before} workers.`, null);
  });
  r.route('GET', '/:actorId/workers/:workerId', { action: 'actor.read', target: 'actorId' }, async (c) => {
    return c.ok('Worker retrieved successfully.', c.present.worker(await c.abaco.workers.get(c.who, c.params.actorId!, c.params.workerId!)));
  });
  r.route('DELETE', '/:actorId/workers/:workerId', { action: 'workers.stop', target: 'actorId' }, async (c) => {
    await c.abaco.workers.stop(c.who, c.params.actorId!, c.params.workerId!);
    return c.ok('Worker scheduled to be stopped.', null);
  });
}
