import { jsonBody, objectBody } from '../body.js';
import { HttpError } from '../envelope.js';
import { searching, type Call, type Router } from '../route.js';

/** The parameters of a v3 actor list that page it rather than search. */
const PAGING = new Set(['limit', 'offset', 'x-nonce']);

/** A paging parameter: a whole number, 0 or more, given once; undefined when not given. */
function count(query: Record<string, unknown>, name: 'limit' | 'offset'): number | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (Number.isNaN(value)) throw new HttpError(400, `Invalid actor list: '${name}' must be a whole number, 0 or more, given once; got ${JSON.stringify(raw).slice(0, 40)}.`);
  return value;
}

/**
 * The v3 actor list (`GET /v3/actors?limit=&offset=`): a page of the list, with the counts in the
 * envelope's `metadata` (named as a search's `_metadata`).
 */
async function page(c: Call) {
  const limit = count(c.query, 'limit');
  const offset = count(c.query, 'offset') ?? 0;
  const actors = await c.abaco.actors.list(c.who);
  const shown = actors.slice(offset, limit === undefined ? undefined : offset + limit);
  const metadata = c.present.cased({ totalCount: actors.length, recordsSkipped: offset, recordLimit: limit ?? null, countReturned: shown.length });
  return c.ok('Actors retrieved successfully.', shown.map((a) => c.present.actor(a)), 200, metadata);
}

/** A v3 search names v2's `skip` `offset`. */
function searchQuery(c: Call): Record<string, unknown> {
  if (c.api !== 'v3' || c.query.offset === undefined || c.query.skip !== undefined) return c.query;
  const { offset, ...rest } = c.query;
  return { ...rest, skip: offset };
}

/** Actors, their state and their permissions. In v3, `limit` and `offset` page the actor list. */
export function actorRoutes(r: Router): void {
  r.route('GET', '', { action: 'actors.list' }, async (c) => {
    if (c.api === 'v3' && Object.keys(c.query).every((key) => PAGING.has(key))) return page(c);
    if (searching(c)) return c.ok('Actors search completed successfully.', c.present.searchResult(await c.abaco.search.search(c.who, 'actors', searchQuery(c))));
    const actors = await c.abaco.actors.list(c.who);
    return c.ok('Actors retrieved successfully.', actors.map((a) => c.present.actor(a)));
  });

  r.route('POST', '', { action: 'actors.create' }, async (c) => {
    const actor = await c.abaco.actors.create(c.who, objectBody(c.body));
    return c.ok('Actor created successfully.', c.present.actor(actor), 201);
  });

  r.route('GET', '/:actorId', { action: 'actor.read', target: 'actorId' }, async (c) => {
    return c.ok('Actor retrieved successfully.', c.present.actor(await c.abaco.actors.get(c.who, c.params.actorId!)));
  });

  r.route('PUT', '/:actorId', { action: 'actor.update', target: 'actorId' }, async (c) => {
    return c.ok('Actor updated successfully.', c.present.actor(await c.abaco.actors.update(c.who, c.params.actorId!, objectBody(c.body))));
  });

  r.route('DELETE', '/:actorId', { action: 'actor.delete', target: 'actorId' }, async (c) => {
    await c.abaco.actors.delete(c.who, c.params.actorId!);
    return c.ok('Actor deleted successfully.', null);
  });

  r.route('GET', '/:actorId/state', { action: 'actor.read', target: 'actorId' }, async (c) => {
    const { actor, state } = await c.abaco.state.get(c.who, c.params.actorId!);
    return c.ok('Actor state retrieved successfully.', c.present.cased({ actorId: actor.id, state }));
  });

  r.route('POST', '/:actorId/state', { action: 'state.write', target: 'actorId' }, async (c) => {
    await c.abaco.state.set(c.who, c.params.actorId!, jsonBody(c.body));
    return c.ok('State updated successfully.', c.present.actor(await c.abaco.actors.get(c.who, c.params.actorId!)));
  });

  r.route('GET', '/:actorId/permissions', { action: 'actor.permissions.read', target: 'actorId' }, async (c) => {
    return c.ok('Permissions retrieved successfully.', await c.abaco.permissions.list(c.who, { actor: c.params.actorId! }));
  });

  r.route('POST', '/:actorId/permissions', { action: 'actor.permissions.grant', target: 'actorId' }, async (c) => {
    return c.ok('Permission added successfully.', await c.abaco.permissions.grant(c.who, { actor: c.params.actorId! }, objectBody(c.body)));
  });
}
