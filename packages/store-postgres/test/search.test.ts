import t, { type Test } from 'tap';
import pg from 'pg';
import { Abaco, identity } from '@abaco/core';
import { PostgresStore, type PostgresSearch } from '../src/index.js';
import { SearchSql } from '../src/postgres-search-sql.js';
// core's search index of executions (what core's own search reads), as the engine writes it
import { indexOps } from '../../core/dist/search/execution-index.js';
import { freshSchema, url, withPostgres } from './postgres.js';

const alice = identity('alice', 'TACC', ['user']);
const bob = identity('bob', 'TACC', ['user']);
const execKey = (actorId: string, id: string) => `t/TACC/exec/${actorId}/${id}`;

/** An engine on a fresh PostgreSQL schema, and a way to run a search with the store's SQL index hidden (core's own search over the same records). */
async function open(t: Test) {
  const schema = freshSchema();
  const store = await PostgresStore.open(url!, { schema });
  const abaco = await Abaco.open({ store });
  t.teardown(() => abaco.close());
  const index = store.searchIndex;
  let answered = 0;
  const answer = index.answer.bind(index);
  (index as { answer: PostgresSearch['answer'] }).answer = async (search) => {
    const result = await answer(search);
    if (result) answered++;
    return result;
  };
  const hidden = <T>(fn: () => Promise<T>) => async () => {
    (store as { searchIndex?: PostgresSearch }).searchIndex = undefined;
    try {
      return await fn();
    } finally {
      (store as { searchIndex?: PostgresSearch }).searchIndex = index;
    }
  };
  return { abaco, store, schema, hidden, answered: () => answered };
}

await withPostgres('search in SQL', () => {
  t.test('SQL answers the same as core over the same records, for every operator, hostile field names and values included', async (t) => {
    const { abaco, store, hidden, answered } = await open(t);
    const mine = await abaco.actors.create(alice, { image: 'abacosamples/test', name: 'first', description: 'plain 100% _under_ back\\slash' });
    const other = await abaco.actors.create(alice, { image: 'abacosamples/wc', name: '5', description: "it's \"quoted\"" });
    const bobs = await abaco.actors.create(bob, { image: 'bob/private', name: 'bobs' });
    await abaco.permissions.grant(bob, { actor: bobs.id }, { user: 'alice', level: 'READ' });
    const statuses = ['COMPLETE', 'ERROR', 'RUNNING', 'SUBMITTED'];
    const messages = ['', 'ok', '5', 'x\u0000y', 'lone \ud800 surrogate', "'; DROP TABLE records; --", '100%', 'a_b', 'back\\slash', '2026-01-01T00:00:00Z', 'true'];
    const ops = [];
    for (const [a, actor] of [mine, other, bobs].entries()) {
      for (let i = 0; i < 60; i++) {
        const e = {
          id: `e${a}${String(i).padStart(3, '0')}`, tenant: 'TACC', actorId: actor.id, status: statuses[(i * 7 + a) % 4], statusMessage: messages[i % messages.length],
          messageReceivedTime: new Date(Date.parse('2026-01-01T00:00:00Z') + ((i * 13) % 50) * 1000).toISOString(), startTime: i % 5 ? new Date(Date.parse('2026-01-01T00:01:00Z') + i * 1000).toISOString() : null,
          runtime: i % 4 === 0 ? String(i) : i, exitCode: i % 3 ? i % 2 : null, finalState: i % 2 ? { FinishedAt: `2026-01-01T00:0${i % 10}:00.123456Z`, 'we"ird': i } : null, tags: i % 3 ? ['a', i] : [],
        };
        ops.push({ type: 'put' as const, key: execKey(actor.id, e.id), value: e }, ...indexOps(undefined, e as never));
      }
    }
    await store.batch(ops);
    const queries: Record<string, string>[] = [
      {}, { status: 'ERROR' }, { 'status.neq': 'ERROR' }, { 'status.in': '["ERROR","RUNNING"]' }, { 'status.nin': "['COMPLETE']" }, { 'status.like': 'PLETE$' },
      { 'runtime.gt': '30' }, { 'runtime.gte': '8' }, { 'runtime.lt': '10' }, { 'runtime.lte': '12' }, { 'runtime.between': '10,20' }, { runtime: '8' }, { 'runtime.in': '[4, 5, "8"]' },
      { 'exit_code.eq': '1' }, { exit_code: 'null' }, { 'exit_code.in': '[null, 0]' }, { 'exit_code.neq': '0' }, { 'final_state.FinishedAt.lte': '2026-01-01T00:04:00Z' },
      { 'final_state.we"ird.gt': '3' }, { 'start_time.between': '2026-01-01T00:01:10Z,2026-01-01T00:01:30Z' }, { 'message_received_time.gt': '2026-01-01T00:00:20Z', status: 'COMPLETE' },
      { 'message_received_time.lte': '2026-01-01T00:00:10.000Z' }, { status_message: '5' }, { 'status_message.eq': '"5"' }, { 'status_message.gt': 'a' }, { 'status_message.like': '100%' },
      { 'status_message.like': 'a_b' }, { 'status_message.like': 'back\\\\slash' }, { 'status_message.nlike': '^$' }, { 'status_message.like': "^'; DROP" }, { status_message: "'; DROP TABLE records; --" },
      { status_message: 'true' }, { 'status_message.like': 'x.y' }, { 'tags.like': '^a,' }, { tags: '' }, { 'tags.lt': '1' },
      { "status'; DROP TABLE records; --": 'x' }, { 'status") OR true --': 'x' }, { 'value.neq': 'x' }, { '{a,b}': 'x' }, { 'id.nin': '["e0001"]', limit: '7', skip: '3' },
      { actor_id: mine.id }, { 'actor_id.in': `["${mine.id}", "${mine.id}"]` }, { 'actor_id.in': `["${other.id}", "${bobs.id}", "nobody"]` }, { 'actorId.neq': mine.id, limit: '5' }, { exactsearch: 'DROP' }, { search: 'slash' },
    ];
    const view = (r: { records: unknown[]; metadata: unknown }) => ({ ids: r.records.map((x) => (x as { id: string }).id), metadata: r.metadata });
    for (const q of queries) {
      const sql = view(await abaco.search.search(alice, 'executions', q));
      const core = view(await hidden(() => abaco.search.search(alice, 'executions', q))());
      t.same(sql, core, `executions ${JSON.stringify(q)}: ${sql.metadata && (sql.metadata as { totalCount: number }).totalCount} found`);
    }
    for (const q of [{}, { name: '5' }, { 'description.like': '100%' }, { 'description.like': '_under_' }, { 'description.like': "'s \"quoted" }, { 'image.like': '^abacosamples/' }, { 'name.in': '["first", 5]' }]) {
      t.same(view(await abaco.search.search(alice, 'actors', q)), view(await hidden(() => abaco.search.search(alice, 'actors', q))()), `actors ${JSON.stringify(q)}`);
    }
    t.ok(answered() >= 40, `SQL answered ${answered()} of the searches whole`);
    t.equal((await abaco.search.search(bob, 'executions', {})).metadata.totalCount, 60, 'bob reaches only his own actor');
    t.equal((await abaco.search.search(alice, 'executions', {})).metadata.totalCount, 180, 'the records table is still there');
  });

  t.test('logs and workers: expired logs are left out, one execution scoped', async (t) => {
    const { abaco, store, hidden } = await open(t);
    const actor = await abaco.actors.create(alice, { image: 'abacosamples/test' });
    const past = new Date(Date.now() - 60_000).toISOString();
    await store.batch([
      { type: 'put', key: `t/TACC/log/${actor.id}/e1`, value: { logs: 'first line\nNumber of words is: 2\n', expiresAt: null } },
      { type: 'put', key: `t/TACC/log/${actor.id}/e2`, value: { logs: 'gone 100%', expiresAt: past } },
      { type: 'put', key: `t/TACC/log/${actor.id}/e3`, value: { logs: 'Number of words is: 3\u0000', expiresAt: null } },
      { type: 'put', key: `w/TACC/${actor.id}/w1`, value: { id: 'w1', tenant: 'TACC', actorId: actor.id, status: 'READY', createTime: '2026-01-01T00:00:00.000Z' } },
    ]);
    for (const [collection, q, scope] of [
      ['logs', {}, {}], ['logs', { 'logs.like': 'Number of' }, {}], ['logs', { 'logs.like': 'gone' }, {}], ['logs', {}, { actor: actor.id, executionId: 'e3' }], ['logs', { search: 'words' }, {}],
      ['workers', { status: 'READY' }, {}], ['workers', { 'status.neq': 'READY' }, {}],
    ] as const) {
      const sql = await abaco.search.search(alice, collection, q, scope);
      t.same(sql, await hidden(() => abaco.search.search(alice, collection, q, scope))(), `${collection} ${JSON.stringify(q)} ${JSON.stringify(scope)}: ${sql.metadata.totalCount}`);
    }
    t.same((await abaco.search.search(alice, 'logs', {})).records.map((r) => (r as { executionId: string }).executionId), ['e1', 'e3'], 'the expired log is left out');
  });

  t.test('a search on a status over many executions reads an index, not the whole table', async (t) => {
    const { store, schema } = await open(t);
    const actors = Array.from({ length: 20 }, (_, a) => `actor${a}`);
    for (const [a, actorId] of actors.entries()) {
      const ops = Array.from({ length: 1000 }, (_, i) => ({
        type: 'put' as const,
        key: execKey(actorId, `x${i}`),
        value: { id: `x${i}`, tenant: 'TACC', actorId, status: ['COMPLETE', 'COMPLETE', 'ERROR', 'RUNNING', 'SUBMITTED', 'COMPLETE'][(i + a) % 6], messageReceivedTime: new Date(Date.parse('2026-01-01T00:00:00Z') + (a * 1000 + i) * 1000).toISOString() },
      }));
      await store.batch(ops);
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    t.teardown(() => client.end());
    await client.query(`ANALYZE ${schema}.records`);
    const plan = async (search: Partial<ConstructorParameters<typeof SearchSql>[1]>) => {
      const sql = new SearchSql(schema, { collection: 'executions', tenant: 'TACC', actorIds: actors, now: new Date().toISOString(), conditions: [], patterns: [], sortField: 'messageReceivedTime', skip: 0, limit: 100, ...search }, true);
      const page = `SELECT key, value FROM ${schema}.records WHERE ${sql.where} ORDER BY ${sql.order} LIMIT 100`;
      const count = `SELECT count(*) FROM ${schema}.records WHERE ${sql.where}`;
      const explain = async (statement: string) => JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) ${statement}`, sql.params)).rows[0]['QUERY PLAN']);
      return { page: await explain(page), count: await explain(count) };
    };
    const byStatus = await plan({ conditions: [{ parameter: 'status', path: ['status'], op: 'eq', value: 'ERROR' }], range: { statuses: ['ERROR'] } });
    for (const [name, text] of Object.entries(byStatus)) {
      t.match(text, /search_executions_by_status/, `the ${name} of status=ERROR reads the status index`);
      t.notMatch(text, /Seq Scan/, `the ${name} of status=ERROR does not scan the table`);
    }
    t.notMatch(byStatus.page, /"Node Type":"Sort"/, 'the page is read in the order of the index, not sorted after reading every match');
    const oneActor = await plan({ actorIds: ['actor7'] });
    t.notMatch(oneActor.page, /Seq Scan/, "one actor's executions are read from an index");
  });
  t.test('a search that runs too long is stopped with a 400 (on a pool of its own), and one of more than 50 conditions is refused', async (t) => {
    const store = await PostgresStore.open(url!, { schema: freshSchema(), searchTimeoutMs: 1 });
    const abaco = await Abaco.open({ store });
    t.teardown(() => abaco.close());
    const actor = await abaco.actors.create(alice, { image: 'abacosamples/test' });
    const ops = [];
    for (let i = 0; i < 5000; i++) {
      const e = { id: `slow${i}`, tenant: 'TACC', actorId: actor.id, status: 'COMPLETE', messageReceivedTime: new Date(Date.parse('2026-01-01T00:00:00Z') + i * 1000).toISOString(), nested: { z1: i } };
      ops.push({ type: 'put' as const, key: execKey(actor.id, e.id), value: e }, ...indexOps(undefined, e as never));
    }
    await store.batch(ops);
    const costly = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`nested.z${i}.neq`, 'x']));
    await t.rejects(abaco.search.search(alice, 'executions', costly), { name: 'BadRequestError', message: /took too long and was stopped/ });
    t.equal((await abaco.actors.get(alice, actor.id)).id, actor.id, 'the store answers other requests meanwhile and after');
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'x']));
    await t.rejects(abaco.search.search(alice, 'executions', many), { name: 'BadRequestError', message: 'Invalid search: at most 50 conditions; got 51.' });
  });
});
