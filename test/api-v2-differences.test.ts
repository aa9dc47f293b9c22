// The Abaco v2 behaviours of issue #11 that a client sees over HTTP, each as upstream has it.
import t from 'tap';
import { ProcessRuntime } from '@abaco/core';
import { finishedOverHttp, images, startApi, tokens } from './api-helpers.js';

const limited = { ...Object.fromEntries(Object.entries(tokens).map(([name, user]) => [`${name}-token`, user])), 'lim-token': { user: 'lim', tenant: 'TACC', roles: ['limited' as const] } };
const asLimited = { authorization: 'Bearer lim-token' };

t.test("a limited user (upstream's throttled role) registers, lists, updates and deletes its own actors; only privileged fields are refused", async (t) => {
  const api = await startApi(t, { server: { tokens: limited } });
  const created = await api.call('POST', '/actors/v2', { headers: asLimited, json: { image: 'abacosamples/wc', name: 'mine' } });
  t.match(created, { status: 201, json: { result: { owner: 'lim', name: 'mine' } } });
  const id = created.json!.result.id;
  t.same((await api.call('GET', '/actors/v2', { headers: asLimited })).json!.result.map((a: { id: string }) => a.id), [id]);
  t.match(await api.call('PUT', `/actors/v2/${id}`, { headers: asLimited, json: { image: 'test/env' } }), { status: 200, json: { result: { image: 'test/env', revision: 2 } } });
  t.match(await api.call('POST', '/actors/v2', { headers: asLimited, json: { image: 'abacosamples/wc', max_workers: 3 } }), {
    status: 403,
    json: { message: 'Not authorized -- only admins and privileged users can set max workers.' },
  });
  t.match(await api.call('PUT', `/actors/v2/${id}`, { headers: asLimited, json: { image: 'test/env', privileged: true } }), {
    status: 403,
    json: { message: 'Not authorized -- only admins and privileged users can make privileged actors.' },
  });
  t.equal((await api.call('DELETE', `/actors/v2/${id}`, { headers: asLimited })).status, 200);
  t.same((await api.call('GET', '/actors/v2', { headers: asLimited })).json!.result, []);
});

t.test('an alias for an actor that does not exist is a 404, on create and on update', async (t) => {
  const api = await startApi(t);
  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc' } })).json!.result;
  for (const missing of ['JWpkNmBwKewYo', 'no-such-actor']) {
    t.match(await api.call('POST', '/actors/v2/aliases', { as: 'alice', json: { alias: 'counter', actor_id: missing } }), { status: 404, json: { status: 'error', message: `No actor found with id: ${missing}.` } });
  }
  t.equal((await api.call('POST', '/actors/v2/aliases', { as: 'alice', json: { alias: 'counter', actor_id: actor.id } })).status, 201);
  t.match(await api.call('PUT', '/actors/v2/aliases/counter', { as: 'alice', json: { actor_id: 'JWpkNmBwKewYo' } }), { status: 404, json: { message: 'No actor found with id: JWpkNmBwKewYo.' } });
  t.match((await api.call('GET', '/actors/v2/aliases/counter', { as: 'alice' })).json!.result, { actor_id: actor.id }, 'the alias is unchanged');
});

t.test('a search without a limit returns up to 100 records, and record_limit says so', async (t) => {
  const api = await startApi(t, { engine: { runtime: undefined } });
  const alice = { user: 'alice', tenant: 'TACC', roles: ['user' as const] };
  for (let i = 0; i < 101; i++) await api.abaco.actors.create(alice, { image: 'abacosamples/wc', name: `actor-${i}` });
  t.match((await api.call('GET', '/actors/v2/search/actors', { as: 'alice' })).json!.result._metadata, { total_count: 101, records_skipped: 0, record_limit: 100, count_returned: 100 });
  t.match((await api.call('GET', '/actors/v2/search/actors?skip=100', { as: 'alice' })).json!.result._metadata, { total_count: 101, records_skipped: 100, record_limit: 100, count_returned: 1 });
  t.match((await api.call('GET', '/actors/v2/search/actors?limit=7', { as: 'alice' })).json!.result._metadata, { record_limit: 7, count_returned: 7 });
});

t.test("a JSON message and an event reach the actor as Python's str() of the dict in MSG, and as JSON in _abaco_raw_message", async (t) => {
  const api = await startApi(t);
  const env = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/env' } })).json!.result;
  const sync = await api.call('POST', `/actors/v2/${env.id}/messages?_abaco_synchronous=true`, { as: 'alice', json: { name: "O'Brien", n: 3, ok: true, none: null, list: [1.5, 'x'] } });
  t.equal(sync.status, 200);
  t.match(sync.text, /^MSG=\{'name': "O'Brien", 'n': 3, 'ok': True, 'none': None, 'list': \[1\.5, 'x'\]\}$/m);
  t.match(sync.text, /^_abaco_raw_message=\{"name":"O'Brien","n":3,"ok":true,"none":null,"list":\[1\.5,"x"\]\}$/m);
  t.match(sync.text, /^_abaco_Content_Type=application\/json$/m);
  const plain = await api.call('POST', `/actors/v2/${env.id}/messages?_abaco_synchronous=true`, { as: 'alice', form: { message: '{"a": 1}' } });
  t.match(plain.text, /^MSG=\{"a": 1\}$/m, 'a string message stays as sent');
  t.notMatch(plain.text, /_abaco_raw_message/);

  const source = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc', link: env.id } })).json!.result;
  const sent = await api.call('POST', `/actors/v2/${source.id}/messages`, { as: 'alice', form: { message: 'a b' } });
  await finishedOverHttp(api, source.id, sent.json!.result.execution_id);
  await api.abaco.drainEvents();
  const events = async () => (await api.call('GET', `/actors/v2/${env.id}/executions?executor=Abaco%20Event`, { as: 'alice' })).json!.result.search as { id: string }[];
  while ((await events()).length < 2) await new Promise((r) => setTimeout(r, 50)); // ACTOR_READY, EXECUTION_COMPLETE
  const logsOf = async (e: { id: string }) => (await finishedOverHttp(api, env.id, e.id), (await api.call('GET', `/actors/v2/${env.id}/executions/${e.id}/logs`, { as: 'alice' })).json!.result.logs as string);
  const logs = (await Promise.all((await events()).map(logsOf))).find((l) => l.includes('EXECUTION_COMPLETE'))!;
  t.match(logs, new RegExp(`^MSG=\\{'tenant_id': 'TACC', 'event_type': 'EXECUTION_COMPLETE', .*'execution_id': '${sent.json!.result.execution_id}', 'status': 'COMPLETE', 'exit_code': 0\\}$`, 'm'));
  t.match(JSON.parse(/^_abaco_raw_message=(.*)$/m.exec(logs)![1]!), { event_type: 'EXECUTION_COMPLETE', actor_id: source.id, _abaco_link: env.id });
});

t.test("a worker names the container it ran, the runtime and the node; search results carry no tenant, workers' included", async (t) => {
  const api = await startApi(t, { settings: { hostIp: '10.1.2.3' } });
  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/env' } })).json!.result;
  const run = () => api.call('POST', `/actors/v2/${actor.id}/messages?_abaco_synchronous=true`, { as: 'alice', form: { message: 'x' } });
  await run();
  const [worker] = (await api.call('GET', `/actors/v2/${actor.id}/workers`, { as: 'alice' })).json!.result;
  t.match(worker, { location: 'process', host_id: api.abaco.engineId, host_ip: '10.1.2.3', tenant: 'TACC', cid: /^process-\d+$/ });
  await run();
  const again = (await api.call('GET', `/actors/v2/${actor.id}/workers/${worker.id}`, { as: 'alice' })).json!.result;
  t.match(again.cid, /^process-\d+$/);
  t.not(again.cid, worker.cid, 'the cid follows the container (here a process) of each execution');

  for (const collection of ['actors', 'workers', 'executions', 'logs']) {
    const found = (await api.call('GET', `/actors/v2/search/${collection}`, { as: 'alice' })).json!.result.search;
    t.ok(found.length > 0, `${collection} found`);
    for (const record of found) t.notOk('tenant' in record, `a ${collection} search result has no tenant`);
  }
  const [searched] = (await api.call('GET', `/actors/v2/${actor.id}/workers?status.neq=ERROR`, { as: 'alice' })).json!.result.search;
  t.match(searched, { id: worker.id, cid: again.cid, host_ip: '10.1.2.3' });
  t.notOk('tenant' in searched);
});

t.test('search reaches only the actors one holds a READ grant on, admins too; the listings still show admins everything', async (t) => {
  const api = await startApi(t);
  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc', name: 'alices' } })).json!.result;
  const sent = await api.call('POST', `/actors/v2/${actor.id}/messages?_abaco_synchronous=true`, { as: 'alice', form: { message: 'a b' } });
  t.equal(sent.status, 200);
  const total = async (path: string) => (await api.call('GET', path, { as: 'root' })).json!.result._metadata.total_count;
  for (const collection of ['actors', 'workers', 'executions', 'logs']) t.equal(await total(`/actors/v2/search/${collection}`), 0, `an admin without a grant finds no ${collection}`);
  t.equal(await total(`/actors/v2?name=alices`), 0, 'nor through /actors with parameters');
  t.equal(await total(`/actors/v2/${actor.id}/executions?status=COMPLETE`), 0, "nor through the actor's executions with parameters");
  t.same((await api.call('GET', '/actors/v2', { as: 'root' })).json!.result.map((a: { id: string }) => a.id), [actor.id], 'the listing shows the admin every actor');
  t.equal((await api.call('GET', `/actors/v2/${actor.id}/executions`, { as: 'root' })).json!.result.total_executions, 1, 'and every execution');

  await api.call('POST', `/actors/v2/${actor.id}/permissions`, { as: 'alice', json: { user: 'root', level: 'NONE' } });
  t.equal(await total('/actors/v2/search/actors'), 0, 'a NONE grant reaches nothing');
  await api.call('POST', `/actors/v2/${actor.id}/permissions`, { as: 'alice', json: { user: 'root', level: 'READ' } });
  t.equal(await total('/actors/v2/search/executions'), 1, 'a READ grant reaches the actor');
  t.equal(await total(`/actors/v2/${actor.id}/executions?status=COMPLETE`), 1);
  await api.call('POST', `/actors/v2/${actor.id}/permissions`, { as: 'alice', json: { user: 'root', level: 'NONE' } });
  await api.call('POST', `/actors/v2/${actor.id}/permissions`, { as: 'alice', json: { user: 'ABACO_WORLD', level: 'READ' } });
  t.equal(await total('/actors/v2/search/actors'), 1, 'a grant to ABACO_WORLD is held by everyone');
});

t.test("a config's actors read back joined with \", \"; a config naming an actor or alias that does not exist is a 404", async (t) => {
  const api = await startApi(t);
  const a = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc' } })).json!.result;
  const b = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/env' } })).json!.result;
  await api.call('POST', '/actors/v2/aliases', { as: 'alice', json: { alias: 'envy', actor_id: b.id } });
  const created = await api.call('POST', '/actors/v2/configs', { as: 'alice', json: { name: 'cfg', value: 'v', is_secret: false, actors: `${a.id},envy` } });
  t.match(created, { status: 201, json: { result: { actors: `${a.id}, envy` } } });
  t.equal((await api.call('GET', '/actors/v2/configs/cfg', { as: 'alice' })).json!.result.actors, `${a.id}, envy`);
  const updated = await api.call('PUT', '/actors/v2/configs/cfg', { as: 'alice', json: { value: 'w', is_secret: false, actors: ` envy ,   ${a.id}` } });
  t.equal(updated.json!.result.actors, `envy, ${a.id}`);
  t.match((await api.call('GET', '/actors/v2/configs', { as: 'alice' })).json!.result, [{ name: 'cfg', actors: `envy, ${a.id}` }]);

  for (const missing of ['ghost', 'JWpkNmBwKewYo']) {
    t.match(await api.call('POST', '/actors/v2/configs', { as: 'alice', json: { name: 'other', value: 'v', is_secret: false, actors: `${a.id}, ${missing}` } }), {
      status: 404,
      json: { status: 'error', message: `No actor or alias found with id: ${missing}.` },
    });
  }
  t.match(await api.call('PUT', '/actors/v2/configs/cfg', { as: 'alice', json: { value: 'x', is_secret: false, actors: 'ghost' } }), { status: 404, json: { message: 'No actor or alias found with id: ghost.' } });
  t.match((await api.call('GET', '/actors/v2/configs/cfg', { as: 'alice' })).json!.result, { value: 'w', actors: `envy, ${a.id}` }, 'nothing changed');
  t.equal((await api.call('GET', '/actors/v2/configs/other', { as: 'alice' })).status, 404, 'nothing created');
});

t.test("run_as_executor: upstream's texts; supported only in the tenants the deployment lists, running as the sender's uid:gid", async (t) => {
  const runtime = new ProcessRuntime({ images: { ...images, 'test/id': ['sh', '-c', 'echo "$(id -u):$(id -g)"'] } });
  const api = await startApi(t, { engine: { runtime }, settings: { runAsExecutor: { TACC: { alice: '4001:4002', bob: '4101:4102' } } } });
  t.match(await api.call('POST', '/actors/v2', { as: 'root', json: { image: 'test/id', run_as_executor: true, use_container_uid: true } }), {
    status: 400,
    json: { message: 'Cannot set both use_container_uid and run_as_executor as true' },
  });
  t.match(await api.call('POST', '/actors/v2', { as: 'eve', json: { image: 'test/id', run_as_executor: true } }), { status: 400, json: { message: "run_as_executor isn't supported for your tenant" } });
  const plain = (await api.call('POST', '/actors/v2', { as: 'eve', json: { image: 'test/id' } })).json!.result;
  t.match(await api.call('PUT', `/actors/v2/${plain.id}`, { as: 'eve', json: { image: 'test/id', runAsExecutor: 'True' } }), { status: 400, json: { message: "run_as_executor isn't supported for your tenant" } });

  const created = await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/id', run_as_executor: true, cron_schedule: 'now + 1 day' } });
  t.match(created, { status: 201, json: { result: { run_as_executor: true } } });
  const id = created.json!.result.id;
  await api.call('POST', `/actors/v2/${id}/permissions`, { as: 'alice', json: { user: 'bob', level: 'EXECUTE' } });
  await api.call('POST', `/actors/v2/${id}/permissions`, { as: 'alice', json: { user: 'root', level: 'EXECUTE' } });
  const run = (as: 'alice' | 'bob' | 'root') => api.call('POST', `/actors/v2/${id}/messages?_abaco_synchronous=true`, { as, form: { message: 'x' } });
  t.equal((await run('alice')).text, '4001:4002\n', "the owner's message runs as the owner");
  t.equal((await run('bob')).text, '4101:4102\n', "another user's message runs as that user");
  t.match(await run('root'), { status: 400, json: { message: `This actor runs as the user who sends it a message (run_as_executor), and root has no uid:gid in tenant TACC.` } });

  t.match(await api.call('GET', '/cron', { as: 'root' }), { json: { result: { actor_ids: [id] } } });
  const [cron] = (await api.call('GET', `/actors/v2/${id}/executions?executor=cron`, { as: 'alice' })).json!.result.search;
  await finishedOverHttp(api, id, cron.id);
  t.equal((await api.call('GET', `/actors/v2/${id}/executions/${cron.id}/logs`, { as: 'alice' })).json!.result.logs, '4001:4002\n', "a cron message runs as the owner");
});

t.test('our deliberate differences from upstream, as the README lists them', async (t) => {
  const api = await startApi(t);
  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc', stateless: false } })).json!.result;
  await api.call('POST', `/actors/v2/${actor.id}/permissions`, { as: 'alice', json: { user: 'bob', level: 'EXECUTE' } });
  t.match(await api.call('GET', `/actors/v2/${actor.id}/permissions`, { as: 'eve' }), { status: 404 }, "another tenant's actor does not exist");
  t.match(await api.call('PUT', `/actors/v2/${actor.id}`, { as: 'bob', json: { image: 'test/env' } }), { status: 403, json: { message: 'Not authorized -- you do not have access to this actor.' } }, 'a refusal is a 403 (upstream: 400)');
  t.match(await api.call('POST', '/actors/v2/configs', { as: 'bob', json: { name: 'planted', value: 'x', is_secret: false, actors: actor.id } }), { status: 403 }, 'a config is shared only with an actor one may UPDATE');
  t.match(await api.call('GET', `/actors/v2/${actor.id}/nonces`, { as: 'bob' }), { status: 403 }, 'listing nonces needs UPDATE');
  const nonce = (await api.call('POST', `/actors/v2/${actor.id}/nonces`, { as: 'alice', json: { level: 'UPDATE' } })).json!.result;
  t.match(await api.call('POST', `/actors/v2/${actor.id}/nonces?x-nonce=${nonce.id}`, { json: { level: 'READ' } }), { status: 403 }, 'a nonce makes no nonce');
  t.match(await api.call('POST', `/actors/v2/${actor.id}/permissions?x-nonce=${nonce.id}`, { json: { user: 'bob', level: 'UPDATE' } }), { status: 403 }, 'a nonce grants nothing');
  t.match(await api.call('POST', `/actors/v2/${actor.id}/workers`, { as: 'root', json: { num: 3 } }), { status: 200, json: { message: /^Scheduled [01] new worker\(s\) to start/ } });
  t.equal((await api.call('GET', `/actors/v2/${actor.id}/workers`, { as: 'root' })).json!.result.length, 1, 'a stateful actor never gets a second worker');
  t.match(await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc', cron_schedule: 'now + 2 eons' } }), { status: 400, json: { message: /eons is an invalid unit of time/ } }, 'a bad cron schedule is a 400 (v3: 500)');
  const privileged = (await api.call('POST', '/actors/v2', { as: 'root', json: { image: 'abacosamples/wc', max_workers: 2 } })).json!.result;
  await api.call('POST', `/actors/v2/${privileged.id}/permissions`, { as: 'root', json: { user: 'alice', level: 'UPDATE' } });
  t.match(await api.call('PUT', `/actors/v2/${privileged.id}`, { as: 'alice', json: { image: 'test/env' } }), { status: 403, json: { message: /only admins and privileged users can update a privileged actor/ } });
  t.match(await api.call('POST', '/actors/v2', { as: 'alice', json: { image: '/bin/sh' } }), { status: 403, json: { message: /only admins can register an image that is a path of the host/ } }, 'the process runtime: host executables for admins only');
});

t.test('the executions summary lists the 100 received last with the totals of all; skip and limit page through every one', async (t) => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  // no runtime: the messages stay queued; a clock that ticks a second a reading, so no two are received in the same millisecond
  const api = await startApi(t, { engine: { runtime: undefined, now: () => new Date((now += 1000)) } });
  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc' } })).json!.result;
  const sent: string[] = [];
  for (let i = 0; i < 130; i++) sent.push((await api.call('POST', `/actors/v2/${actor.id}/messages`, { as: 'alice', form: { message: `${i}` } })).json!.result.execution_id);
  const summary = (await api.call('GET', `/actors/v2/${actor.id}/executions`, { as: 'alice' })).json!.result;
  t.equal(summary.total_executions, 130, 'the total counts every execution');
  t.same(summary.executions.map((e: { id: string }) => e.id), sent.slice(30), 'the 100 received last, oldest first');
  const page = (await api.call('GET', `/actors/v2/${actor.id}/executions?skip=20&limit=15`, { as: 'alice' })).json!.result;
  t.match(page._metadata, { total_count: 130, records_skipped: 20, count_returned: 15 });
  t.same(page.search.map((e: { id: string }) => e.id), sent.slice(20, 35), 'a page of all of them, oldest first');
});
