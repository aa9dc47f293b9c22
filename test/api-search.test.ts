import t from 'tap';
import type { AbacoOptions } from '@abaco/core';
import { PostgresStore } from '@abaco/store-postgres';
import { freshSchema, url, withPostgres } from '../packages/store-postgres/test/postgres.js';
import { finishedOverHttp, startApi as startApiOn } from './api-helpers.js';

/** Every case runs on the level store and on PostgreSQL (searches as SQL), with the same expectations. */
function storeCases(name: string, engine: () => Promise<AbacoOptions>): void {
  const startApi = async (t: Parameters<typeof startApiOn>[0], config: Parameters<typeof startApiOn>[1] = {}) => startApiOn(t, { ...config, engine: { ...config.engine, ...(await engine()) } });


  t.test(`${name}: search over HTTP: the endpoint, the listing endpoints, permissions, nonces, bad queries`, async (t) => {
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
    t.match(found.json, { message: 'Search completed successfully.', result: { _metadata: { countReturned: 1, recordLimit: 100, recordsSkipped: 0, totalCount: 1 }, search: [{ id: mine.id, name: 'counter' }] } });
    t.notOk('tenant' in found.json!.result.search[0]);

    const count = async (who: 'alice' | 'bob' | 'eve', path: string) => (await api.call('GET', path, { as: who })).json!.result._metadata.totalCount;
    t.equal(await count('alice', '/actors/v2/search/actors'), 2, 'owner');
    t.equal(await count('bob', '/actors/v2/search/actors'), 1, 'shared READ');
    t.equal(await count('eve', '/actors/v2/search/actors'), 0, 'stranger');
    t.equal(await count('bob', '/actors/v2/search/executions'), 0, 'bob cannot see executions of the actor not shared with him');

    const executions = await api.call('GET', `/actors/v2/${mine.id}/executions?status=COMPLETE&limit=2`, { as: 'alice' });
    t.match(executions.json, { message: 'Executions search completed successfully.', result: { _metadata: { countReturned: 2, totalCount: 3, recordLimit: 2 } } });
    t.same(executions.json!.result.search.map((e: { id: string }) => e.id), ids.slice(0, 2));
    const complete = await api.call('GET', '/actors/v2/search/executions?status=COMPLETE&limit=1', { as: 'alice' });
    t.match(complete.json!.result, { _metadata: { countReturned: 1, totalCount: 3 }, search: [{ id: ids[0], status: 'COMPLETE' }] }, 'across actors, through the index: the oldest, and the count of all');
    const first = complete.json!.result.search[0].messageReceivedTime;
    const later = await api.call('GET', `/actors/v2/search/executions?status.like=^COMP&message_received_time.gt=${encodeURIComponent(first)}`, { as: 'alice' });
    t.same(later.json!.result.search.map((e: { id: string }) => e.id), ids.slice(1), 'a like on the status and a time range');
    t.equal(await count('bob', '/actors/v2/search/executions?status=COMPLETE'), 0, "bob's search through the index does not reach alice's executions either");
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
    t.match(await api.call('GET', `/actors/v2/search/executions?x-nonce=${nonce.id}`), { status: 403, json: { message: /a nonce cannot be used to search/ } });
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

  t.test(`${name}: like and nlike over HTTP: regular expressions, answered at once whatever the pattern, while the server keeps serving`, async (t) => {
    const api = await startApi(t, { server: { casing: 'camel' } });
    const create = async (json: unknown) => (await api.call('POST', '/actors/v2', { as: 'alice', json })).json!.result.id as string;
    const plain = await create({ image: 'abacosamples/wc', description: 'a'.repeat(4000) });
    const bang = await create({ image: 'test/env', description: `${'a'.repeat(4000)}!` });
    // 120,000 a's and b's in no pattern, ending in an 'a' and 45 b's: a second or so of work for RE2's NFA
    // (well inside the 5 s a pattern may take, on a busy machine too)
    let seed = 5;
    const noise = Array.from({ length: 120_000 }, () => ((seed = (seed * 48271) % 2147483647) & 1 ? 'a' : 'b')).join('') + 'a' + 'b'.repeat(45);
    const big = await create({ image: 'test/env', defaultEnvironment: { NOISE: noise } });
    const ids = async (query: string) => {
      const answer = await api.call('GET', `/actors/v2/search/actors?${query}`, { as: 'alice' });
      t.equal(answer.status, 200, query);
      return answer.json!.result.search.map((a: { id: string }) => a.id);
    };
    const like = (field: string, pattern: string, op = 'like') => `${field}.${op}=${encodeURIComponent(pattern)}`;

    t.same(await ids(like('image', 'abaco')), [plain]);
    t.same(await ids(like('image', '^abacosamples/')), [plain]);
    t.same(await ids(like('image', '^[a-z]+/e[nv]+$')), [bang, big], 'character classes');
    t.same(await ids(like('image', '^abaco', 'nlike')), [bang, big]);

    const [evil, alsoEvil, neverMatches, listing] = await Promise.all([
      ids(like('description', '^(a+)+$')),
      ids(like('description', '^(a|a?)+$', 'nlike')),
      ids(like('description', '(a|aa)*b')),
      api.call('GET', '/actors/v2', { as: 'alice' }),
    ]);
    t.same([evil, alsoEvil, neverMatches], [[plain], [bang], []], 'catastrophic patterns for a backtracking engine answer correctly');
    t.equal(listing.json!.result.length, 3, 'a request sent alongside them is answered');

    const order: string[] = [];
    const slow = ids(like('default_environment.NOISE', '(a|b)*a[ab]{45}$')).then((found) => (order.push('search'), found));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const quick = api.call('GET', `/actors/v2/${plain}`, { as: 'alice' }).then((answer) => (order.push('get'), answer));
    t.equal((await quick).status, 200);
    t.same(await slow, [big], 'the long match is right');
    t.same(order, ['get', 'search'], 'a request sent while RE2 works through the long value is answered first');

    const bad: [string, RegExp][] = [
      [like('description', 'a'.repeat(257)), /'description.like': a pattern may be at most 256 characters; got 257/],
      [like('image', '(['), /'image.like': '\(\[' is not a valid regular expression in RE2 syntax/],
      [like('image', '(a)\\1', 'nlike'), /'image.nlike'.*no backreferences or lookaround/],
      ['skip=9995', /'skip' plus 'limit' may be at most 10000; got skip 9995 and limit 10/],
      ['skip=9001&limit=1000', /'skip' plus 'limit' may be at most 10000/],
      [`search=${'x'.repeat(257)}`, /'search' may be at most 256 characters/],
      [`exactsearch=${'x'.repeat(257)}`, /'exactsearch' may be at most 256 characters/],
    ];
    for (const [query, message] of bad) t.match(await api.call('GET', `/actors/v2/search/actors?${query}`, { as: 'alice' }), { status: 400, json: { status: 'error', message } }, query.slice(0, 40));
    t.match(await api.call('GET', `/actors/v2/${plain}/executions?${like('status', '(')}`, { as: 'alice' }), { status: 400, json: { message: /'status.like'/ } }, 'on listing endpoints too');
    t.equal((await api.call('GET', '/actors/v2/search/actors?skip=9001&limit=1000', { as: 'root' })).status, 400, 'admins too');
    t.equal((await api.call('GET', '/actors/v2/search/actors?skip=9990&limit=10', { as: 'alice' })).status, 200, 'up to the cap');
  });
}

storeCases('level', async () => ({}));
await withPostgres('search over HTTP on PostgreSQL', () => storeCases('postgres', async () => ({ store: await PostgresStore.open(url!, { schema: freshSchema() }) })));
