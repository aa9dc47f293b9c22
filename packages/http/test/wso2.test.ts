import t from 'tap';
import { api, rsaKeys, sign } from './helpers.js';

const USER = 'http://wso2.org/claims/enduser';
const ROLES = 'http://wso2.org/claims/role';
const TENANT = 'http://wso2.org/claims/tenant';
const msFromNow = (ms: number) => Date.now() + ms;

t.test('one key for every tenant: the tenant must be in a signed claim, equal to the header\'s', async (t) => {
  const idp = await rsaKeys();
  const server = await api(t, { wso2PublicKey: idp.pem });
  const adminOfA = await sign({ [USER]: 'root@carbon.super', [ROLES]: 'Internal/everyone,Internal/abaco-admin', [TENANT]: 'tenant-a', exp: msFromNow(3_600_000) }, idp.privateKey);
  t.match(await server.call({ 'X-Jwt-Assertion-TENANT-A': adminOfA }, 'GET', '/actors/v2/admin'), { status: 200 }, 'admin of A, claim in another case, exp in milliseconds');
  t.match(
    await server.call({ 'X-Jwt-Assertion-TENANT-B': adminOfA }, 'GET', '/actors/v2/admin'),
    { status: 401, message: 'Invalid JWT: the claim http://wso2.org/claims/tenant names tenant "tenant-a", not TENANT-B of the X-Jwt-Assertion-TENANT-B header.' },
    'the admin JWT of A replayed for tenant B',
  );
  const noTenant = await sign({ [USER]: 'root', [ROLES]: 'Internal/abaco-admin', exp: msFromNow(3_600_000) }, idp.privateKey);
  t.match(await server.call({ 'X-Jwt-Assertion-TENANT-B': noTenant }), { status: 401, message: /^Invalid JWT: the claim http:\/\/wso2.org\/claims\/tenant \(the tenant\) is required/ }, 'no tenant claim');
  const listTenant = await sign({ [USER]: 'root', [TENANT]: ['TENANT-B'], exp: msFromNow(3_600_000) }, idp.privateKey);
  t.match(await server.call({ 'X-Jwt-Assertion-TENANT-B': listTenant }), { status: 401, message: /names tenant \["TENANT-B"\]/ }, 'a tenant claim that is not a string');
  const twice = { 'X-Jwt-Assertion-TENANT-A': adminOfA, 'X-Jwt-Assertion-TENANT-B': adminOfA };
  t.match(await server.call(twice), { status: 401, message: 'Invalid JWT: send one X-Jwt-Assertion-<TENANT> header, not several.' });
});

t.test('WSO2 exp: milliseconds or seconds, required, checked', async (t) => {
  const idp = await rsaKeys();
  const server = await api(t, { wso2PublicKey: idp.pem });
  const token = (claims: Record<string, unknown>) => sign({ [USER]: 'jdoe', [TENANT]: 'DEV', ...claims }, idp.privateKey);
  t.match(await server.call({ 'X-Jwt-Assertion-DEV': await token({ exp: msFromNow(60_000) }) }), { status: 200 }, 'milliseconds');
  t.match(await server.call({ 'X-Jwt-Assertion-DEV': await token({ exp: Math.floor(msFromNow(60_000) / 1000) }) }), { status: 200 }, 'seconds');
  t.match(await server.call({ 'X-Jwt-Assertion-DEV': await token({ exp: msFromNow(-1000) }) }), { status: 401, message: 'Invalid JWT: the token has expired.' }, 'milliseconds, past');
  t.match(await server.call({ 'X-Jwt-Assertion-DEV': await token({ exp: Math.floor(msFromNow(-10_000) / 1000) }) }), { status: 401, message: 'Invalid JWT: the token has expired.' }, 'seconds, past');
  t.match(await server.call({ 'X-Jwt-Assertion-DEV': await token({}) }), { status: 401, message: 'Invalid JWT: the claim exp is required.' });
  t.match(await server.call({ 'X-Jwt-Assertion-DEV': await sign({ [USER]: 'jdoe', [TENANT]: 'DEV', exp: msFromNow(60_000) }, 'a-secret') }), { status: 401, message: /^Invalid JWT: the algorithm is not accepted here \(accepted: RS256\)/ }, 'HS256');
});

t.test('one key per tenant: the header\'s tenant chooses the key, so a token of A does not verify as B', async (t) => {
  const a = await rsaKeys();
  const b = await rsaKeys();
  const server = await api(t, { wso2Keys: { 'tenant-a': a.pem, 'TENANT-B': b.pem }, wso2TenantClaim: 'tenant' });
  const jdoe = await sign({ [USER]: 'jdoe@carbon.super', exp: msFromNow(3_600_000) }, a.privateKey);
  t.match(await server.call({ 'X-Jwt-Assertion-TENANT-A': jdoe }, 'POST', '/actors/v2', { image: 'abacosamples/wc' }), { status: 201, result: { owner: 'jdoe' } }, 'signed with A\'s key, sent for A (no tenant claim needed)');
  t.match(await server.call({ 'X-Jwt-Assertion-TENANT-A': jdoe }), { status: 200, result: [{ owner: 'jdoe' }] }, 'the actor lives in A');
  t.match(await server.call({ 'X-Jwt-Assertion-TENANT-B': jdoe }), { status: 401, message: 'Invalid JWT.' }, 'the same token sent for B');
  const jdoeOfB = await sign({ [USER]: 'jdoe', exp: msFromNow(3_600_000) }, b.privateKey);
  t.match(await server.call({ 'X-Jwt-Assertion-TENANT-B': jdoeOfB }), { status: 200, result: [] }, 'jdoe of B does not see the actor of jdoe of A');
  const claimsA = await sign({ [USER]: 'jdoe', tenant: 'TENANT-A', exp: msFromNow(3_600_000) }, b.privateKey);
  t.match(await server.call({ 'X-Jwt-Assertion-TENANT-B': claimsA }), { status: 401, message: /^Invalid JWT: the claim tenant names tenant "TENANT-A", not TENANT-B/ }, 'a tenant claim, when present, must agree');
  t.match(await server.call({ 'X-Jwt-Assertion-TENANT-C': jdoe }), { status: 401, message: 'Invalid JWT: this server has no key for X-Jwt-Assertion headers of tenant TENANT-C.' });
});

t.test('without WSO2 keys the header is refused; a bad PEM stops the server at start', async (t) => {
  const idp = await rsaKeys();
  const server = await api(t);
  t.match(await server.call({ 'X-Jwt-Assertion-DEV': await sign({ [USER]: 'jdoe', exp: msFromNow(60_000) }, idp.privateKey) }), { status: 401, message: 'Invalid JWT: this server is not configured to verify X-Jwt-Assertion headers.' });
  await t.rejects(api(t, { wso2Keys: { DEV: 'not a key' } }), /^wso2Keys\.DEV: not a PEM public key/);
  await t.rejects(api(t, { wso2PublicKey: 'not a key' }), /^wso2PublicKey: not a PEM public key/);
});
