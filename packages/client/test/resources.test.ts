import t from 'tap';
import { serve } from './server.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

t.test('actors: register, read, list, update, state, delete (camelCase whatever the server shows)', async (t) => {
  for (const casing of ['snake', 'camel'] as const) {
    const { client } = await serve(t, { server: { casing } });
    const alice = client('alice');
    const actor = await alice.actors.create({ image: 'test/wc', name: 'counter', stateless: false, defaultEnvironment: { MY_VAR: 'x' } });
    t.equal(actor.image, 'test/wc', `${casing}: registered`);
    t.equal(actor.stateless, false);
    t.same(actor.defaultEnvironment, { MY_VAR: 'x' }, `${casing}: a nested document is left as it is`);
    t.equal(typeof actor.createTime, 'string', `${casing}: fields in camelCase`);
    t.ok(actor._links.self.endsWith(`/actors/v2/${actor.id}`));
    t.equal((await alice.actors.get(actor.id)).name, 'counter');
    t.same((await alice.actors.list()).map((a) => a.id), [actor.id]);
    const updated = await alice.actors.update(actor.id, { image: 'test/wc', description: 'counts words' });
    t.equal(updated.description, 'counts words');
    await alice.actors.setState(actor.id, { count: 3, nested_key: true });
    t.same(await alice.actors.state(actor.id), { count: 3, nested_key: true }, 'state comes back as it was set');
    await alice.actors.delete(actor.id);
    t.same(await alice.actors.list(), []);
  }
});

t.test('messages: a string, JSON and bytes each run an execution; logs, results and the inbox', async (t) => {
  const { client } = await serve(t);
  const alice = client('alice');
  const wc = await alice.actors.create({ image: 'test/wc' });
  const sent = await alice.messages.send(wc.id, 'one two three');
  t.match(sent, { executionId: String, msg: 'one two three' });
  const done = await alice.executions.wait(wc.id, sent.executionId, { intervalMs: 50 });
  t.equal(done.status, 'COMPLETE');
  t.equal(done.exitCode, 0);
  t.equal(await alice.executions.logs(wc.id, sent.executionId), 'Number of words is: 3\n');

  const env = await alice.actors.create({ image: 'test/env' });
  const json = await alice.messages.sendJson(env.id, { words: ['a', 'b'] }, { env: { GREETING: 'hello' } });
  t.same(json.msg, { words: ['a', 'b'] });
  await alice.executions.wait(env.id, json.executionId, { intervalMs: 50 });
  t.equal(await alice.executions.logs(env.id, json.executionId), 'GREETING=hello TYPE=application/json\n', 'JSON message, env from the options');

  const binary = await alice.actors.create({ image: 'test/binary' });
  const bytes = await alice.messages.sendBinary(binary.id, new Uint8Array(1234).fill(7));
  t.equal(bytes.msg, 'binary - omitted');
  await alice.executions.wait(binary.id, bytes.executionId, { intervalMs: 50 });
  t.equal(await alice.executions.logs(binary.id, bytes.executionId), '1234\n', 'the actor read the bytes');

  const results = await alice.actors.create({ image: 'test/results' });
  const r = await alice.messages.send(results.id, 'abc');
  await alice.executions.wait(results.id, r.executionId, { intervalMs: 50 });
  t.equal(text(await alice.executions.result(results.id, r.executionId)), '\x00\x01result of abc', 'the result');
  t.equal((await alice.executions.result(results.id, r.executionId)).length, 0, 'then none is left');

  const list = await alice.executions.list(wc.id);
  t.equal(list.totalExecutions, 1);
  t.same(list.executions.map((e) => e.id), [sent.executionId]);
  t.equal(list.executions[0]!.messageReceivedTime, done.messageReceivedTime, 'summaries in camelCase too');

  t.equal(await alice.messages.count(wc.id), 0);
  await alice.messages.purge(wc.id);
});

t.test('synchronous messages answer the first result, else the logs, with the execution id', async (t) => {
  const { client } = await serve(t);
  const alice = client('alice');
  const results = await alice.actors.create({ image: 'test/results' });
  const answer = await alice.messages.sendSync(results.id, { text: 'xyz' });
  t.equal(answer.kind, 'result');
  if (answer.kind === 'result') t.equal(text(answer.data), '\x00\x01result of xyz');
  t.equal((await alice.executions.get(results.id, answer.executionId)).status, 'COMPLETE', 'the id is the execution');
  const wc = await alice.actors.create({ image: 'test/wc' });
  const logs = await alice.messages.sendSync(wc.id, { json: { message: 'a b' } });
  t.same(logs.kind === 'logs' && logs.logs, 'Number of words is: 2\n', 'no result: the logs');
});

t.test('a synchronous message that runs past the server wait answers timeout; halting it', async (t) => {
  const { client } = await serve(t, { settings: { syncTimeoutMs: 300 } });
  const alice = client('alice');
  const sleeper = await alice.actors.create({ image: 'test/sleep' });
  const answer = await alice.messages.sendSync(sleeper.id, { text: 'zzz' });
  t.equal(answer.kind, 'timeout');
  while ((await alice.executions.get(sleeper.id, answer.executionId)).status !== 'RUNNING') await new Promise((resolve) => setTimeout(resolve, 50));
  await alice.executions.halt(sleeper.id, answer.executionId);
  const halted = await alice.executions.wait(sleeper.id, answer.executionId, { intervalMs: 50 });
  t.equal(halted.status, 'COMPLETE', 'halted (COMPLETE, as upstream)');
});

t.test('aliases, nonces, permissions and configs', async (t) => {
  const { client } = await serve(t);
  const alice = client('alice');
  const bob = client('bob');
  const actor = await alice.actors.create({ image: 'test/wc' });
  const other = await alice.actors.create({ image: 'test/wc' });

  const alias = await alice.aliases.create({ alias: 'counter', actorId: actor.id });
  t.match(alias, { alias: 'counter', actorId: actor.id, owner: 'alice' });
  t.equal((await alice.actors.get('counter')).id, actor.id, 'an alias names its actor');
  t.equal((await alice.aliases.update('counter', other.id)).actorId, other.id);
  t.same((await alice.aliases.list()).map((a) => a.alias), ['counter']);
  t.equal((await alice.aliases.get('counter')).actorId, other.id);

  const nonce = await alice.nonces.create({ actor: actor.id }, { level: 'EXECUTE', maxUses: 2, description: 'for bob' });
  t.match(nonce, { level: 'EXECUTE', maxUses: 2, remainingUses: 2, actorId: actor.id });
  const withNonce = client({ credentials: { nonce: nonce.id } });
  const sent = await withNonce.messages.send(actor.id, 'by nonce');
  t.ok(sent.executionId, 'a nonce client sends a message');
  t.equal((await alice.nonces.get({ actor: actor.id }, nonce.id)).remainingUses, 1);
  t.same((await alice.nonces.list({ actor: actor.id })).map((n) => n.id), [nonce.id]);
  await alice.nonces.delete({ actor: actor.id }, nonce.id);
  const aliasNonce = await alice.nonces.create({ alias: 'counter' }, { level: 'READ' });
  t.equal(aliasNonce.alias, 'counter');

  t.same(await alice.permissions.list({ actor: actor.id }), { alice: 'UPDATE' });
  t.same(await alice.permissions.grant({ actor: actor.id }, 'bob', 'READ'), { alice: 'UPDATE', bob: 'READ' });
  t.equal((await bob.actors.get(actor.id)).id, actor.id, 'bob reads it now');
  t.same(await alice.permissions.grant({ alias: 'counter' }, 'bob', 'READ'), { alice: 'UPDATE', bob: 'READ' });

  const config = await alice.configs.create({ name: 'settings', value: { depth: 2 }, isSecret: false, actors: [actor.id, other.id] });
  t.match(config, { name: 'settings', value: { depth: 2 }, isSecret: false, owner: 'alice' });
  t.equal(config.actors, `${actor.id}, ${other.id}`);
  t.same((await alice.configs.update('settings', { value: 'plain', isSecret: true, actors: actor.id })).isSecret, true);
  t.same((await alice.configs.list()).map((c) => c.name), ['settings']);
  t.not((await alice.configs.get('settings')).value, 'plain', 'a secret stays encrypted');
  t.same(await alice.permissions.grant({ config: 'settings' }, 'bob', 'READ'), await alice.permissions.list({ config: 'settings' }));
  await alice.configs.delete('settings');
  await alice.aliases.delete('counter');
  t.same(await alice.aliases.list(), []);
});

t.test('workers, search, utilization and the nodes', async (t) => {
  const { client } = await serve(t);
  const alice = client('alice');
  const root = client('root');
  const actor = await alice.actors.create({ image: 'test/wc' });
  const sent = await alice.messages.send(actor.id, 'a b c');
  await alice.executions.wait(actor.id, sent.executionId, { intervalMs: 50 });
  const workers = await alice.workers.list(actor.id);
  t.equal(workers.length, 1, 'the actor got a worker');
  t.equal((await alice.workers.get(actor.id, workers[0]!.id)).actorId, actor.id);
  t.match(await root.workers.ensure(actor.id, 2), /Scheduled 1 new worker/, 'admins start workers');
  await alice.workers.stop(actor.id, workers[0]!.id);

  const page = await alice.search.page('executions', { status: 'COMPLETE' });
  t.same(page.search.map((e) => e.id), [sent.executionId]);
  t.match(page.metadata, { totalCount: 1, countReturned: 1, recordsSkipped: 0 });
  const logs = await alice.search.page('logs', { search: 'words' });
  t.equal(logs.search[0]!.executionId, sent.executionId);
  t.equal((await alice.search.page('actors', { image: 'test/wc' })).search[0]!.id, actor.id);

  t.match(await alice.utilization(), { totalActors: 1, runtime: 'process' });
  const nodes = await root.admin.nodes();
  t.equal(nodes.nodes.length, 1);
  t.equal(nodes.leader, nodes.nodes[0]!.id);
  t.equal(nodes.nodes[0]!.alive, true);
});

t.test("inputs are typed from the schemas the server validates with: what the type refuses, the server would not take", async (t) => {
  const { client } = await serve(t);
  const alice = client('alice');
  // compile-time checks (tsc -p tsconfig.test.json fails if the input types stop following the schemas)
  // @ts-expect-error the actor schema has no field maxWorkerz
  const typo: Parameters<typeof alice.actors.create>[0] = { image: 'test/wc', maxWorkerz: 2 };
  // @ts-expect-error the alias schema requires actorId
  const noTarget: Parameters<typeof alice.aliases.create>[0] = { alias: 'counter' };
  // @ts-expect-error stateless is a boolean in the actor schema
  const wrongType: Parameters<typeof alice.actors.create>[0] = { image: 'test/wc', stateless: 'yes please' };
  t.ok(typo && noTarget && wrongType);
  await t.rejects(alice.aliases.create(noTarget), { status: 400, message: /actor_id|actorId/ }, 'the server refuses what the type refused');
  await t.rejects(alice.actors.create(wrongType), { status: 400, message: /stateless/ });
});
