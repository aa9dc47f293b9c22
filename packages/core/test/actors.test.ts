import t from 'tap';
import { isId } from '../src/ids.js';
import { admin, alice, bob, engine, priv, who } from './helpers.js';

t.test('create: image is required and everything else gets its upstream default', async (t) => {
  const abaco = await engine(t);
  await t.rejects(abaco.actors.create(alice, { name: 'no image' }), { name: 'BadRequestError', message: /Invalid actor description: \{'image': 'is required/ });
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/wc', name: 'word_counter', description: 'Actor that counts words.' });
  t.ok(isId(actor.id), `id ${actor.id} is a 13-character base62 id`);
  t.equal(actor.dbId, `TACC_${actor.id}`);
  t.match(actor, {
    image: 'abacosamples/wc', name: 'word_counter', owner: 'alice', status: 'SUBMITTED', statusMessage: '', revision: 1,
    stateless: true, type: 'none', link: '', webhook: '', hints: [], privileged: false, useContainerUid: false,
    maxWorkers: null, memLimit: null, maxCpus: null, defaultEnvironment: {}, queue: 'default', logEx: null,
    cronOn: false, cronSchedule: null, cronNextEx: null, mounts: [], state: {}, token: false,
  });
  t.equal(actor.createTime, actor.lastUpdateTime);
  const again = await abaco.actors.create(alice, { image: 'abacosamples/wc' });
  t.not(again.id, actor.id, 'ids are never reused');
});

t.test('create: snake_case or camelCase keys, and values as a form sends them', async (t) => {
  const abaco = await engine(t);
  const actor = await abaco.actors.create(alice, {
    image: 'abacosamples/test', stateless: 'False', default_environment: '{"key1": "value1"}', hints: 'sync', log_ex: '3600',
    id: 'ignored', owner: 'mallory', status: 'READY',
  });
  t.match(actor, { stateless: false, defaultEnvironment: { key1: 'value1' }, hints: ['sync'], logEx: 3600, owner: 'alice', status: 'SUBMITTED' });
  t.not(actor.id, 'ignored', 'read-only fields sent back are ignored');
  const camel = await abaco.actors.create(alice, { image: 'x', defaultEnvironment: { a: 1 }, stateless: true, hints: ['a', 2] });
  t.same(camel.defaultEnvironment, { a: 1 });
  t.same(camel.hints, ['a', '2']);
});

t.test('create: bad values get a 400 naming the field and the rule, and store nothing', async (t) => {
  const abaco = await engine(t);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ image: 'x', stateless: 'maybe' }, /'stateless': 'must be boolean'/],
    [{ image: 'x', use_container_uid: 'perhaps' }, /'use_container_uid': 'must be boolean'/],
    [{ image: 'x', default_environment: 'not a dict' }, /'default_environment': 'must be object'/],
    [{ image: { repo: 'x' } }, /'image': 'must be string'/],
    [{ image: '' }, /'image': 'must NOT have fewer than 1 characters'/],
    [{ image: 'x', hints: ['ok', 'bad{'] }, /Hints must be simple stings or numbers, no lists or dicts. Error character: \{/],
    [{ image: 'x', type: 'function' }, /'type': 'must be equal to one of the allowed values'/],
    [{ image: 'x', webhook: 'ftp://example.org' }, /'webhook': 'must be an http or https URL'/],
    [{ image: 'x', link: 'nosuchactor' }, /Invalid link parameter; unable to retrieve linked actor data/],
    [{ image: 'x', logEx: -5 }, /'logEx': 'must be >= 1'/],
    [{ image: 'x', cronSchedule: 'every hour' }, /^The cron is not in the correct format$/],
    [{ image: 'x', cronSchedule: '2020-13-45 16 + 1 hour' }, /^The starting date 2020-13-45 16 is not in the correct format$/],
    [{ image: 'x', cronSchedule: '1955-01-01 10 + 1 hour' }, /^The starting datetime is old. The current UTC time is \d{4}-\d\d-\d\d \d\d:00:00$/],
    [{ image: 'x', cronSchedule: 'now + 3 fortnights' }, /^fortnights is an invalid unit of time$/],
    [{ image: 'x', queue: 'gpu' }, /Not authorized -- only admins and privileged users can set queue./],
    ['a string body' as never, /the body must be a JSON object/],
  ];
  for (const [input, message] of cases) {
    await t.rejects(abaco.actors.create(alice, input), { message }, JSON.stringify(input));
  }
  t.same(await abaco.actors.list(alice), [], 'no refused actor was stored');
});

t.test('roles: only admins and privileged users set privileged fields', async (t) => {
  const abaco = await engine(t);
  const refusals: [Record<string, unknown>, string][] = [
    [{ privileged: true }, 'make privileged actors'],
    [{ maxWorkers: 3 }, 'set max workers'],
    [{ maxCpus: 1000000000 }, 'set max CPUs'],
    [{ memLimit: '512m' }, 'set mem limit'],
    [{ useContainerUid: true }, 'use container uid'],
    [{ queue: 'default2' }, 'set queue'],
    [{ uid: '0' }, 'set uid'],
    [{ gid: '0' }, 'set gid'],
  ];
  for (const [fields, action] of refusals) {
    await t.rejects(abaco.actors.create(alice, { image: 'x', ...fields }), { name: 'ForbiddenError', message: `Not authorized -- only admins and privileged users can ${action}.` });
  }
  const big = await abaco.actors.create(priv, { image: 'x', privileged: true, maxWorkers: 3, maxCpus: 1000000000, memLimit: '512m', useContainerUid: true });
  t.match(big, { privileged: true, maxWorkers: 3, maxCpus: 1000000000, memLimit: '512m', useContainerUid: true });
  await t.rejects(abaco.actors.create(priv, { image: 'x', stateless: false, maxWorkers: 2 }), { message: 'Invalid actor description: stateful actors can only have 1 worker.' });
  await t.rejects(abaco.actors.create(alice, { image: 'x', stateless: false, maxWorkers: 2 }), { message: 'Not authorized -- only admins and privileged users can set max workers.' }, 'the role is checked first, as upstream');
  await t.rejects(abaco.actors.create(priv, { image: 'x', queue: 'gpu' }), { message: /Invalid queue name/ });
  await t.rejects(abaco.actors.create(priv, { image: 'x', memLimit: 'lots' }), { message: /'memLimit': 'must match pattern/ });
  const fromAdmin = await abaco.actors.create(admin, { image: 'x', privileged: true });
  t.equal(fromAdmin.privileged, true);
});

t.test("limited users (upstream's throttled role) register, list, update and delete their own actors; privileged fields stay refused", async (t) => {
  const abaco = await engine(t);
  const lim = who('lim', ['limited']);
  const actor = await abaco.actors.create(lim, { image: 'x', name: 'mine' });
  t.equal(actor.owner, 'lim');
  t.same((await abaco.actors.list(lim)).map((a) => a.id), [actor.id]);
  t.equal((await abaco.actors.update(lim, actor.id, { image: 'y' })).revision, 2);
  await t.rejects(abaco.actors.create(lim, { image: 'x', maxWorkers: 2 }), { name: 'ForbiddenError', message: 'Not authorized -- only admins and privileged users can set max workers.' });
  await t.rejects(abaco.actors.update(lim, actor.id, { image: 'y', memLimit: '1g' }), { name: 'ForbiddenError', message: 'Not authorized -- only admins and privileged users can set mem limit.' });
  await abaco.actors.delete(lim, actor.id);
  t.same(await abaco.actors.list(lim), []);
});

t.test('get and list show only what the caller may READ; admin sees everything; tenants never mix', async (t) => {
  const abaco = await engine(t);
  const a1 = await abaco.actors.create(alice, { image: 'a1' });
  const a2 = await abaco.actors.create(alice, { image: 'a2' });
  const b1 = await abaco.actors.create(bob, { image: 'b1' });
  t.same((await abaco.actors.list(alice)).map((a) => a.id).sort(), [a1.id, a2.id].sort());
  t.same((await abaco.actors.list(bob)).map((a) => a.id), [b1.id]);
  t.same((await abaco.actors.list(admin)).map((a) => a.id).sort(), [a1.id, a2.id, b1.id].sort());
  await t.rejects(abaco.actors.get(bob, a1.id), { name: 'ForbiddenError', message: 'Not authorized -- you do not have access to this actor.' });
  t.equal((await abaco.actors.get(admin, a1.id)).image, 'a1');

  const otherAlice = who('alice', ['admin'], 'OTHER');
  t.same(await abaco.actors.list(otherAlice), [], 'an admin of another tenant sees none of them');
  await t.rejects(abaco.actors.get(otherAlice, a1.id), { name: 'NotFoundError', message: `Actor with identifier '${a1.id}' not found` });
  await t.rejects(abaco.actors.update(otherAlice, a1.id, { image: 'z' }), { name: 'NotFoundError' });
  await t.rejects(abaco.actors.delete(otherAlice, a1.id), { name: 'NotFoundError' });
  t.equal((await abaco.actors.get(alice, a1.id)).image, 'a1');
});

t.test('update: PUT semantics, revision and status, owner kept, stateful stays stateful', async (t) => {
  const abaco = await engine(t);
  const actor = await abaco.actors.create(alice, { image: 'v1', name: 'n', stateless: false, cronSchedule: 'now + 1 hour' });
  t.equal(actor.cronOn, true, 'giving a schedule switches cron on');
  await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'bob', level: 'UPDATE' });

  const same = await abaco.actors.update(bob, actor.id, { image: 'v1', description: 'changed' });
  t.match(same, { revision: 1, description: 'changed', name: 'n', owner: 'alice' });
  t.ok(same.lastUpdateTime >= actor.lastUpdateTime);

  await abaco.actors.update(admin, actor.id, { image: 'v1' });
  const forced = await abaco.actors.update(bob, actor.id, { image: 'v1', force: 'true' });
  t.match(forced, { revision: 2, status: 'SUBMITTED' });
  const newImage = await abaco.actors.update(bob, actor.id, { image: 'v2' });
  t.match(newImage, { revision: 3, image: 'v2', owner: 'alice' });

  const cronOff = await abaco.actors.update(alice, actor.id, { image: 'v2', cronOn: 'False' });
  t.match(cronOff, { cronOn: false, cronSchedule: 'now + 1 hour' }, 'fields not given keep their values');
  t.ok(cronOff.cronNextEx, 'the next run is kept for when cron is switched on again');

  const rescheduled = await abaco.actors.update(alice, actor.id, { image: 'v2', cronSchedule: 'now + 2 days', hints: ['sync', 7] });
  t.match(rescheduled, { cronOn: true, cronSchedule: 'now + 2 days', hints: ['sync', '7'] }, 'a new schedule switches cron on; hints are stored as strings');
  await t.rejects(abaco.actors.update(alice, actor.id, { image: 'v2', stateless: true }), { message: 'Invalid actor description: an actor that was not stateless cannot be updated to be stateless.' });
  await t.rejects(abaco.actors.update(alice, actor.id, { description: 'no image' }), { message: /'image'/ });
  await t.rejects(abaco.actors.update(alice, actor.id, { image: 'v2', maxWorkers: 2 }), { message: /only admins and privileged users can set max workers/ });
  const carol = who('carol');
  await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'carol', level: 'EXECUTE' });
  await t.rejects(abaco.actors.update(carol, actor.id, { image: 'v9' }), { name: 'ForbiddenError' });
  t.equal((await abaco.actors.get(alice, actor.id)).image, 'v2');
});

t.test('links: target must exist with EXECUTE, no self-link, no cycle', async (t) => {
  const abaco = await engine(t);
  const a = await abaco.actors.create(alice, { image: 'a' });
  const b = await abaco.actors.create(alice, { image: 'b', link: a.id });
  await abaco.aliases.create(alice, { alias: 'cee', actorId: (await abaco.actors.create(alice, { image: 'c', link: b.id })).id });
  const notMine = await abaco.actors.create(bob, { image: 'bob' });
  await t.rejects(abaco.actors.create(alice, { image: 'x', link: notMine.id }), { message: /must be a valid actor id or alias for which you have EXECUTE permission/ });
  await abaco.permissions.grant(bob, { actor: notMine.id }, { user: 'alice', level: 'EXECUTE' });
  t.equal((await abaco.actors.create(alice, { image: 'x', link: notMine.id })).link, notMine.id);
  await t.rejects(abaco.actors.update(alice, a.id, { image: 'a', link: a.id }), { message: 'Invalid link parameter. An actor cannot link to itself.' });
  await t.rejects(abaco.actors.update(alice, a.id, { image: 'a', link: 'cee' }), { message: 'Error: this update would result in a cycle of linked actors.' }, 'a -> cee -> b -> a');
  t.equal((await abaco.actors.get(alice, a.id)).link, '');
});

t.test('delete removes the actor with its aliases, nonces, permissions and state', async (t) => {
  const abaco = await engine(t);
  const actor = await abaco.actors.create(alice, { image: 'x', stateless: false });
  await abaco.state.set(alice, actor.id, { n: 1 });
  await abaco.aliases.create(alice, { alias: 'doomed', actorId: actor.id });
  const nonce = await abaco.nonces.create(alice, { actor: actor.id }, { level: 'READ' });
  await abaco.nonces.create(alice, { alias: 'doomed' }, { level: 'READ' });
  await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'bob', level: 'READ' });
  const keeper = await abaco.actors.create(alice, { image: 'keep' });
  await abaco.nonces.create(alice, { actor: keeper.id }, {});

  await t.rejects(abaco.actors.delete(bob, actor.id), { name: 'ForbiddenError' });
  await abaco.actors.delete(alice, 'doomed');
  await t.rejects(abaco.actors.get(alice, actor.id), { name: 'NotFoundError' });
  await t.rejects(abaco.aliases.get(alice, 'doomed'), { name: 'NotFoundError', message: 'No alias found: doomed.' });
  await t.rejects(abaco.nonces.redeem(nonce.id, actor.id, 'READ'), { message: 'Nonce does not exist.' });
  const left: string[] = [];
  // @ts-expect-error reading the private context to look at the raw store
  for await (const [key] of abaco.ctx.store.scan('t/TACC/')) left.push(key);
  t.same(left.filter((k) => !k.includes(keeper.id)).filter((k) => !k.startsWith('t/TACC/nonce/')), [], 'nothing of the deleted actor is left');
  t.equal(left.filter((k) => k.startsWith('t/TACC/nonce/')).length, 1, 'the other actor keeps its nonce');
});
