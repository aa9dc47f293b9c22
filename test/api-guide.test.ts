import t from 'tap';
import { finishedOverHttp, startApi } from './api-helpers.js';

t.test('the user guide, with plain HTTP requests', async (t) => {
  const api = await startApi(t, { server: { publicUrl: 'https://abaco.example.org' } });

  // Registering an actor (form-encoded, as the guide's curl -d does)
  const created = await api.call('POST', '/actors/v2', { as: 'alice', form: { image: 'abacosamples/wc', name: 'word_counter', description: 'Actor that counts words.' } });
  t.equal(created.status, 201);
  t.match(created.json, { status: 'success', message: 'Actor created successfully.', version: String });
  const actor = created.json!.result;
  t.match(actor, { image: 'abacosamples/wc', name: 'word_counter', owner: 'alice', status: 'SUBMITTED', stateless: true, default_environment: {}, use_container_uid: false });
  t.same(actor._links, { self: `https://abaco.example.org/actors/v2/${actor.id}`, owner: 'https://abaco.example.org/profiles/v2/alice', executions: `https://abaco.example.org/actors/v2/${actor.id}/executions` });
  t.notOk('tenant' in actor || 'db_id' in actor || 'dbId' in actor, 'no tenant or db id in results');

  // Executing it
  const sent = await api.call('POST', `/actors/v2/${actor.id}/messages`, { as: 'alice', form: { message: 'Actor, please count these words.' } });
  t.equal(sent.status, 200);
  const executionId = sent.json!.result.execution_id;
  t.match(sent.json!.result, { msg: 'Actor, please count these words.', _links: { self: `https://abaco.example.org/actors/v2/${actor.id}/executions/${executionId}` } });
  const execution = await finishedOverHttp(api, actor.id, executionId);
  t.match(execution, { status: 'COMPLETE', exit_code: 0, executor: 'alice', actor_id: actor.id, final_state: { ExitCode: 0, Status: 'exited' } });
  const logs = await api.call('GET', `/actors/v2/${actor.id}/executions/${executionId}/logs`, { as: 'alice' });
  t.match(logs.json, { message: 'Logs retrieved successfully.', result: { logs: 'Number of words is: 5\n' } });
  t.equal((await api.call('GET', `/actors/v2/${actor.id}`, { as: 'alice' })).json!.result.status, 'READY');

  // The same under /actors, and the executions summary
  const summary = await api.call('GET', `/actors/${actor.id}/executions`, { as: 'alice' });
  t.match(summary.json!.result, { actor_id: actor.id, owner: 'alice', total_executions: 1, executions: [{ id: executionId, status: 'COMPLETE' }] });

  // JSON message
  const jsonSent = await api.call('POST', `/actors/v2/${actor.id}/messages`, { as: 'alice', json: { words: 'a b' } });
  await finishedOverHttp(api, actor.id, jsonSent.json!.result.execution_id);
  t.same(jsonSent.json!.result.msg, { words: 'a b' });

  // Synchronous message: the logs come back as plain text (never HTML: they are the container's output)
  const sync = await api.call('POST', `/actors/v2/${actor.id}/messages?_abaco_synchronous=true`, { as: 'alice', form: { message: 'one two three' } });
  t.equal(sync.status, 200);
  t.match(sync.headers['content-type'], /^text\/plain/);
  t.equal(sync.headers['x-content-type-options'], 'nosniff');
  t.equal(sync.text, 'Number of words is: 3\n');

  // Message count
  t.match((await api.call('GET', `/actors/v2/${actor.id}/messages`, { as: 'alice' })).json!.result, { messages: 0 });
});

t.test('binary messages, results and synchronous results over HTTP', async (t) => {
  const api = await startApi(t);
  const binary = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/binary' } })).json!.result;
  const bytes = Buffer.alloc(200_000, 7);
  const sent = await api.call('POST', `/actors/v2/${binary.id}/messages`, { as: 'alice', bytes });
  t.equal(sent.json!.result.msg, 'binary - omitted');
  await finishedOverHttp(api, binary.id, sent.json!.result.execution_id);
  t.equal((await api.call('GET', `/actors/v2/${binary.id}/executions/${sent.json!.result.execution_id}/logs`, { as: 'alice' })).json!.result.logs, '200000\n');

  const results = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/results' } })).json!.result;
  const run = await api.call('POST', `/actors/v2/${results.id}/messages`, { as: 'alice', form: { message: 'go' } });
  const executionId = run.json!.result.execution_id;
  await finishedOverHttp(api, results.id, executionId);
  const first = await api.call('GET', `/actors/v2/${results.id}/executions/${executionId}/results`, { as: 'alice' });
  t.equal(first.headers['content-type'], 'application/octet-stream');
  t.same(first.bytes, Buffer.from('\x00\x01binary result', 'latin1'));
  t.equal((await api.call('GET', `/actors/v2/${results.id}/executions/${executionId}/results`, { as: 'alice' })).bytes.length, 0, 'empty once read');

  const sync = await api.call('POST', `/actors/v2/${results.id}/messages?_abaco_synchronous=true`, { as: 'alice', form: { message: 'go' } });
  t.equal(sync.headers['content-type'], 'application/octet-stream');
  t.same(sync.bytes, Buffer.from('\x00\x01binary result', 'latin1'));
});

t.test('query parameters of a message become environment variables; default environment and state', async (t) => {
  const api = await startApi(t);
  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/env', stateless: false, default_environment: { key1: 'value1', key2: 'value2' } } })).json!.result;
  const state = await api.call('POST', `/actors/v2/${actor.id}/state`, { as: 'alice', json: { 'some variable': 'value' } });
  t.match(state.json, { message: 'State updated successfully.', result: { id: actor.id, state: { 'some variable': 'value' } } });
  t.same((await api.call('GET', `/actors/v2/${actor.id}/state`, { as: 'alice' })).json!.result.state, { 'some variable': 'value' });
  const sent = await api.call('POST', `/actors/v2/${actor.id}/messages?key2=override&extra=1`, { as: 'alice', form: { message: 'hi' } });
  await finishedOverHttp(api, actor.id, sent.json!.result.execution_id);
  const logs = (await api.call('GET', `/actors/v2/${actor.id}/executions/${sent.json!.result.execution_id}/logs`, { as: 'alice' })).json!.result.logs;
  for (const line of ['key1=value1', 'key2=override', 'extra=1', 'MSG=hi', "_abaco_actor_state={'some variable': 'value'}", '_abaco_Content_Type=str']) t.match(logs, new RegExp(`^${line.replace(/[{}()]/g, '\\$&')}$`, 'm'), line);
  const stateless = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/env' } })).json!.result;
  const refused = await api.call('POST', `/actors/v2/${stateless.id}/state`, { as: 'alice', json: { a: 1 } });
  t.match(refused, { status: 404, json: { status: 'error', message: 'actor is stateless.' } });
});

t.test('permissions with a second user, nonces whose uses run out, aliases', async (t) => {
  const api = await startApi(t);
  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc' } })).json!.result;
  t.equal((await api.call('GET', `/actors/v2/${actor.id}`, { as: 'bob' })).status, 403);
  const granted = await api.call('POST', `/actors/v2/${actor.id}/permissions`, { as: 'alice', form: { user: 'bob', level: 'EXECUTE' } });
  t.match(granted.json, { message: 'Permission added successfully.', result: { alice: 'UPDATE', bob: 'EXECUTE' } });
  t.equal((await api.call('GET', `/actors/v2/${actor.id}`, { as: 'bob' })).status, 200);
  const bobSent = await api.call('POST', `/actors/v2/${actor.id}/messages`, { as: 'bob', form: { message: 'from bob' } });
  t.equal((await finishedOverHttp(api, actor.id, bobSent.json!.result.execution_id, 'bob')).executor, 'bob');
  t.equal((await api.call('PUT', `/actors/v2/${actor.id}`, { as: 'bob', json: { image: 'x' } })).status, 403);

  const nonce = (await api.call('POST', `/actors/v2/${actor.id}/nonces`, { as: 'alice', form: { maxUses: '2', level: 'EXECUTE' } })).json!.result;
  t.match(nonce, { level: 'EXECUTE', max_uses: 2, remaining_uses: 2, owner: 'alice', actor_id: actor.id, last_use_time: 'None' });
  for (let i = 0; i < 2; i++) {
    const withNonce = await api.call('POST', `/actors/v2/${actor.id}/messages?x-nonce=${nonce.id}`, { form: { message: `nonce ${i}` } });
    t.equal(withNonce.status, 200, `use ${i + 1}`);
  }
  const spent = await api.call('POST', `/actors/v2/${actor.id}/messages?x-nonce=${nonce.id}`, { form: { message: 'too many' } });
  t.match(spent, { status: 403, json: { status: 'error', message: 'No remaining uses left for this nonce.' } });
  t.equal((await api.call('GET', `/actors/v2?x-nonce=${nonce.id}`)).status, 403, 'a nonce does not list actors');

  const alias = await api.call('POST', '/actors/v2/aliases', { as: 'alice', form: { alias: 'counter', actorId: actor.id } });
  t.match(alias.json!.result, { alias: 'counter', actor_id: actor.id, owner: 'alice' });
  t.equal((await api.call('GET', '/actors/v2/counter', { as: 'alice' })).json!.result.id, actor.id);
  const viaAlias = await api.call('POST', '/actors/v2/counter/messages', { as: 'alice', form: { message: 'via alias' } });
  t.equal((await finishedOverHttp(api, 'counter', viaAlias.json!.result.execution_id)).status, 'COMPLETE');
  const aliasNonce = (await api.call('POST', '/actors/v2/aliases/counter/nonces', { as: 'alice', form: { level: 'READ' } })).json!.result;
  t.equal((await api.call('GET', `/actors/v2/counter?x-nonce=${aliasNonce.id}`)).status, 200);
  t.equal((await api.call('GET', `/actors/v2/${actor.id}?x-nonce=${aliasNonce.id}`)).status, 403, 'an alias nonce works through its alias only');
  t.equal((await api.call('GET', '/actors/v2/counter', { as: 'eve' })).status, 404, 'another tenant does not see it');
});

t.test('configs with a secret', async (t) => {
  const api = await startApi(t, { settings: { secretKey: 'a'.repeat(64) } });
  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/env' } })).json!.result;
  const config = await api.call('POST', '/actors/v2/configs', { as: 'alice', json: { name: 'db_password', value: 'hunter2', actors: actor.id, is_secret: true } });
  t.equal(config.status, 201);
  t.match(config.json!.result, { name: 'db_password', is_secret: true, actors: actor.id });
  t.notMatch(config.json!.result.value, /hunter2/);
  t.notMatch((await api.call('GET', '/actors/v2/configs/db_password', { as: 'alice' })).text, /hunter2/);
  const sent = await api.call('POST', `/actors/v2/${actor.id}/messages`, { as: 'alice', form: { message: 'x' } });
  await finishedOverHttp(api, actor.id, sent.json!.result.execution_id);
  t.match((await api.call('GET', `/actors/v2/${actor.id}/executions/${sent.json!.result.execution_id}/logs`, { as: 'alice' })).json!.result.logs, /^_actor_configs=\{'db_password': 'hunter2'\}$/m);
  t.same((await api.call('GET', '/actors/v2/configs/db_password/permissions', { as: 'alice' })).json!.result, { alice: 'UPDATE' });
});
