import { createServer } from 'node:http';
import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { startApi } from './api-helpers.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function rs256(claims: Record<string, unknown>, privateKey: string, kid?: string): string {
  const head = `${b64({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) })}.${b64(claims)}`;
  return `${head}.${createSign('RSA-SHA256').update(head).sign(privateKey).toString('base64url')}`;
}

function hs256(claims: Record<string, unknown>, secret: string): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

t.test('the Abaco v2 X-Jwt-Assertion-<TENANT> header (RS256, WSO2 claims, exp in milliseconds, tenant in a signed claim)', async (t) => {
  const { publicKey, privateKey } = pair();
  const api = await startApi(t, { server: { wso2PublicKey: publicKey } });
  const jwt = rs256(
    { 'http://wso2.org/claims/enduser': 'jdoe@carbon.super', 'http://wso2.org/claims/role': 'Internal/everyone,Internal/abaco-privileged', 'http://wso2.org/claims/tenant': 'dev-develop', exp: Date.now() + 3600_000 },
    privateKey,
  );
  const created = await api.call('POST', '/actors/v2', { headers: { 'X-Jwt-Assertion-DEV-DEVELOP': jwt }, json: { image: 'abacosamples/wc', maxWorkers: 2 } });
  t.equal(created.status, 201, 'the privileged role from the claim allows maxWorkers');
  t.match(created.json!.result, { owner: 'jdoe', max_workers: 2 });
  const actors = await api.call('GET', '/actors/v2', { as: 'root' });
  t.same(actors.json!.result, [], 'the actor lives in tenant DEV-DEVELOP, not in TACC');
  const listed = await api.call('GET', '/actors/v2', { headers: { 'x-jwt-assertion-dev-develop': jwt } });
  t.equal(listed.json!.result.length, 1);

  t.match(await api.call('GET', '/actors/v2', { headers: { 'X-Jwt-Assertion-TACC': jwt } }), { status: 401, json: { message: /names tenant "dev-develop", not TACC/ } }, 'the same JWT sent for another tenant');
  const expired = rs256({ 'http://wso2.org/claims/enduser': 'jdoe', 'http://wso2.org/claims/tenant': 'DEV-DEVELOP', exp: Date.now() - 1000 }, privateKey);
  t.match(await api.call('GET', '/actors/v2', { headers: { 'X-Jwt-Assertion-DEV-DEVELOP': expired } }), { status: 401, json: { message: /expired/ } });
  const forged = rs256({ 'http://wso2.org/claims/enduser': 'jdoe', 'http://wso2.org/claims/tenant': 'DEV-DEVELOP', exp: Date.now() + 3600_000 }, pair().privateKey);
  t.match(await api.call('GET', '/actors/v2', { headers: { 'X-Jwt-Assertion-DEV-DEVELOP': forged } }), { status: 401, json: { message: 'Invalid JWT.' } });
});

t.test('bearer JWTs: HS256 with a secret, RS256 from a JWKS URL, configurable claims', async (t) => {
  const { publicKey, privateKey } = pair();
  const jwk = { ...(await import('node:crypto')).createPublicKey(publicKey).export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
  const jwks = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  t.teardown(() => jwks.close());
  const api = await startApi(t, {
    server: { jwt: { hs256Secret: 's3cret', jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`, userClaim: 'preferred_username', tenantClaim: 'tenant_id', rolesClaim: 'roles' } },
  });
  const exp = Math.floor(Date.now() / 1000) + 60;
  const hs = hs256({ preferred_username: 'carol', tenant_id: 'TACC', roles: ['admin'], exp }, 's3cret');
  const admin = await api.call('GET', '/actors/v2/admin', { headers: { authorization: `Bearer ${hs}` } });
  t.equal(admin.status, 200, 'HS256 token with the admin role');
  const rs = rs256({ preferred_username: 'dave', tenant_id: 'TACC', roles: 'user', exp }, privateKey, 'k1');
  const created = await api.call('POST', '/actors/v2', { headers: { authorization: `Bearer ${rs}` }, json: { image: 'abacosamples/wc' } });
  t.match(created, { status: 201, json: { result: { owner: 'dave' } } });
  const wrongSecret = hs256({ preferred_username: 'carol', exp }, 'guess');
  t.match(await api.call('GET', '/actors/v2', { headers: { authorization: `Bearer ${wrongSecret}` } }), { status: 401, json: { message: 'Invalid JWT.' } });
  const noUser = hs256({ sub: 'x', exp }, 's3cret');
  t.match(await api.call('GET', '/actors/v2', { headers: { authorization: `Bearer ${noUser}` } }), { status: 401, json: { message: /preferred_username/ } });
});

t.test('the admin token acts as an admin of the default tenant', async (t) => {
  const api = await startApi(t, { server: { adminToken: 'let-me-in', defaultTenant: 'TACC' } });
  t.equal((await api.call('GET', '/actors/v2/admin/workers', { headers: { authorization: 'Bearer let-me-in' } })).status, 200);
});
