import t from 'tap';
import { api, inAnHour, jwksServer, rsaKeys, sign } from './helpers.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

t.test('HS256 with a secret and RS256 with a PEM key; exp required; the wrong key or algorithm refused', async (t) => {
  const rsa = await rsaKeys();
  const server = await api(t, { jwt: { hs256Secret: 'hs-secret', rs256PublicKey: rsa.pem } });
  t.match(await server.call(bearer(await sign({ sub: 'carol', roles: ['admin'], exp: inAnHour() }, 'hs-secret')), 'GET', '/actors/v2/admin'), { status: 200 }, 'HS256, admin role from the claim');
  t.match(await server.call(bearer(await sign({ sub: 'dave', exp: inAnHour() }, rsa.privateKey)), 'POST', '/actors/v2', { image: 'abacosamples/wc' }), { status: 201, result: { owner: 'dave' } }, 'RS256');
  t.match(await server.call(bearer(await sign({ sub: 'dave', exp: inAnHour() }, 'guess'))), { status: 401, message: 'Invalid JWT.' }, 'HS256 with another secret');
  t.match(await server.call(bearer(await sign({ sub: 'dave', exp: inAnHour() }, (await rsaKeys()).privateKey))), { status: 401, message: 'Invalid JWT.' }, 'RS256 with another key');
  t.match(await server.call(bearer(await sign({ sub: 'dave' }, 'hs-secret'))), { status: 401, message: 'Invalid JWT: the claim exp is required.' }, 'no exp');
  t.match(await server.call(bearer(await sign({ sub: 'dave', exp: Math.floor(Date.now() / 1000) - 10 }, 'hs-secret'))), { status: 401, message: 'Invalid JWT: the token has expired.' });
  t.match(await server.call(bearer(await sign({ sub: 'dave', exp: inAnHour(), nbf: inAnHour() }, 'hs-secret'))), { status: 401, message: 'Invalid JWT: the token is not valid yet.' });
  const unsigned = `${b64({ alg: 'none' })}.${b64({ sub: 'dave', exp: inAnHour() })}.`;
  t.match(await server.call(bearer(unsigned)), { status: 401, message: /^Invalid JWT: the algorithm is not accepted here \(accepted: HS256, RS256\)/ }, 'alg none');
  t.match(await server.call(bearer('a.b.c')), { status: 401, message: /^Invalid JWT: / }, 'not a JWT at all');
  t.match(await server.call(bearer(await sign({ exp: inAnHour() }, 'hs-secret'))), { status: 401, message: 'Invalid JWT: the claim sub (the user) is missing.' });
  t.match(await server.call(bearer(await sign({ sub: 'a b', exp: inAnHour() }, 'hs-secret'))), { status: 401, message: /^Invalid JWT: Invalid user name 'a b'/ }, 'a user claim that is no user name');
  t.match(await server.call(bearer(await sign({ sub: 'dave', tenant: '../x', exp: inAnHour() }, 'hs-secret'))), { status: 401, message: /^Invalid JWT: Invalid tenant/ });
  const prototypeRoles = await sign({ sub: 'erin', roles: ['constructor', '__proto__', 'toString'], exp: inAnHour() }, 'hs-secret');
  t.match(await server.call(bearer(prototypeRoles), 'GET', '/actors/v2/admin'), { status: 403 }, 'role names from the Object prototype are no roles: erin is a user');
});

t.test('RS256 only: an HS256 token signed with the public key as secret is refused', async (t) => {
  const rsa = await rsaKeys();
  const server = await api(t, { jwt: { rs256PublicKey: rsa.pem } });
  t.match(await server.call(bearer(await sign({ sub: 'mallory', exp: inAnHour() }, rsa.pem))), { status: 401, message: /^Invalid JWT: the algorithm is not accepted here \(accepted: RS256\)/ });
});

t.test('iss and aud are required and checked when configured', async (t) => {
  const server = await api(t, { jwt: { hs256Secret: 'hs-secret', issuer: 'https://idp.example', audience: ['abaco', 'abaco-v2'] } });
  const token = (claims: Record<string, unknown>) => sign({ sub: 'dave', exp: inAnHour(), ...claims }, 'hs-secret');
  t.match(await server.call(bearer(await token({ iss: 'https://idp.example', aud: 'abaco-v2' }))), { status: 200 }, 'right issuer, one of the audiences');
  t.match(await server.call(bearer(await token({ iss: 'https://idp.example', aud: ['other', 'abaco'] }))), { status: 200 }, 'aud a list containing ours');
  t.match(await server.call(bearer(await token({ aud: 'abaco' }))), { status: 401, message: 'Invalid JWT: the claim iss is required.' });
  t.match(await server.call(bearer(await token({ iss: 'https://idp.example' }))), { status: 401, message: 'Invalid JWT: the claim aud is required.' });
  t.match(await server.call(bearer(await token({ iss: 'https://evil.example', aud: 'abaco' }))), { status: 401, message: 'Invalid JWT: the claim iss does not name an issuer this server trusts.' });
  t.match(await server.call(bearer(await token({ iss: 'https://idp.example', aud: 'other' }))), { status: 401, message: 'Invalid JWT: the claim aud does not name this server.' });
});

t.test('JWKS: keys by kid; unknown kids make at most one fetch within the cooldown', async (t) => {
  const good = await rsaKeys('k1');
  const jwks = await jwksServer(t, (res) => res.end(JSON.stringify({ keys: [good.jwk] })));
  const server = await api(t, { jwt: { jwksUrl: jwks.url } });
  const answers = await Promise.all(Array.from({ length: 20 }, async (_, i) => server.call(bearer(await sign({ sub: 'mallory', exp: inAnHour() }, good.privateKey, `unknown-${i}`)))));
  t.ok(
    answers.every((a) => a.status === 401 && a.message === 'Invalid JWT: no key of the JWKS matches the token.'),
    '20 tokens with unknown kids: 401',
  );
  t.equal(jwks.requests(), 1, 'one fetch for all of them');
  t.match(await server.call(bearer(await sign({ sub: 'dave', exp: inAnHour() }, good.privateKey, 'k1'))), { status: 200 }, 'the known kid');
  t.match(await server.call(bearer(await sign({ sub: 'dave', exp: inAnHour() }, (await rsaKeys()).privateKey, 'k1'))), { status: 401, message: 'Invalid JWT.' }, 'known kid, other key');
  t.equal(jwks.requests(), 1, 'still one fetch');
});

t.test('JWKS: keys that cannot be used are a 401 for their kid and do not spoil the others', async (t) => {
  const good = await rsaKeys('k1');
  const other = await rsaKeys('twice');
  const { generateKeyPair, exportJWK } = await import('jose');
  const privateJwk = { ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey)), kid: 'private' };
  const keys = [{ kty: 'RSA', kid: 'broken', n: 'not-a-modulus', e: 'AQAB' }, privateJwk, other.jwk, { ...other.jwk }, good.jwk];
  const jwks = await jwksServer(t, (res) => res.end(JSON.stringify({ keys })));
  const server = await api(t, { jwt: { jwksUrl: jwks.url } });
  const token = (kid: string) => sign({ sub: 'dave', exp: inAnHour() }, good.privateKey, kid);
  t.match(await server.call(bearer(await token('broken'))), { status: 401, message: /^Invalid JWT: it could not be verified/ }, 'a key with a bad modulus');
  t.match(await server.call(bearer(await token('private'))), { status: 401, message: /^Invalid JWT: the key of the JWKS for this token is unusable \(JSON Web Key Set members must be public keys\)/ });
  t.match(await server.call(bearer(await token('twice'))), { status: 401, message: /^Invalid JWT: the key of the JWKS for this token is unusable \(multiple matching keys/ });
  t.match(await server.call(bearer(await token('k1'))), { status: 200 }, 'the good key still works');
  t.equal(jwks.requests(), 1);
});

t.test('JWKS server serving garbage, an error or nothing at all: 401 with the reason, never 500, and no fetch loop', async (t) => {
  const answers: [string, (res: import('node:http').ServerResponse) => void, RegExp][] = [
    ['not JSON', (res) => res.end('<html>oops</html>'), /as JSON/],
    ['JSON but no key set', (res) => res.end(JSON.stringify({ keys: 'none' })), /malformed/],
    ['an error status', (res) => res.writeHead(500).end('{}'), /200 OK/],
  ];
  for (const [name, answer, reason] of answers) {
    const jwks = await jwksServer(t, answer);
    const server = await api(t, { jwt: { jwksUrl: jwks.url } });
    const token = await sign({ sub: 'dave', exp: inAnHour() }, (await rsaKeys()).privateKey, 'k1');
    t.match(await server.call(bearer(token)), { status: 401, message: reason }, `${name}: 401 with the reason`);
    t.match(await server.call(bearer(token)), { status: 401, message: 'Invalid JWT: the signing keys (JWKS) could not be fetched; try again later.' }, `${name}: then 401 without fetching`);
    t.equal(jwks.requests(), 1, `${name}: one fetch`);
  }
  const server = await api(t, { jwt: { jwksUrl: 'http://127.0.0.1:1/jwks.json' } });
  t.match(await server.call(bearer(await sign({ sub: 'dave', exp: inAnHour() }, (await rsaKeys()).privateKey, 'k1'))), { status: 401, message: 'Invalid JWT: the signing keys (JWKS) could not be fetched (unreachable).' }, 'unreachable');
});
