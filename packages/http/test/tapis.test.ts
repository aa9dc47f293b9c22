import t, { type Test } from 'tap';
import type { JWTPayload, KeyLike } from 'jose';
import { buildServer } from '../src/server.js';
import type { ServerOptions } from '../src/options.js';
import { engine, inAnHour, jwksServer, rsaKeys, sign } from './helpers.js';

/** The claims of a Tapis v3 access token of `user@tenant`. */
const claims = (user: string, tenant: string, more: JWTPayload = {}): JWTPayload => ({
  iss: `https://${tenant}.tapis.io/v3/tokens`,
  sub: `${user}@${tenant}`,
  'tapis/tenant_id': tenant,
  'tapis/username': user,
  'tapis/account_type': 'user',
  'tapis/token_type': 'access',
  'tapis/delegation': false,
  exp: inAnHour(),
  ...more,
});

const tapisToken = (key: KeyLike, user: string, tenant: string, more: JWTPayload = {}) => sign(claims(user, tenant, more), key);

/** The server in process; answers with status, the parsed envelope and the raw headers. */
async function server(t: Test, options: ServerOptions) {
  const app = await buildServer(await engine(t), options);
  t.teardown(() => app.close());
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Record<string, string> = {}, payload?: object) => {
    const response = await app.inject({ method, url, headers, payload });
    const body = response.json() as { message: string; result: any; metadata?: Record<string, unknown> };
    return { ...body, status: response.statusCode, keys: Object.keys(body).sort() };
  };
  return { app, call, as: (token: string, headers: Record<string, string> = {}) => ({ 'x-tapis-token': token, ...headers }) };
}

t.test('an X-Tapis-Token names the user and tenant; roles come from the roles file', async (t) => {
  const tacc = await rsaKeys();
  const { call, as } = await server(t, { tapis: { keys: { tacc: tacc.pem }, roles: { 'root@tacc': ['abaco_admin'] } } });
  const jdoe = await tapisToken(tacc.privateKey, 'jdoe', 'tacc');
  const created = await call('POST', '/v3/actors', as(jdoe), { image: 'abacosamples/wc' });
  t.match(created, { status: 201, result: { owner: 'jdoe' } });
  t.match(created.result._links, { self: new RegExp(`/v3/actors/${created.result.id}$`), executions: new RegExp(`/v3/actors/${created.result.id}/executions$`) }, 'v3 links stay in the v3 API');
  t.match((await call('GET', `/actors/v2/${created.result.id}`, as(jdoe))).result._links, { self: new RegExp(`/actors/v2/${created.result.id}$`) }, 'v2 links in v2');
  t.match(await call('GET', '/actors/v2', as(jdoe)), { status: 200, result: [{ owner: 'jdoe' }] }, 'the same identity on every prefix');
  t.match(await call('GET', '/v3/actors/admin', as(jdoe)), { status: 403 }, 'a user the roles file does not list is a user');
  const root = await tapisToken(tacc.privateKey, 'root', 'tacc');
  t.match(await call('GET', '/v3/actors/admin', as(root)), { status: 200, result: { actors: [{ owner: 'jdoe' }] } }, 'abaco_admin of the roles file');
});

t.test('the signed tapis/tenant_id chooses the key: a token never passes for another tenant', async (t) => {
  const a = await rsaKeys();
  const b = await rsaKeys();
  const any = await rsaKeys();
  const { call, as } = await server(t, { tapis: { keys: { 'TENANT-A': a.pem, 'tenant-b': b.pem, '*': any.pem } } });
  t.match(await call('GET', '/v3/actors', as(await tapisToken(a.privateKey, 'jdoe', 'tenant-a'))), { status: 200 }, "A's token, A's key (tenant case aside)");
  t.match(await call('GET', '/v3/actors', as(await tapisToken(a.privateKey, 'jdoe', 'tenant-b'))), { status: 401, message: 'Invalid JWT.' }, "signed with A's key, naming B");
  t.match(await call('GET', '/v3/actors', as(await tapisToken(any.privateKey, 'jdoe', 'tenant-a'))), { status: 401, message: 'Invalid JWT.' }, 'a tenant with its own key refuses the shared one');
  t.match(await call('GET', '/v3/actors', as(await tapisToken(any.privateKey, 'jdoe', 'tenant-c'))), { status: 200 }, 'a tenant without one: the key for any tenant');
  t.match(await call('GET', '/v3/actors', as(await tapisToken(a.privateKey, 'jdoe', 'tenant-c'))), { status: 401, message: 'Invalid JWT.' }, "A's key, naming C");
  const { call: strict } = await server(t, { tapis: { keys: { 'tenant-a': a.pem } } });
  t.match(await strict('GET', '/v3/actors', as(await tapisToken(a.privateKey, 'jdoe', 'tenant-c'))), { status: 401, message: 'Invalid JWT: this server has no key for X-Tapis-Token headers of tenant "tenant-c".' });
  t.match(await strict('GET', '/v3/actors', as(await sign({ ...claims('jdoe', 'tenant-a'), 'tapis/tenant_id': undefined }, a.privateKey))), { status: 401, message: 'Invalid JWT: the claim tapis/tenant_id (the tenant) is required.' });
});

t.test('iss (per tenant), exp, token type, account type and sub are checked', async (t) => {
  const key = await rsaKeys();
  const issuers = { tacc: 'https://tacc.tapis.io/v3/tokens', '*': 'https://admin.tapis.io/v3/tokens' };
  const { call, as } = await server(t, { tapis: { keys: { '*': key.pem }, issuers } });
  const check = async (user: string, tenant: string, more: JWTPayload) => call('GET', '/v3/actors', as(await tapisToken(key.privateKey, user, tenant, more)));
  t.match(await check('jdoe', 'tacc', {}), { status: 200 }, 'the iss of tacc');
  t.match(await check('jdoe', 'dev', {}), { status: 401, message: 'Invalid JWT: the claim iss does not name an issuer this server trusts.' }, "dev's tokens must carry the default iss");
  t.match(await check('jdoe', 'dev', { iss: 'https://admin.tapis.io/v3/tokens' }), { status: 200 });
  t.match(await check('jdoe', 'tacc', { iss: 'https://admin.tapis.io/v3/tokens' }), { status: 401 }, "tacc's own iss, not the default");
  t.match(await check('jdoe', 'tacc', { exp: Math.floor(Date.now() / 1000) - 60 }), { status: 401, message: 'Invalid JWT: the token has expired.' });
  t.match(await check('jdoe', 'tacc', { exp: undefined }), { status: 401, message: 'Invalid JWT: the claim exp is required.' });
  t.match(await check('jdoe', 'tacc', { 'tapis/token_type': 'refresh' }), { status: 401, message: 'Invalid JWT: the claim tapis/token_type must be "access"; got "refresh".' });
  t.match(await check('jdoe', 'tacc', { 'tapis/account_type': 'robot' }), { status: 401, message: /tapis\/account_type must be "user" or "service"/ });
  t.match(await check('jdoe', 'tacc', { sub: 'root@tacc' }), { status: 401, message: 'Invalid JWT: the claim sub must be tapis/username@tapis/tenant_id ("jdoe@tacc"); got "root@tacc".' });
  t.match(await check('jdoe', 'tacc', { 'tapis/username': undefined, sub: 'undefined@tacc' }), { status: 401, message: 'Invalid JWT: the claim tapis/username (the user) is required.' });
  t.match(await call('GET', '/v3/actors', as(await sign(claims('jdoe', 'tacc'), 'a-secret'))), { status: 401, message: /algorithm is not accepted here \(accepted: RS256\)/ }, 'HS256');
  t.match(await call('GET', '/v3/actors', as('not-a-jwt')), { status: 401, message: 'Invalid JWT: the X-Tapis-Token header is not a JWT.' });
});

t.test('a service token acts as itself; acting for another user is refused', async (t) => {
  const key = await rsaKeys();
  const { call, as } = await server(t, { tapis: { keys: { admin: key.pem } } });
  const service = await tapisToken(key.privateKey, 'jobs', 'admin', { 'tapis/account_type': 'service' });
  t.match(await call('POST', '/v3/actors', as(service), { image: 'x' }), { status: 201, result: { owner: 'jobs' } });
  t.match(await call('POST', '/v3/actors', as(service, { 'X-Tapis-User': 'jobs', 'X-Tapis-Tenant': 'admin' }), { image: 'x' }), { status: 201 }, 'its own name');
  t.match(await call('POST', '/v3/actors', as(service, { 'X-Tapis-User': 'jdoe', 'X-Tapis-Tenant': 'admin' }), { image: 'x' }), { status: 401, message: /acting for another user \(X-Tapis-User, X-Tapis-Tenant\) is not supported/ });
  t.match(await call('GET', '/v3/actors', as(service, { 'X-Tapis-Tenant': 'tacc' })), { status: 401 }, 'another tenant');
});

t.test('roles from the users file for users the roles file does not list; a bad roles file stops the server', async (t) => {
  const key = await rsaKeys();
  const tokens = { 'root-token': { user: 'root', tenant: 'tacc', roles: ['admin' as const] }, 'ROOT-token': { user: 'root', tenant: 'TACC', roles: ['admin' as const] } };
  const { call, as } = await server(t, { tokens, tapis: { keys: { tacc: key.pem }, roles: { 'pat@tacc': ['abaco_privileged'] } } });
  t.match(await call('GET', '/v3/actors/admin', as(await tapisToken(key.privateKey, 'root', 'tacc'))), { status: 200 }, 'admin of the users file');
  t.match(await call('POST', '/v3/actors', as(await tapisToken(key.privateKey, 'pat', 'tacc')), { image: 'x', privileged: true }), { status: 201, result: { privileged: true } }, 'abaco_privileged');
  t.match(await call('POST', '/v3/actors', as(await tapisToken(key.privateKey, 'jdoe', 'tacc')), { image: 'x', privileged: true }), { status: 403 }, 'a user');
  const { call: other } = await server(t, { tokens, tapis: { keys: { '*': key.pem } } });
  t.match(await other('GET', '/v3/actors/admin', as(await tapisToken(key.privateKey, 'root', 'Tacc'))), { status: 403 }, 'names match exactly: root of tenant Tacc is not root of tacc');
  await t.rejects(buildServer(await engine(t), { tapis: { keys: { tacc: key.pem }, roles: { 'root@tacc': ['abaco_superuser'] } } }), /^roles file, entry "root@tacc": unknown role "abaco_superuser" \(known: /);
  await t.rejects(buildServer(await engine(t), { tapis: { keys: { tacc: key.pem }, roles: { root: ['abaco_admin'] } } }), /^roles file, entry "root": expected "user@tenant"/);
  await t.rejects(buildServer(await engine(t), { tapis: { keys: { tacc: 'not a key' } } }), /^tapis.keys.tacc: not a PEM public key/);
  await t.rejects(buildServer(await engine(t), { tapis: { keys: { tacc: key.pem }, jwksUrls: { TACC: 'http://127.0.0.1:1/jwks' } } }), /tenant TACC already has a key; give it a PEM key or a JWKS URL, not both/);
  await t.rejects(buildServer(await engine(t), { tapis: { jwksUrls: { tacc: 'file:///etc/passwd' } } }), /^tapis.jwksUrls.tacc: file:\/\/\/etc\/passwd is not an http\(s\) URL/);
});

t.test("a tenant's JWKS verifies its tokens, fetched once", async (t) => {
  const idp = await rsaKeys('k1');
  const jwks = await jwksServer(t, (res) => res.end(JSON.stringify({ keys: [idp.jwk] })));
  const { call, as } = await server(t, { tapis: { jwksUrls: { tacc: jwks.url } } });
  const token = await sign(claims('jdoe', 'tacc'), idp.privateKey, 'k1');
  t.match(await call('GET', '/v3/actors', as(token)), { status: 200 });
  t.match(await call('GET', '/v3/actors', as(token)), { status: 200 });
  t.equal(jwks.requests(), 1, 'the keys are kept');
});

t.test('without a Tapis key the header is refused, and the anonymous refusal names it', async (t) => {
  const key = await rsaKeys();
  const { call, as } = await server(t, {});
  t.match(await call('GET', '/v3/actors', as(await tapisToken(key.privateKey, 'jdoe', 'tacc'))), { status: 401, message: 'Invalid JWT: this server is not configured to verify X-Tapis-Token headers.' });
  t.match(await call('GET', '/v3/actors'), { status: 401, message: /an X-Tapis-Token header/ });
});

t.test('v3 answers carry metadata, success and error alike; v2 answers do not', async (t) => {
  const key = await rsaKeys();
  const { call, as } = await server(t, { tapis: { keys: { tacc: key.pem } } });
  const jdoe = as(await tapisToken(key.privateKey, 'jdoe', 'tacc'));
  const ok = await call('GET', '/v3/actors/utilization', jdoe);
  t.match(ok, { status: 200, metadata: {}, keys: ['message', 'metadata', 'result', 'status', 'version'] });
  t.match(await call('GET', '/v3/actors/NoSuchActor1', jdoe), { status: 404, metadata: {}, result: null });
  t.match(await call('GET', '/v3/actors'), { status: 401, metadata: {} }, 'refused before routing to a handler');
  t.match(await call('GET', '/v3/actors/a/b/c/d/e'), { status: 405, metadata: {} }, 'no such route');
  t.same((await call('GET', '/actors/v2/utilization', jdoe)).keys, ['message', 'result', 'status', 'version'], 'v2');
  t.same((await call('GET', '/actors/NoSuchActor1', jdoe)).keys, ['message', 'result', 'status', 'version'], 'v2 errors');
});

t.test('limit and offset page the v3 actor list; v2 still searches with them', async (t) => {
  const key = await rsaKeys();
  const { call, as } = await server(t, { tapis: { keys: { tacc: key.pem } } });
  const jdoe = as(await tapisToken(key.privateKey, 'jdoe', 'tacc'));
  const ids: string[] = [];
  for (const name of ['a', 'b', 'c', 'd', 'e']) ids.push((await call('POST', '/v3/actors', jdoe, { image: 'x', name })).result.id);
  const all = (await call('GET', '/v3/actors', jdoe)).result.map((a: { id: string }) => a.id);
  t.same([...all].sort(), [...ids].sort());
  const page = await call('GET', '/v3/actors?limit=2&offset=1', jdoe);
  t.match(page, { status: 200, metadata: { total_count: 5, records_skipped: 1, record_limit: 2, count_returned: 2 } });
  t.same(page.result.map((a: { id: string }) => a.id), all.slice(1, 3));
  t.same((await call('GET', '/v3/actors?offset=4', jdoe)).result.map((a: { id: string }) => a.id), all.slice(4), 'offset alone');
  t.match(await call('GET', '/v3/actors?limit=0', jdoe), { status: 200, result: [], metadata: { count_returned: 0 } });
  t.match(await call('GET', '/v3/actors?limit=-1', jdoe), { status: 400, message: `Invalid actor list: 'limit' must be a whole number, 0 or more, given once; got "-1".` });
  t.match(await call('GET', '/v3/actors?offset=1&offset=2', jdoe), { status: 400, message: /'offset' must be a whole number, 0 or more, given once; got \["1","2"\]/ });
  t.match(await call('GET', '/v3/actors?name=c&offset=0', jdoe), { status: 200, result: { search: [{ name: 'c' }], _metadata: { records_skipped: 0 } } }, 'with fields it searches, offset as skip');
  t.match(await call('GET', '/actors/v2?limit=2', jdoe), { status: 200, result: { search: [{}, {}], _metadata: { record_limit: 2 } } }, 'v2: a search');
});

t.test('one route table served under three prefixes, each route listed once with its paths', async (t) => {
  const { app, call, as } = await server(t, { tokens: { 'alice-token': { user: 'alice', tenant: 'TACC', roles: ['user'] } } });
  const entry = app.abacoRoutes.find((r) => r.method === 'POST' && r.url === '/actors/v2/:actorId/messages');
  t.match(entry, { action: 'messages.send', target: 'actorId', urls: ['/actors/:actorId/messages', '/actors/v2/:actorId/messages', '/v3/actors/:actorId/messages'] });
  t.match(app.abacoRoutes.find((r) => r.url === '/cron'), { urls: ['/cron'], action: 'tenant.admin' });
  t.equal(new Set(app.abacoRoutes.map((r) => `${r.method} ${r.url}`)).size, app.abacoRoutes.length, 'no route twice');
  const alice = { authorization: 'Bearer alice-token' };
  const id = (await call('POST', '/actors', alice, { image: 'x' })).result.id;
  for (const prefix of ['/actors', '/actors/v2', '/v3/actors']) t.match(await call('GET', `${prefix}/${id}`, alice), { status: 200, result: { id } }, prefix);
  const nonce = (await call('POST', `/v3/actors/${id}/nonces`, alice, { level: 'READ' })).result.id;
  t.match(await call('GET', `/v3/actors/${id}?x-nonce=${nonce}`), { status: 200, result: { id } }, 'a nonce on v3');
  t.match(await call('GET', `/v3/actors/v2`, as('x')), { status: 401 }, 'v2 is no route of v3: an actor id, asked for with a bad token');
});
