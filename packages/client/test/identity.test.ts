import t from 'tap';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { ForbiddenError, UnauthenticatedError } from '../src/index.js';
import { serve } from './server.js';

t.test('an X-Tapis-Token client acts as the user the token names, under /actors/v2 and /v3/actors', async (t) => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const { client } = await serve(t, { server: { tapis: { keys: { tacc: await exportSPKI(publicKey) } } } });
  const claims = { sub: 'jdoe@tacc', 'tapis/tenant_id': 'tacc', 'tapis/username': 'jdoe', 'tapis/account_type': 'user', 'tapis/token_type': 'access', 'tapis/delegation': false };
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setIssuer('https://tacc.tapis.io/v3/tokens').setExpirationTime('1h').sign(privateKey);

  const jdoe = client({ credentials: { tapisToken: token } });
  const actor = await jdoe.actors.create({ image: 'test/wc' });
  t.equal(actor.owner, 'jdoe');
  const v3 = client({ credentials: { tapisToken: token }, prefix: '/v3/actors' });
  t.same((await v3.actors.list()).map((a) => a.id), [actor.id], 'the same identity and records under the v3 prefix');
  const sent = await v3.messages.send(actor.id, 'a b');
  t.equal((await v3.executions.wait(actor.id, sent.executionId, { intervalMs: 50 })).status, 'COMPLETE');

  const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('1h').sign((await generateKeyPair('RS256')).privateKey);
  await t.rejects(client({ credentials: { tapisToken: forged } }).actors.list(), UnauthenticatedError, 'a token the server cannot verify is refused');
});

t.test('a nonce client reaches only the actor its nonce is for, at its level', async (t) => {
  const { client } = await serve(t);
  const alice = client('alice');
  const actor = await alice.actors.create({ image: 'test/wc' });
  const other = await alice.actors.create({ image: 'test/wc' });
  const nonce = await alice.nonces.create({ actor: actor.id }, { level: 'READ' });
  const reader = client({ credentials: { nonce: nonce.id } });
  t.equal((await reader.actors.get(actor.id)).id, actor.id, 'reads its actor');
  await t.rejects(reader.actors.get(other.id), ForbiddenError, 'not another');
  await t.rejects(reader.actors.list(), ForbiddenError, 'nor lists');
});
