import type { NonceTarget } from '@abaco/core';
import { objectBody } from '../body.js';
import type { Call, Router } from '../route.js';

/** Aliases, nonces (of actors and of aliases) and actor configs, with their permissions. */
export function sharingRoutes(r: Router): void {
  r.route('GET', '/aliases', { action: 'aliases.list' }, async (c) => {
    return c.ok('Aliases retrieved successfully.', (await c.abaco.aliases.list(c.who)).map((a) => c.present.alias(a)));
  });
  r.route('POST', '/aliases', { action: 'aliases.create' }, async (c) => {
    return c.ok('Actor alias created successfully.', c.present.alias(await c.abaco.aliases.create(c.who, objectBody(c.body))), 201);
  });
  r.route('GET', '/aliases/:alias', { action: 'alias.read', target: 'alias' }, async (c) => {
    return c.ok('Alias retrieved successfully.', c.present.alias(await c.abaco.aliases.get(c.who, c.params.alias!)));
  });
  r.route('PUT', '/aliases/:alias', { action: 'alias.update', target: 'alias' }, async (c) => {
    return c.ok('Alias updated successfully.', c.present.alias(await c.abaco.aliases.update(c.who, c.params.alias!, objectBody(c.body))));
  });
  r.route('DELETE', '/aliases/:alias', { action: 'alias.delete', target: 'alias' }, async (c) => {
    await c.abaco.aliases.delete(c.who, c.params.alias!);
    return c.ok('Alias deleted successfully.', null);
  });
  r.route('GET', '/aliases/:alias/permissions', { action: 'alias.permissions.read', target: 'alias' }, async (c) => {
    return c.ok('Permissions retrieved successfully.', await c.abaco.permissions.list(c.who, { alias: c.params.alias! }));
  });
  r.route('POST', '/aliases/:alias/permissions', { action: 'alias.permissions.grant', target: 'alias' }, async (c) => {
    return c.ok('Permission added successfully.', await c.abaco.permissions.grant(c.who, { alias: c.params.alias! }, objectBody(c.body)));
  });

  const nonceRoutes = (base: string, param: 'actorId' | 'alias', action: 'actor.nonces.manage' | 'alias.nonces.manage', target: (c: Call) => NonceTarget) => {
    r.route('GET', `${base}/nonces`, { action, target: param }, async (c) => {
      return c.ok('Actor nonces retrieved successfully.', (await c.abaco.nonces.list(c.who, target(c))).map((n) => c.present.nonce(n)));
    });
    r.route('POST', `${base}/nonces`, { action, target: param }, async (c) => {
      return c.ok('Actor nonce created successfully.', c.present.nonce(await c.abaco.nonces.create(c.who, target(c), objectBody(c.body))), 201);
    });
    r.route('GET', `${base}/nonces/:nonceId`, { action, target: param }, async (c) => {
      return c.ok('Actor nonce retrieved successfully.', c.present.nonce(await c.abaco.nonces.get(c.who, target(c), c.params.nonceId!)));
    });
    r.route('DELETE', `${base}/nonces/:nonceId`, { action, target: param }, async (c) => {
      await c.abaco.nonces.delete(c.who, target(c), c.params.nonceId!);
      return c.ok('Actor nonce deleted successfully.', null);
    });
  };
  nonceRoutes('/:actorId', 'actorId', 'actor.nonces.manage', (c) => ({ actor: c.params.actorId! }));
  nonceRoutes('/aliases/:alias', 'alias', 'alias.nonces.manage', (c) => ({ alias: c.params.alias! }));

  r.route('GET', '/configs', { action: 'configs.list' }, async (c) => {
    return c.ok('Configs retrieved successfully.', (await c.abaco.configs.list(c.who)).map((x) => c.present.config(x)));
  });
  r.route('POST', '/configs', { action: 'configs.create' }, async (c) => {
    return c.ok('Config created successfully.', c.present.config(await c.abaco.configs.create(c.who, objectBody(c.body))), 201);
  });
  r.route('GET', '/configs/:name', { action: 'config.read' }, async (c) => {
    return c.ok('Config retrieved successfully.', c.present.config(await c.abaco.configs.get(c.who, c.params.name!)));
  });
  r.route('PUT', '/configs/:name', { action: 'config.update' }, async (c) => {
    return c.ok('Config updated successfully.', c.present.config(await c.abaco.configs.update(c.who, c.params.name!, objectBody(c.body))));
  });
  r.route('DELETE', '/configs/:name', { action: 'config.delete' }, async (c) => {
    await c.abaco.configs.delete(c.who, c.params.name!);
    return c.ok('Config deleted successfully.', null);
  });
  r.route('GET', '/configs/:name/permissions', { action: 'config.permissions.read' }, async (c) => {
    return c.ok('Permissions retrieved successfully.', await c.abaco.permissions.list(c.who, { config: c.params.name! }));
  });
  r.route('POST', '/configs/:name/permissions', { action: 'config.permissions.grant' }, async (c) => {
    return c.ok('Permission added successfully.', await c.abaco.permissions.grant(c.who, { config: c.params.name! }, objectBody(c.body)));
  });
}
