import { jsonBody, objectBody } from '../body.js';
import { searching, type Router } from '../route.js';

/** Actors, their state and their permissions. */
export function actorRoutes(r: Router): void {
  r.route('GET', '', { action: 'actors.list' }, async (c) => {
    if (searching(c)) return c.ok('Actors search completed successfully.', c.present.searchResult(await c.abaco.search.search(c.who, 'actors', c.query)));
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
