import t from 'tap';
import { admin, alice, bob, carol, engine, who } from './helpers.js';

t.test('permissions: READ < EXECUTE < UPDATE, owner holds UPDATE, NONE removes', async (t) => {
  const abaco = await engine(t);
  const actor = await abaco.actors.create(alice, { image: 'x' });
  t.same(await abaco.permissions.list(alice, { actor: actor.id }), { alice: 'UPDATE' });
  await t.rejects(abaco.permissions.list(bob, { actor: actor.id }), { name: 'ForbiddenError' });

  t.same(await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'bob', level: 'read' }), { alice: 'UPDATE', bob: 'READ' });
  t.equal((await abaco.actors.get(bob, actor.id)).id, actor.id, 'READ lets bob see the actor');
  t.same((await abaco.actors.list(bob)).map((a) => a.id), [actor.id]);
  await t.rejects(abaco.actors.update(bob, actor.id, { image: 'y' }), { name: 'ForbiddenError' });
  await t.rejects(abaco.permissions.grant(bob, { actor: actor.id }, { user: 'carol', level: 'READ' }), { name: 'ForbiddenError' }, 'READ cannot share');

  await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'bob', level: 'UPDATE' });
  await abaco.actors.update(bob, actor.id, { image: 'y' });
  await abaco.permissions.grant(bob, { actor: actor.id }, { user: 'carol', level: 'EXECUTE' });
  t.same(await abaco.permissions.list(carol, { actor: actor.id }), { alice: 'UPDATE', bob: 'UPDATE', carol: 'EXECUTE' });

  t.same(await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'bob', level: 'NONE' }), { alice: 'UPDATE', carol: 'EXECUTE' });
  await t.rejects(abaco.actors.get(bob, actor.id), { name: 'ForbiddenError' });

  await t.rejects(abaco.permissions.grant(alice, { actor: actor.id }, { user: 'bob', level: 'ADMIN' }), { name: 'BadRequestError', message: /^Invalid permission level: ADMIN\. The valid values are NONE, READ, EXECUTE, UPDATE\.$/ });
  await t.rejects(abaco.permissions.grant(alice, { actor: actor.id }, { level: 'READ' }), { message: /'user'/ });
  await t.rejects(abaco.permissions.grant(alice, { actor: actor.id }, { user: 'alice', level: 'READ' }), { message: /owner \(alice\) always holds UPDATE/ });
  t.same(await abaco.permissions.list(admin, { actor: actor.id }), { alice: 'UPDATE', carol: 'EXECUTE' }, 'nothing changed by the refusals');
});

t.test('ABACO_WORLD makes an actor public at its level, within the tenant', async (t) => {
  const abaco = await engine(t);
  const actor = await abaco.actors.create(alice, { image: 'x' });
  await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'ABACO_WORLD', level: 'READ' });
  t.equal((await abaco.actors.get(who('anyone'), actor.id)).id, actor.id);
  await t.rejects(abaco.actors.update(who('anyone'), actor.id, { image: 'z' }), { name: 'ForbiddenError' });
  await t.rejects(abaco.actors.get(who('anyone', ['user'], 'ELSEWHERE'), actor.id), { name: 'NotFoundError' });
});

t.test('aliases: names, uniqueness, use as an actor id, update and delete', async (t) => {
  const abaco = await engine(t);
  const a = await abaco.actors.create(alice, { image: 'a' });
  const b = await abaco.actors.create(alice, { image: 'b' });
  const alias = await abaco.aliases.create(alice, { alias: 'word.counter', actorId: a.id });
  t.same(alias, { alias: 'word.counter', actorId: a.id, owner: 'alice', tenant: 'TACC' });
  t.equal((await abaco.actors.get(alice, 'word.counter')).id, a.id, 'an alias works wherever an actor id does');

  await t.rejects(abaco.aliases.create(alice, { alias: 'word.counter', actorId: b.id }), { message: 'Alias word.counter already exists.' });
  await t.rejects(abaco.aliases.create(alice, { alias: 'messages', actorId: a.id }), { message: /^messages is a reserved word\. The following reserved words cannot be used for an alias: executions, nonces, logs, messages, adapters, admin, openapi\.json\.$/ });
  for (const bad of ['has space', 'a/b', 'q?', 'at@', 'x:y', "it's"]) {
    await t.rejects(abaco.aliases.create(alice, { alias: bad, actorId: a.id }), { message: /is a forbidden character/ }, bad);
  }
  await t.rejects(abaco.aliases.create(alice, { alias: b.id, actorId: a.id }), { message: 'Invalid alias description. Alias cannot be an Abaco hash id.' });
  await t.rejects(abaco.aliases.create(alice, { alias: 'nope', actorId: 'missing' }), { name: 'NotFoundError', message: 'No actor found with id: missing.' });
  await t.rejects(abaco.aliases.create(alice, { actorId: a.id }), { message: /'alias'/ });
  const bobs = await abaco.actors.create(bob, { image: 'bob' });
  await t.rejects(abaco.aliases.create(alice, { alias: 'stolen', actorId: bobs.id }), { message: 'Not authorized -- you do not have UPDATE access to the actor you want to associate with this alias.' });

  t.same((await abaco.aliases.list(alice)).map((x) => x.alias), ['word.counter']);
  t.same(await abaco.aliases.list(bob), [], 'aliases are private to their owner until shared');
  await t.rejects(abaco.aliases.get(bob, 'word.counter'), { message: 'Not authorized -- you do not have access to this alias.' });

  await t.rejects(abaco.aliases.update(alice, 'word.counter', { alias: 'renamed', actorId: b.id }), { message: 'Invalid alias update description. The alias itself cannot be updated in a PUT request.' });
  await t.rejects(abaco.aliases.update(alice, 'word.counter', { actorId: bobs.id }), { message: /UPDATE access to the actor you want to associate/ });
  await abaco.permissions.grant(alice, { alias: 'word.counter' }, { user: 'bob', level: 'UPDATE' });
  await t.rejects(abaco.aliases.update(bob, 'word.counter', { actorId: b.id }), { message: /UPDATE access to the actor you want to associate/ }, 'bob holds UPDATE on the alias but not on the new actor');
  await abaco.aliases.update(alice, 'word.counter', { actorId: b.id });
  t.equal((await abaco.actors.get(alice, 'word.counter')).id, b.id);

  await abaco.aliases.delete(alice, 'word.counter');
  await t.rejects(abaco.actors.get(alice, 'word.counter'), { name: 'NotFoundError', message: "Actor with identifier 'word.counter' not found" });
  t.equal((await abaco.actors.get(alice, b.id)).id, b.id, 'deleting an alias leaves its actor');
});

t.test('nonces: levels, uses, scope, and acting as the owner', async (t) => {
  const abaco = await engine(t);
  const actor = await abaco.actors.create(alice, { image: 'x' });
  const other = await abaco.actors.create(alice, { image: 'y' });
  const nonce = await abaco.nonces.create(alice, { actor: actor.id }, { maxUses: '3', level: 'READ', description: 'for the portal' });
  t.match(nonce, { level: 'READ', maxUses: 3, remainingUses: 3, currentUses: 0, lastUseTime: 'None', owner: 'alice', roles: ['user'], actorId: actor.id, alias: null });
  t.match(nonce.id, /^TACC_[0-9A-Za-z]{13}$/);

  const as = await abaco.nonces.redeem(nonce.id, actor.id, 'READ');
  t.match(as, { user: 'alice', tenant: 'TACC', roles: ['user'], nonce: { id: nonce.id, level: 'READ' } });
  t.equal((await abaco.actors.get(as, actor.id)).id, actor.id);
  await t.rejects(abaco.actors.get(as, other.id), { name: 'ForbiddenError', message: /nonce is not valid/ }, 'the identity a nonce gives is bound to its actor');
  await t.rejects(abaco.actors.list(as), { name: 'ForbiddenError' });
  await t.rejects(abaco.nonces.redeem(nonce.id, other.id, 'READ'), { message: /not valid for this actor/ });
  await t.rejects(abaco.nonces.redeem(nonce.id, actor.id, 'EXECUTE'), { message: 'Nonce does not have sufficient permissions level.' });
  await abaco.nonces.redeem(nonce.id, actor.id, 'READ');
  await abaco.nonces.redeem(nonce.id, actor.id, 'READ');
  await t.rejects(abaco.nonces.redeem(nonce.id, actor.id, 'READ'), { message: 'No remaining uses left for this nonce.' });
  t.match(await abaco.nonces.get(alice, { actor: actor.id }, nonce.id), { currentUses: 3, remainingUses: 0 });
  t.not((await abaco.nonces.get(alice, { actor: actor.id }, nonce.id)).lastUseTime, 'None');
  await t.rejects(abaco.nonces.redeem('TACC_nosuchnonce1', actor.id, 'READ'), { name: 'UnauthenticatedError', message: 'Nonce does not exist.' });
  await t.rejects(abaco.nonces.redeem('garbage', actor.id, 'READ'), { message: 'Nonce does not exist.' });

  const unlimited = await abaco.nonces.create(alice, { actor: actor.id }, {});
  t.match(unlimited, { level: 'EXECUTE', maxUses: -1, remainingUses: -1 });
  for (let i = 0; i < 5; i++) await abaco.nonces.redeem(unlimited.id, actor.id, 'EXECUTE');
  t.match(await abaco.nonces.get(alice, { actor: actor.id }, unlimited.id), { currentUses: 5, remainingUses: -1 });

  await t.rejects(abaco.nonces.create(alice, { actor: actor.id }, { maxUses: 'many' }), { message: 'The max uses parameter must be an integer.' });
  await t.rejects(abaco.nonces.create(alice, { actor: actor.id }, { maxUses: 0 }), { message: 'The max uses parameter must be a positive integer or -1 (to denote unlimited uses).' });
  await t.rejects(abaco.nonces.create(alice, { actor: actor.id }, { maxUses: -2 }), { message: /positive integer or -1/ });
  await t.rejects(abaco.nonces.create(alice, { actor: actor.id }, { level: 'ALL' }), { message: "Invalid nonce description. The level attribute must be one of: ('NONE', 'READ', 'EXECUTE', 'UPDATE')" });
  await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'bob', level: 'EXECUTE' });
  await t.rejects(abaco.nonces.create(bob, { actor: actor.id }, {}), { name: 'ForbiddenError' }, 'making a nonce needs UPDATE');
  await t.rejects(abaco.nonces.list(bob, { actor: actor.id }), { name: 'ForbiddenError' }, 'listing needs UPDATE: nonce ids are credentials');
  t.same((await abaco.nonces.list(alice, { actor: actor.id })).map((n) => n.id), [nonce.id, unlimited.id]);
  await abaco.nonces.delete(alice, { actor: actor.id }, unlimited.id);
  await t.rejects(abaco.nonces.redeem(unlimited.id, actor.id, 'READ'), { message: 'Nonce does not exist.' });
  await t.rejects(abaco.nonces.get(alice, { actor: other.id }, nonce.id), { name: 'NotFoundError', message: 'Nonce not found.' });
});

t.test('nonces: concurrent redemptions never exceed maxUses', async (t) => {
  const abaco = await engine(t);
  const actor = await abaco.actors.create(alice, { image: 'x' });
  const nonce = await abaco.nonces.create(alice, { actor: actor.id }, { maxUses: 10, level: 'EXECUTE' });
  const results = await Promise.allSettled(Array.from({ length: 40 }, () => abaco.nonces.redeem(nonce.id, actor.id, 'EXECUTE')));
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 10);
  t.ok(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.message === 'No remaining uses left for this nonce.'));
  t.match(await abaco.nonces.get(alice, { actor: actor.id }, nonce.id), { currentUses: 10, remainingUses: 0 });
});

t.test('alias nonces: UPDATE on the actor to make, never level UPDATE, only through the alias', async (t) => {
  const abaco = await engine(t);
  const actor = await abaco.actors.create(alice, { image: 'x' });
  await abaco.aliases.create(alice, { alias: 'counter', actorId: actor.id });
  await t.rejects(abaco.nonces.create(alice, { alias: 'counter' }, { level: 'UPDATE' }), { message: "Invalid nonce description. The level attribute must be one of: ('NONE', 'READ', 'EXECUTE')" });
  const nonce = await abaco.nonces.create(alice, { alias: 'counter' }, { level: 'READ', maxUses: 5 });
  t.match(nonce, { alias: 'counter', actorId: null });
  const as = await abaco.nonces.redeem(nonce.id, 'counter', 'READ');
  t.equal((await abaco.actors.get(as, 'counter')).id, actor.id);
  await t.rejects(abaco.nonces.redeem(nonce.id, actor.id, 'READ'), { message: /not valid/ }, 'an alias nonce is not valid through the actor id');
  await t.rejects(abaco.actors.get(as, actor.id), { message: /not valid/ });

  await abaco.permissions.grant(alice, { alias: 'counter' }, { user: 'bob', level: 'UPDATE' });
  await t.rejects(abaco.nonces.create(bob, { alias: 'counter' }, {}), { message: 'Not authorized -- you do not have access to this actor.' });
  await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'carol', level: 'UPDATE' });
  await t.rejects(abaco.nonces.create(carol, { alias: 'counter' }, {}), { message: 'Not authorized -- you do not have access to this alias.' });
  await t.rejects(abaco.nonces.create(who('dan'), { alias: 'counter' }, {}), { message: 'Not authorized -- you do not have access to this alias and actor.' });
  t.same((await abaco.nonces.list(alice, { alias: 'counter' })).map((n) => n.id), [nonce.id]);
  t.same(await abaco.nonces.list(alice, { actor: actor.id }), [], 'actor and alias nonces are listed apart');
});
