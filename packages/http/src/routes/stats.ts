import { BadRequestError, isAdmin } from '@abaco/core';
import type { Router } from '../route.js';

/**
 * Activity for the console's charts: per minute over the last `minutes` (at most 60), messages
 * queued, executions ended by status and their durations, with each actor's queue and workers now;
 * of one actor (`actor=`, READ on it) or of a page (`limit`, `skip`) of the actors the caller may
 * read. Admins also get the tenant's utilization and the nodes.
 */
export function statsRoutes(r: Router): void {
  r.route('GET', '/stats', { action: 'actors.stats' }, async (c) => {
    const { actor, minutes, limit, skip } = c.query;
    if (actor !== undefined && typeof actor !== 'string') throw new BadRequestError('actor must be one actor id or alias.');
    const activity = await c.abaco.activity.read(c.who, { actor, minutes, limit, skip });
    const admin = isAdmin(c.who) ? { utilization: await c.abaco.reports.utilization(c.who), nodes: await c.abaco.nodes.list(c.who) } : {};
    return c.ok('Activity retrieved successfully.', c.present.cased({ ...activity, ...admin }));
  });
}
