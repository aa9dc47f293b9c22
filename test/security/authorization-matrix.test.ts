// The authorization matrix: every route of the API × every kind of caller, over HTTP, against the
// status the policy table (`POLICY` and `decide` in @abaco/core) gives. The expected statuses are
// computed here from the test's own grants and the table, never read back from the server.
import t from 'tap';
import { request } from 'undici';
import { pino } from 'pino';
import { Abaco, decide, identity, POLICY, type Action, type Identity, type Level, type Role } from '@abaco/core';
import { buildServer, type RouteEntry } from '@abaco/http';

interface Caller {
  name: string;
  token?: string;
  /** Whose identity the request has (a nonce: its owner's, confined). */
  who?: Identity;
  /** The level the caller holds on every fixture resource (actor, alias, config). */
  held: Level;
  /** A nonce, by what it was made for. */
  nonce?: { level: Level; on: 'actor' | 'otherActor' | 'alias' };
  otherTenant?: boolean;
}

const users: Record<string, { user: string; tenant: string; roles: Role[]; held: Level }> = {
  owner: { user: 'alice', tenant: 'TACC', roles: ['user'], held: 'UPDATE' },
  admin: { user: 'root', tenant: 'TACC', roles: ['admin'], held: 'UPDATE' },
  privileged: { user: 'pat', tenant: 'TACC', roles: ['privileged'], held: 'NONE' },
  reader: { user: 'rita', tenant: 'TACC', roles: ['user'], held: 'READ' },
  executor: { user: 'ed', tenant: 'TACC', roles: ['user'], held: 'EXECUTE' },
  updater: { user: 'ursula', tenant: 'TACC', roles: ['user'], held: 'UPDATE' },
  limited: { user: 'lim', tenant: 'TACC', roles: ['limited'], held: 'READ' },
  stranger: { user: 'sam', tenant: 'TACC', roles: ['user'], held: 'NONE' },
  otherTenantAdmin: { user: 'eve', tenant: 'OTHER', roles: ['admin'], held: 'NONE' },
};

const callers: Caller[] = [
  ...Object.entries(users).map(([name, u]) => ({ name, token: `${name}-token`, who: identity(u.user, u.tenant, u.roles), held: u.held, otherTenant: u.tenant !== 'TACC' })),
  { name: 'anonymous', held: 'NONE' },
  ...(['READ', 'EXECUTE', 'UPDATE'] as const).map((level) => ({ name: `${level} nonce`, held: 'UPDATE' as const, nonce: { level, on: 'actor' as const } })),
  { name: 'nonce of another actor', held: 'UPDATE', nonce: { level: 'UPDATE', on: 'otherActor' } },
  { name: 'alias nonce', held: 'UPDATE', nonce: { level: 'EXECUTE', on: 'alias' } },
];

/**
 * What each route does, as the policy's reader expects (the server's own route table must agree):
 * a route the server wires to another action, or a route missing here, fails the test.
 */
const ACTIONS: Record<string, Action> = {
  'GET /actors/v2': 'actors.list',
  'POST /actors/v2': 'actors.create',
  'GET /actors/v2/:actorId': 'actor.read',
  'PUT /actors/v2/:actorId': 'actor.update',
  'DELETE /actors/v2/:actorId': 'actor.delete',
  'GET /actors/v2/:actorId/state': 'actor.read',
  'POST /actors/v2/:actorId/state': 'state.write',
  'GET /actors/v2/:actorId/permissions': 'actor.permissions.read',
  'POST /actors/v2/:actorId/permissions': 'actor.permissions.grant',
  'GET /actors/v2/:actorId/messages': 'actor.read',
  'POST /actors/v2/:actorId/messages': 'messages.send',
  'DELETE /actors/v2/:actorId/messages': 'messages.purge',
  'GET /actors/v2/:actorId/executions': 'executions.read',
  'GET /actors/v2/:actorId/executions/:executionId': 'executions.read',
  'DELETE /actors/v2/:actorId/executions/:executionId': 'executions.halt',
  'GET /actors/v2/:actorId/executions/:executionId/logs': 'executions.read',
  'GET /actors/v2/:actorId/executions/:executionId/results': 'executions.read',
  'GET /actors/v2/:actorId/workers': 'actor.read',
  'POST /actors/v2/:actorId/workers': 'workers.create',
  'GET /actors/v2/:actorId/workers/:workerId': 'actor.read',
  'DELETE /actors/v2/:actorId/workers/:workerId': 'workers.stop',
  'GET /actors/v2/:actorId/nonces': 'actor.nonces.manage',
  'POST /actors/v2/:actorId/nonces': 'actor.nonces.manage',
  'GET /actors/v2/:actorId/nonces/:nonceId': 'actor.nonces.manage',
  'DELETE /actors/v2/:actorId/nonces/:nonceId': 'actor.nonces.manage',
  'GET /actors/v2/aliases': 'aliases.list',
  'POST /actors/v2/aliases': 'aliases.create',
  'GET /actors/v2/aliases/:alias': 'alias.read',
  'PUT /actors/v2/aliases/:alias': 'alias.update',
  'DELETE /actors/v2/aliases/:alias': 'alias.delete',
  'GET /actors/v2/aliases/:alias/permissions': 'alias.permissions.read',
  'POST /actors/v2/aliases/:alias/permissions': 'alias.permissions.grant',
  'GET /actors/v2/aliases/:alias/nonces': 'alias.nonces.manage',
  'POST /actors/v2/aliases/:alias/nonces': 'alias.nonces.manage',
  'GET /actors/v2/aliases/:alias/nonces/:nonceId': 'alias.nonces.manage',
  'DELETE /actors/v2/aliases/:alias/nonces/:nonceId': 'alias.nonces.manage',
  'GET /actors/v2/configs': 'configs.list',
  'POST /actors/v2/configs': 'configs.create',
  'GET /actors/v2/configs/:name': 'config.read',
  'PUT /actors/v2/configs/:name': 'config.update',
  'DELETE /actors/v2/configs/:name': 'config.delete',
  'GET /actors/v2/configs/:name/permissions': 'config.permissions.read',
  'POST /actors/v2/configs/:name/permissions': 'config.permissions.grant',
  'GET /actors/v2/search/:collection': 'actors.search',
  'GET /actors/v2/utilization': 'tenant.utilization',
  'GET /actors/v2/stats': 'actors.stats',
  'GET /actors/v2/admin': 'tenant.admin',
  'GET /actors/v2/admin/workers': 'tenant.admin',
  'GET /actors/v2/admin/executions': 'tenant.admin',
  'GET /actors/v2/admin/nodes': 'nodes.list',
  'GET /cron': 'tenant.admin',
  'GET /admin/dashboard': 'tenant.admin',
};

/** Bodies of the routes that take one. */
const bodies: Record<string, unknown> = {
  'POST /actors/v2': { image: 'x' },
  'PUT /actors/v2/:actorId': { image: 'x', description: 'changed' },
  'POST /actors/v2/:actorId/state': { count: 1 },
  'POST /actors/v2/:actorId/messages': { message: 'hi' },
  'POST /actors/v2/:actorId/permissions': { user: 'zed', level: 'READ' },
  'POST /actors/v2/:actorId/nonces': { level: 'READ' },
  'POST /actors/v2/:actorId/workers': { num: 0 },
  'POST /actors/v2/aliases': { alias: 'fresh:n', actor_id: ':actorId' },
  'PUT /actors/v2/aliases/:alias': { actor_id: ':actorId' },
  'POST /actors/v2/aliases/:alias/permissions': { user: 'zed', level: 'READ' },
  'POST /actors/v2/aliases/:alias/nonces': { level: 'READ' },
  'POST /actors/v2/configs': { name: 'fresh:n', value: 'v', is_secret: false, actors: ':actorId' },
  'PUT /actors/v2/configs/:name': { value: 'w', is_secret: false, actors: ':actorId' },
  'POST /actors/v2/configs/:name/permissions': { user: 'zed', level: 'READ' },
};

/** What an allowed request answers when it is refused for another reason than authorization, after it. */
const afterAuthorization: Record<string, number> = {
  'DELETE /actors/v2/:actorId/executions/:executionId': 400, // the execution is not RUNNING
  'GET /actors/v2/:actorId/workers/:workerId': 404, // no such worker
  'DELETE /actors/v2/:actorId/workers/:workerId': 404,
};

/** The same, for a caller of another tenant, who may create in its own tenant but finds no fixture there. */
const otherTenantAfterAuthorization: Record<string, number> = {
  'POST /actors/v2/aliases': 404, // no such actor in its tenant
  'POST /actors/v2/configs': 404, // "No actor or alias found with id: ..."
};

/** Routes that act on a second resource too: the action the policy is asked on the fixture actor. */
const alsoOnActor: Record<string, Action> = {
  'POST /actors/v2/aliases': 'actor.share',
  'PUT /actors/v2/aliases/:alias': 'actor.share',
  'POST /actors/v2/configs': 'actor.share',
  'PUT /actors/v2/configs/:name': 'actor.share',
  'GET /actors/v2/aliases/:alias/nonces': 'actor.nonces.manage',
  'POST /actors/v2/aliases/:alias/nonces': 'actor.nonces.manage',
  'GET /actors/v2/aliases/:alias/nonces/:nonceId': 'actor.nonces.manage',
  'DELETE /actors/v2/aliases/:alias/nonces/:nonceId': 'actor.nonces.manage',
};

interface Fixture {
  n: number;
  actorId: string;
  otherActorId: string;
  alias: string;
  config: string;
  executionId: string;
  nonces: Record<'actor' | 'otherActor' | 'alias', Record<string, string>>;
}

let serial = 0;

/** A fresh actor (stateful), another actor, an alias, a config, an execution and nonces, shared as the callers need. */
async function fixture(abaco: Abaco): Promise<Fixture> {
  const n = ++serial;
  const alice = identity('alice', 'TACC');
  const actor = await abaco.actors.create(alice, { image: 'x', stateless: false });
  const other = await abaco.actors.create(alice, { image: 'x' });
  const alias = `al${n}`;
  const config = `cfg${n}`;
  await abaco.aliases.create(alice, { alias, actorId: actor.id });
  await abaco.configs.create(alice, { name: config, value: 'v', isSecret: false, actors: actor.id });
  for (const u of Object.values(users)) {
    if (u.user === 'alice' || u.held === 'NONE' || u.roles.includes('admin')) continue;
    for (const target of [{ actor: actor.id }, { alias }, { config }]) await abaco.permissions.grant(alice, target, { user: u.user, level: u.held });
  }
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'queued' });
  const nonces: Fixture['nonces'] = { actor: {}, otherActor: {}, alias: {} };
  for (const level of ['READ', 'EXECUTE', 'UPDATE']) nonces.actor[level] = (await abaco.nonces.create(alice, { actor: actor.id }, { level })).id;
  nonces.otherActor.UPDATE = (await abaco.nonces.create(alice, { actor: other.id }, { level: 'UPDATE' })).id;
  nonces.alias.EXECUTE = (await abaco.nonces.create(alice, { alias }, { level: 'EXECUTE' })).id;
  return { n, actorId: actor.id, otherActorId: other.id, alias, config, executionId: execution.id, nonces };
}

function fill(text: string, f: Fixture): string {
  return text
    .replace('/aliases/:alias/nonces/:nonceId', `/aliases/:alias/nonces/${f.nonces.alias.EXECUTE}`)
    .replace(':actorId', f.actorId)
    .replace(':alias', f.alias)
    .replace(':name', f.config)
    .replace(':executionId', f.executionId)
    .replace(':workerId', 'NoSuchWorker1')
    .replace(':nonceId', f.nonces.actor.READ!)
    .replace(':collection', 'executions')
    .replace(':n', String(f.n));
}

/** The status the policy gives a caller on a route (2xx written as 200). */
function expected(route: RouteEntry, caller: Caller): number {
  const key = `${route.method} ${route.url}`;
  const allowed = afterAuthorization[key] ?? 200;
  if (!caller.who && !caller.nonce) return 401;
  const action = ACTIONS[key]!;
  const rule = POLICY[action];
  if (caller.otherTenant && rule.on !== 'tenant') return 404;
  if (caller.otherTenant) return decide(caller.who!, action, { held: 'NONE', nonceFits: false, privilegedActor: false }) ? 403 : (otherTenantAfterAuthorization[key] ?? allowed);
  let who = caller.who!;
  let nonceFits = false;
  if (caller.nonce) {
    if (!rule.nonce) return 403;
    const target = route.target === 'alias' ? 'alias' : 'actor';
    nonceFits = caller.nonce.on === target;
    who = { ...identity('alice', 'TACC'), nonce: { id: 'n', level: caller.nonce.level, actorId: null, alias: null } };
    if (!nonceFits) return 403;
  }
  const facts = { held: caller.held, nonceFits, privilegedActor: false };
  if (decide(who, action, facts)) return 403;
  const also = alsoOnActor[key];
  return also && decide(who, also, facts) ? 403 : allowed;
}

t.test('every route × every caller answers as the policy table says', async (t) => {
  const abaco = await Abaco.open({ logger: pino({ level: 'silent' }), settings: { secretKey: '0'.repeat(64), cronIntervalMs: 0, autoscaleIntervalMs: 0 } });
  const tokens = Object.fromEntries(Object.entries(users).map(([name, { user, tenant, roles }]) => [`${name}-token`, { user, tenant, roles }]));
  const app = await buildServer(abaco, { tokens });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await abaco.close({ kill: true });
  });
  // Each route is served under /actors and /actors/v2: the latter is checked; the root routes too.
  const routes = app.abacoRoutes.filter((r) => r.url.startsWith('/actors/v2') || !r.url.startsWith('/actors'));
  t.same(routes.map((r) => `${r.method} ${r.url}`).sort(), Object.keys(ACTIONS).sort(), 'every route of the server is in the matrix');
  for (const route of routes) {
    const key = `${route.method} ${route.url}`;
    t.equal(route.action, ACTIONS[key], `${key} does ${ACTIONS[key]}`);
    if (route.method === 'POST' || route.method === 'PUT') t.ok(key in bodies, `${key} has a body in this test`);
    const wrong: string[] = [];
    for (const caller of callers) {
      const f = await fixture(abaco);
      const headers: Record<string, string> = {};
      if (caller.token) headers.authorization = `Bearer ${caller.token}`;
      let path = fill(route.url, f);
      if (caller.nonce) path += `?x-nonce=${f.nonces[caller.nonce.on][caller.nonce.level]}`;
      const body = bodies[key] === undefined ? undefined : fill(JSON.stringify(bodies[key]), f);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const answer = await request(`${url}${path}`, { method: route.method, headers, body });
      const text = await answer.body.text();
      const want = expected(route, caller);
      const got = answer.statusCode;
      const fits = want === 200 ? got >= 200 && got < 300 : got === want;
      if (!fits) wrong.push(`${caller.name}: expected ${want === 200 ? '2xx' : want}, got ${got} ${text.slice(0, 160)}`);
    }
    t.same(wrong, [], `${key} (${route.action})`);
  }
});
