import t from 'tap';
import { finishedOverHttp, startApi } from './api-helpers.js';

t.test('search over HTTP: the endpoint, the listing endpoints, permissions, nonces, bad queries', async (t) => {
  const api = await startApi(t, { server: { casing: 'camel' } });
  const mine = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc', name: 'counter' } })).json!.result;
  const shared = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/env', name: 'shared' } })).json!.result;
  await api.call('POST', `/actors/v2/${shared.id}/permissions`, { as: 'alice', json: { user: 'bob', level: 'READ' } });
  const ids: string[] = [];
  for (const words of ['one', 'one two', 'one two three']) {
    const id = (await api.call('POST', `/actors/v2/${mine.id}/messages`, { as: 'alice', form: { message: words } })).json!.result.executionId;
    await finishedOverHttp(api, mine.id, id);
    ids.push(id);
  }

  const found = await api.call('GET', '/actors/v2/search/actors?image=abacosamples/wc&status.in=["READY","SUBMITTED"]', { as: 'alice' });
  t.match(found.json, { message: 'Search completed successfully.', result: { _metadata: { countReturned: 1, recordLimit: 10, recordsSkipped: 0, totalCount: 1 }, search: [{ id: mine.id, name: 'counter' }] } });
  t.notOk('tenant' in found.json!.result.search[0]);

  const count = async (who: 'alice' | 'bob' | 'eve', path: string) => (await api.call('GET', path, { as: who })).json!.result._metadata.totalCount;
  t.equal(await count('alice', '/actors/v2/search/actors'), 2, 'owner');
  t.equal(await count('bob', '/actors/v2/search/actors'), 1, 'shared READ');
  t.equal(await count('eve', '/actors/v2/search/actors'), 0, 'stranger');
  t.equal(await count('bob', '/actors/v2/search/executions'), 0, 'bob cannot see executions of the actor not shared with him');

  const executions = await api.call('GET', `/actors/v2/${mine.id}/executions?status=COMPLETE&limit=2`, { as: 'alice' });
  t.match(executions.json, { message: 'Executions search completed successfully.', result: { _metadata: { countReturned: 2, totalCount: 3, recordLimit: 2 } } });
  t.same(executions.json!.result.search.map((e: { id: string }) => e.id), ids.slice(0, 2));
  const logs = await api.call('GET', `/actors/v2/search/logs?search=number+words`, { as: 'alice' });
  t.equal(logs.json!.result._metadata.totalCount, 3, 'full text over logs');
  t.match(logs.json!.result.search[0], { actorId: mine.id, logs: /^Number of words is: \d\n$/ });
  const exact = await api.call('GET', `/actors/v2/${mine.id}/executions/${ids[1]}/logs?exactsearch=is: 2`, { as: 'alice' });
  t.match(exact.json!.result, { _metadata: { totalCount: 1 }, search: [{ executionId: ids[1] }] });
  t.match((await api.call('GET', '/actors/v2?name=shared', { as: 'bob' })).json!.result.search, [{ id: shared.id }], '/actors with parameters searches');
  t.match((await api.call('GET', `/actors/v2/${mine.id}/workers?status=READY`, { as: 'alice' })).json!.result._metadata, { totalCount: Number });
  t.same((await api.call('GET', `/actors/v2/${mine.id}/executions`, { as: 'alice' })).json!.result.totalExecutions, 3, 'without parameters the listing is the summary');

  const nonce = (await api.call('POST', `/actors/v2/${mine.id}/nonces`, { as: 'alice', json: { level: 'READ', maxUses: 2 } })).json!.result;
  t.equal((await api.call('GET', `/actors/v2/${mine.id}/executions?status=COMPLETE&x-nonce=${nonce.id}`)).status, 200);
  t.match(await api.call('GET', `/actors/v2/search/executions?x-nonce=${nonce.id}`), { status: 403, json: { message: /only for the actor or alias it was made for/ } });
  t.equal((await api.call('GET', `/actors/v2/${mine.id}/executions?x-nonce=${nonce.id}`)).status, 200);
  t.match(await api.call('GET', `/actors/v2/${mine.id}/executions?status=ERROR&x-nonce=${nonce.id}`), { status: 403, json: { message: 'No remaining uses left for this nonce.' } }, 'a search with a nonce counts as a use');

  const bad: [string, RegExp][] = [
    ['/actors/v2/search/things', /Invalid search collection 'things'/],
    ['/actors/v2/search/actors?limit=1&limit=2', /'limit' may be given only once/],
    ['/actors/v2/search/executions?start_time.gt=yesterday', /'start_time.gt'/],
    ['/actors/v2/search/executions?status.in=READY', /'status.in'/],
    ['/actors/v2/search/executions?limit=many', /'limit'/],
  ];
  for (const [path, message] of bad) t.match(await api.call('GET', path, { as: 'alice' }), { status: 400, json: { status: 'error', message } }, path);
});
