import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Abaco } from '../src/engine/abaco.js';
import { SecretBox } from '../src/registry/secrets.js';
import { alice, bob, engine } from './helpers.js';

const secretKey = SecretBox.newKey();

t.test('configs: shared values, secrets encrypted at rest and shown encrypted, decrypted for executions', async (t) => {
  const abaco = await engine(t, { settings: { secretKey } });
  const a = await abaco.actors.create(alice, { image: 'a' });
  const b = await abaco.actors.create(alice, { image: 'b' });
  await abaco.aliases.create(alice, { alias: 'mr_fixer', actorId: b.id });

  const plain = await abaco.configs.create(alice, { name: 'config_name', value: '123', actors: a.id, is_secret: false });
  t.same(plain, { name: 'config_name', value: '123', isSecret: false, actors: a.id, actorIds: [a.id], owner: 'alice', ownerRoles: ['user'], tenant: 'TACC' });
  const value = { key: 'some_key', int_key: 12345, 'a list key': ['a', 4, 3.14159] };
  const secret = await abaco.configs.create(alice, { name: 'db', value, actors: `${a.id}, mr_fixer`, isSecret: 'true' });
  t.equal(secret.actors, `${a.id}, mr_fixer`, 'the actors read back joined with ", ", as upstream');
  t.type(secret.value, 'string');
  t.notMatch(secret.value as string, /some_key|12345/, 'the secret is not readable in what is returned');
  t.equal((await abaco.configs.get(alice, 'db')).value, secret.value, 'GET shows the encrypted value');
  // @ts-expect-error reading the private context to look at the raw store
  const raw = JSON.stringify(await abaco.ctx.store.get('t/TACC/config/db'));
  t.notMatch(raw, /some_key/, 'the store holds only the encrypted value');

  t.same(await abaco.configs.configsFor(await abaco.actors.get(alice, a.id)), { config_name: '123', db: value });
  t.same(await abaco.configs.configsFor(await abaco.actors.get(alice, b.id)), { db: value }, 'shared through an alias');

  await abaco.configs.update(alice, 'config_name', { value: '456', actors: `${a.id},${b.id}`, isSecret: false });
  t.same(await abaco.configs.configsFor(await abaco.actors.get(alice, b.id)), { config_name: '456', db: value }, 'updates take effect at once');
  await t.rejects(abaco.configs.update(alice, 'config_name', { name: 'other', value: '1', actors: a.id, isSecret: false }), { message: /name of a config cannot be changed/ });
});

t.test('configs: UPDATE on every actor listed, permissions of their own, names checked', async (t) => {
  const abaco = await engine(t, { settings: { secretKey } });
  const a = await abaco.actors.create(alice, { image: 'a' });
  const bobs = await abaco.actors.create(bob, { image: 'b' });
  await t.rejects(abaco.configs.create(alice, { name: 'c', value: 1, actors: bobs.id, isSecret: false }), { name: 'ForbiddenError', message: /UPDATE access to actor/ });
  await t.rejects(abaco.configs.create(alice, { name: 'c', value: 1, actors: 'ghost', isSecret: false }), { name: 'NotFoundError', message: 'No actor or alias found with id: ghost.' });
  await t.rejects(abaco.configs.create(alice, { name: 'c', actors: a.id, isSecret: false }), { message: /'value': 'is required/ });
  await t.rejects(abaco.configs.create(alice, { name: 'utilization', value: 1, actors: a.id, isSecret: false }), { message: /reserved word/ });
  await t.rejects(abaco.configs.create(alice, { name: 'a b', value: 1, actors: a.id, isSecret: false }), { message: /forbidden character/ });
  await abaco.configs.create(alice, { name: 'c', value: 1, actors: a.id, isSecret: false });
  await t.rejects(abaco.configs.create(alice, { name: 'c', value: 2, actors: a.id, isSecret: false }), { message: 'Config c already exists.' });

  await t.rejects(abaco.configs.get(bob, 'c'), { name: 'ForbiddenError', message: 'You do not have sufficient access to this actor config.' });
  t.same(await abaco.configs.list(bob), []);
  t.same(await abaco.permissions.list(alice, { config: 'c' }), { alice: 'UPDATE' });
  await abaco.permissions.grant(alice, { config: 'c' }, { user: 'bob', level: 'READ' });
  t.equal((await abaco.configs.get(bob, 'c')).value, 1);
  await t.rejects(abaco.configs.delete(bob, 'c'), { name: 'ForbiddenError' });
  await abaco.configs.delete(alice, 'c');
  await t.rejects(abaco.configs.get(alice, 'c'), { name: 'NotFoundError', message: 'No config found: c.' });
});

t.test('configs: a secret needs a configured key', async (t) => {
  const abaco = await engine(t);
  const a = await abaco.actors.create(alice, { image: 'a' });
  await t.rejects(abaco.configs.create(alice, { name: 's', value: 'pw', actors: a.id, isSecret: true }), { message: /secret configs need an encryption key/ });
  t.same(await abaco.configs.list(alice), []);
});

t.test('state: stateful actors keep any JSON value; stateless refuse', async (t) => {
  const abaco = await engine(t);
  const stateless = await abaco.actors.create(alice, { image: 'x' });
  await t.rejects(abaco.state.get(alice, stateless.id), { name: 'NotFoundError', message: 'actor is stateless.' });
  await t.rejects(abaco.state.set(alice, stateless.id, { a: 1 }), { name: 'NotFoundError', message: 'actor is stateless.' });
  const stateful = await abaco.actors.create(alice, { image: 'x', stateless: false });
  t.same((await abaco.state.get(alice, stateful.id)).state, {});
  for (const value of [{ 'some variable': 'value' }, 'a string', 42, [1, 2], null]) {
    await abaco.state.set(alice, stateful.id, value);
    t.same((await abaco.state.get(alice, stateful.id)).state, value);
  }
  await t.rejects(abaco.state.set(alice, stateful.id, undefined), { message: 'Invalid actor state description: state must be JSON serializable.' });
  await t.rejects(abaco.state.set(bob, stateful.id, 1), { name: 'ForbiddenError' });
  t.equal((await abaco.actors.get(alice, stateful.id)).state, null, 'the actor shows its state');
});

t.test('state: 100 concurrent updates from executions are all kept', async (t) => {
  const abaco = await engine(t);
  const actor = await abaco.actors.create(alice, { image: 'x', stateless: false });
  await abaco.state.set(alice, actor.id, { count: 0 });
  await Promise.all(Array.from({ length: 100 }, () => abaco.state.modify(alice, actor.id, (s) => ({ count: (s as { count: number }).count + 1 }))));
  t.same((await abaco.state.get(alice, actor.id)).state, { count: 100 });
});

t.test('an engine on disk, closed and opened again, has every record intact', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'abaco-engine-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await Abaco.open({ dataDir, settings: { secretKey } });
  const actor = await first.actors.create(alice, { image: 'abacosamples/wc', stateless: false, name: 'wc' });
  await first.state.set(alice, actor.id, { n: 7 });
  await first.aliases.create(alice, { alias: 'wc', actorId: actor.id });
  await first.permissions.grant(alice, { actor: actor.id }, { user: 'bob', level: 'READ' });
  const nonce = await first.nonces.create(alice, { actor: actor.id }, { maxUses: 2 });
  await first.nonces.redeem(nonce.id, actor.id, 'EXECUTE');
  await first.configs.create(alice, { name: 'pw', value: 'hunter2', actors: 'wc', isSecret: true });
  await first.close();

  const second = await Abaco.open({ dataDir, settings: { secretKey } });
  t.teardown(() => second.close());
  t.match(await second.actors.get(bob, 'wc'), { id: actor.id, name: 'wc', image: 'abacosamples/wc', state: { n: 7 } });
  t.match(await second.nonces.get(alice, { actor: actor.id }, nonce.id), { currentUses: 1, remainingUses: 1 });
  t.same(await second.configs.configsFor(await second.actors.get(alice, actor.id)), { pw: 'hunter2' });
});
