import { jsonBody, objectBody } from '../body.js';
import { searching, type Router } from '../route.js';

/** Actors, their state and their permissions. */
export function actorRoutes(r: Router): void {
  r.route('GET', '', { target: null }, async (c) => {
    if (searching(c)) return c.ok('Actors search completed successfully.', c.present.searchResult(await c.abaco.search.search(c.who, 'actors', c.query)));
    const actors = await c.abaco.actors.list(c.who);
    return c.ok('Actors retrieved successfully.', actors.map((a) => c.present.actor(a)));
  });

  r.route('POST', '', { target: null }, async (c) => {
    const actor = await c.abaco.actors.create(c.who, objectBody(c.body));
    return c.ok('Actor created successfully.', c.present.actor(actor), 201);
  });

  r.route('GET', '/:actorId', { target: 'actorId' }, async (c) => {
    return c.ok('Actor retrieved successfully.', c.present.actor(await c.abaco.actors.get(c.who, c.params.actorId!)));
  });

  r.route('PUT', '/:actorId', { target: 'actorId' }, async (c) => {
    return c.ok('Actor updated successfully.', c.present.actor(await c.abaco.actors.update(c.who, c.params.actorId!, objectBody(c.body))));
  });

  r.route('DELETE', '/:actorId', { target: 'actorId' }, async (c) => {
    await c.abaco.actors.delete(c.who, c.params.actorId!);
    return c.ok('Actor deleted successfully.', null);
  });

  r.route('GET', '/:actorId/state', { target: 'actorId' }, async (c) => {
    const { actor, state } = await c.abaco.state.get(c.who, c.params.actorId!);
    return c.ok('Actor state retrieved successfully.', c.present.cased({ actorId: actor.id, state }));
  });

  r.route('POST', '/:actorId/state', { target: 'actorId' }, async (c) => {
    await c.abaco.state.set(c.who, c.params.actorId!, jsonBody(c.body));
    return c.ok('State updated successfully.', c.present.actor(await c.abaco.actors.get(c.who, c.params.actorId!)));
  });

  r.route('GET', '/:actorId/permissions', { target: 'actorId' }, async (c) => {
    return c.ok('Permissions retrieved successfully.', await c.abaco.permissions.list(c.who, { actor: c.params.actorId! }));
  });

  r.route('POST', '/:actorId/permissions', { target: 'actorId' }, async (c) => {
    return c.ok('Permission added successfully.', await c.abaco.permissions.grant(c.who, { actor: c.params.actorId! }, objectBody(c.body)));
  });
}
