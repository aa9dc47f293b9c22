import t, { type Test } from 'tap';
import { PatternFilter } from '../src/search/patterns.js';
import { parseSearch } from '../src/search/query.js';
import { RegexTimeoutError, RegexWorker } from '../src/search/regex-worker.js';
import { Top } from '../src/search/top.js';
import { parseSearchTime } from '../src/search/times.js';
import * as executionIndex from '../src/search/execution-index.js';
import { Abaco, type AbacoOptions } from '../src/engine/abaco.js';
import { keys } from '../src/store/keys.js';
import type { Execution } from '../src/model/execution.js';
import type { Store } from '../src/store/store.js';
import { PostgresStore } from '../../store-postgres/src/index.js';
import { freshSchema, url, withPostgres } from '../../store-postgres/test/postgres.js';
import { admin, alice, bob, carol } from './helpers.js';

t.test('datetimes in every form of the user guide; missing parts minimal; UTC without a zone', async (t) => {
  const utc = (iso: string) => Date.parse(iso);
  const cases: [string, string][] = [
    ['2020-04-29T20:15:52:246252-06:00', '2020-04-30T02:15:52.246Z'],
    ['2020-04-29T20:15:52:246Z', '2020-04-29T20:15:52.246Z'],
    ['2020-04-29T20:15:52-06:00', '2020-04-30T02:15:52Z'],
    ['2020-04-29T20:15-06:00', '2020-04-30T02:15:00Z'],
    ['2020-04-29T20-06:00', '2020-04-30T02:00:00Z'],
    ['2020-04-29-06:00', '2020-04-29T06:00:00Z'],
    ['2020-04Z', '2020-04-01T00:00:00Z'],
    ['2020', '2020-01-01T00:00:00Z'],
    ['2020-12-30', '2020-12-30T00:00:00Z'],
    ['2020-05-05T19:50:23.748', '2020-05-05T19:50:23.748Z'],
    ['2020-04-29 06:00', '2020-04-28T18:00:00Z'], // "2020-04-29+06:00" after query-string decoding
  ];
  for (const [text, iso] of cases) t.equal(parseSearchTime(text), utc(iso), text);
  t.ok(parseSearchTime('2020-12-30')! > parseSearchTime('2020-12')! && parseSearchTime('2020-12')! > parseSearchTime('2020')!);
  for (const bad of ['yesterday', '2020-13-01', '2020-02-30', '20-04-29']) t.equal(parseSearchTime(bad), undefined, bad);
});

t.test('query parameters: operators, conversions, and refusals naming the parameter', async (t) => {
  const q = parseSearch({ image: 'abacosamples/test', 'runtime.gte': '423', 'stateless.eq': 'True', 'status.in': `['READY', "BUSY"]`, 'status.nin': '["COMPLETE"]', 'create_time.gt': '2020-04-29', 'final_state.FinishedAt.lte': '2020-04-29', 'start_time.between': '2020-04-29T20:15:52:246Z,2021-06-24-05:00', limit: '5', skip: '2' }, 100);
  t.same(q.conditions.map((c) => [c.path.join('.'), c.op]), [['image', 'eq'], ['runtime', 'gte'], ['stateless', 'eq'], ['status', 'in'], ['status', 'nin'], ['createTime', 'gt'], ['finalState.FinishedAt', 'lte'], ['startTime', 'between']]);
  t.same(q.conditions.map((c) => c.value).slice(0, 5), ['abacosamples/test', 423, true, ['READY', 'BUSY'], ['COMPLETE']]);
  t.equal(q.conditions[5]!.value, Date.parse('2020-04-29T00:00:00Z'));
  t.same(q.conditions[7]!.value, [Date.parse('2020-04-29T20:15:52.246Z'), Date.parse('2021-06-24T05:00:00Z')]);
  t.same([q.limit, q.skip], [5, 2]);
  t.equal(parseSearch({}, 1000).limit, 100, 'limit defaults to 100, as upstream');
  t.equal(parseSearch({}, 50).limit, 50, 'or to the largest limit allowed, when lower');
  t.throws(() => parseSearch({ limit: ['1', '2'] }, 100), { message: /'limit' may be given only once/ });
  t.throws(() => parseSearch({ limit: '1000' }, 100), { message: /'limit' must be a whole number from 0 to 100/ });
  t.throws(() => parseSearch({ skip: '-1' }, 100), { message: /'skip'/ });
  t.throws(() => parseSearch({ 'status.in': 'READY' }, 100), { message: /'status.in': expected a list/ });
  t.throws(() => parseSearch({ 'start_time.gt': 'yesterday' }, 100), { message: /'start_time.gt': 'yesterday' is not a date/ });
  t.throws(() => parseSearch({ 'runtime.between': '1' }, 100), { message: /'runtime.between': between takes two values/ });
  t.throws(() => parseSearch({ 'image.like': 'a'.repeat(257) }, 100), { message: /'image.like': a pattern may be at most 256 characters; got 257/ });
  t.same(parseSearch({ 'image.nlike': 'a'.repeat(256) }, 100).patterns, [{ parameter: 'image.nlike', path: ['image'], negated: true, pattern: 'a'.repeat(256) }]);
  t.throws(() => parseSearch({ search: 'x'.repeat(257) }, 100), { message: /'search' may be at most 256 characters; got 257/ });
  t.throws(() => parseSearch({ exactsearch: 'x'.repeat(300) }, 100), { message: /'exactsearch' may be at most 256 characters; got 300/ });
  t.same(parseSearch({ skip: '9990', limit: '10' }, 100).skip, 9990, 'skip + limit up to 10000');
  t.throws(() => parseSearch({ skip: '9991', limit: '10' }, 100), { message: /'skip' plus 'limit' may be at most 10000; got skip 9991 and limit 10/ });
  t.throws(() => parseSearch({ skip: '99999999999999999999' }, 100), { message: /'skip' plus 'limit' may be at most 10000/ });
  t.equal(parseSearch({ limit: '20000' }, 20000).limit, 20000, 'a larger limit setting widens the window');
  t.same(parseSearch({ 'status.foo': 'x' }, 100).conditions[0]!.path, ['status', 'foo'], 'an unknown operator reads as a nested field, which matches nothing');
});

t.test('Top keeps the first items of any stream in order, as a stable sort would', async (t) => {
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (const [n, size] of [[0, 5], [3, 5], [200, 0], [200, 1], [200, 17], [1000, 1000]] as const) {
    const items = Array.from({ length: n }, (_, i) => ({ key: Math.floor(random() * 20), i }));
    const compare = (a: { key: number; i: number }, b: { key: number; i: number }) => a.key - b.key || a.i - b.i;
    const top = new Top(size, compare);
    items.forEach((item) => top.offer(item));
    t.same(top.sorted(), [...items].sort(compare).slice(0, size), `${n} items, first ${size}`);
    t.equal(top.count, n);
  }
});

t.test('the regular expression worker: answers, refuses bad patterns, and is stopped past its time limit', async (t) => {
  const worker = new RegexWorker(200);
  t.same(await worker.match(['^ab', 'c$'], [['abc', 'abc'], ['xab', null]]), { found: [[true, true], [false, false]] });
  t.match(await worker.match(['a', '(b'], []), { invalid: { index: 1, message: /missing closing \)/ } });
  // an NFA-heavy pattern on a megabyte of a's and b's: seconds of work for RE2, stopped after 200 ms
  let seed = 11;
  const text = Array.from({ length: 1_000_000 }, () => ((seed = (seed * 48271) % 2147483647) & 1 ? 'a' : 'b')).join('');
  const slow = worker.match(['(a|b)*a[ab]{45}$'], [[text]]);
  const queued = worker.match(['b+'], [['abba']]);
  await t.rejects(slow, RegexTimeoutError);
  t.same(await queued, { found: [[true]] }, 'the next request is answered by a new worker');
  const filter = new PatternFilter<string>(worker, [{ parameter: 'logs.like', path: ['logs'], negated: false, pattern: '(a|b)*a[ab]{45}$' }], () => t.fail('nothing passes'));
  await filter.add({ logs: text }, 'x');
  await t.rejects(filter.flush(), { name: 'BadRequestError', message: /'logs.like': matching took more than 0.2 s/ });
});

/** What the cases build an engine and write executions with: core's sources, or its build (which the PostgreSQL store runs on). */
interface Kit {
  Abaco: typeof Abaco;
  withIndex: typeof executionIndex.withIndex;
  indexOps: typeof executionIndex.indexOps;
}

/**
 * The searches of the engine, run on the store `open` makes: every case runs on the level store and
 * on PostgreSQL (where searches are SQL), with the same expectations.
 */
function storeCases(name: string, kit: Kit, open: () => Promise<Store | undefined>): void {
  const { withIndex, indexOps } = kit;
  const engine = async (t: Test, options: AbacoOptions = {}) => {
    const abaco = await kit.Abaco.open({ ...options, store: await open() });
    t.teardown(() => abaco.close());
    return abaco;
  };

  t.test(`${name}: search over actors, executions, workers and logs: operators, full text, paging, permissions`, async (t) => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const abaco = await engine(t, { now: () => new Date(now) });
    const a1 = await abaco.actors.create(alice, { image: 'abacosamples/test', name: 'first' });
    now += 60_000;
    const a2 = await abaco.actors.create(alice, { image: 'abacosamples/wc', name: 'second', description: 'counts words in messages' });
    now += 60_000;
    const b1 = await abaco.actors.create(bob, { image: 'bob/private' });
    await abaco.permissions.grant(alice, { actor: a2.id }, { user: 'bob', level: 'READ' });
    // executions of a1 with statuses and times written directly, as finished executions would be
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      now += 1000;
      const { execution } = await abaco.messages.send(alice, a1.id, { kind: 'str', text: `m${i}` });
      ids.push(execution.id);
      // @ts-expect-error the private context: set the outcome a runtime would have recorded
      await abaco.ctx.store.update<Execution>(keys.execution('TACC', a1.id, execution.id), (e) => withIndex(e!, { ...e!, status: i % 2 ? 'ERROR' : 'COMPLETE', runtime: i * 10, exitCode: i % 2, startTime: new Date(now + 500).toISOString(), finalState: { FinishedAt: new Date(now + 900).toISOString() } as Execution['finalState'] }));
    }

    const search = (who: typeof alice, collection: string, params: Record<string, unknown>, scope = {}) => abaco.search.search(who, collection, params, scope);
    const idsOf = (r: { records: unknown[] }) => r.records.map((x) => (x as { id: string }).id);

    t.same(idsOf(await search(alice, 'actors', {})), [a1.id, a2.id], 'the owner sees hers, oldest first');
    t.same(idsOf(await search(bob, 'actors', {})), [a2.id, b1.id], 'shared READ is seen');
    t.same(idsOf(await search(carol, 'actors', {})), [], 'a stranger sees nothing');
    t.same(idsOf(await search(admin, 'actors', {})), [], 'nor does an admin without a grant, as upstream');
    t.same(idsOf(await search(admin, 'executions', {}, { actor: a1.id })), [], 'not even searching one actor it may read');
    await abaco.permissions.grant(alice, { actor: a1.id }, { user: 'ABACO_WORLD', level: 'READ' });
    t.same(idsOf(await search(carol, 'actors', {})), [a1.id], 'ABACO_WORLD makes it visible to everyone');
    t.equal((await search(carol, 'executions', {})).metadata.totalCount, 6);

    t.same(idsOf(await search(alice, 'actors', { image: 'abacosamples/wc' })), [a2.id]);
    t.same(idsOf(await search(alice, 'actors', { 'image.neq': 'abacosamples/wc' })), [a1.id]);
    t.same(idsOf(await search(alice, 'actors', { 'image.like': 'samples/t' })), [a1.id]);
    t.same(idsOf(await search(alice, 'actors', { 'image.nlike': 'samples/t' })), [a2.id]);
    t.same(idsOf(await search(alice, 'actors', { 'image.like': '^abacosamples/' })), [a1.id, a2.id], 'like is a regular expression');
    t.same(idsOf(await search(alice, 'actors', { 'image.like': '^abacosamples/w[a-c]$' })), [a2.id], 'character classes and anchors');
    t.same(idsOf(await search(alice, 'actors', { 'image.like': 'SAMPLES/(TEST|XX)' })), [], 'case-sensitive');
    t.same(idsOf(await search(alice, 'actors', { 'image.like': '(?i)SAMPLES/(TEST|XX)' })), [a1.id], '(?i) ignores case');
    t.same(idsOf(await search(alice, 'actors', { 'image.like': '^abaco', 'image.nlike': 'wc$' })), [a1.id], 'like and nlike together');
    t.same(idsOf(await search(alice, 'actors', { 'description.nlike': 'words' })), [a1.id], 'nlike keeps records without the field');
    t.same(idsOf(await search(alice, 'actors', { 'description.like': '^$' })), [a1.id], 'the empty description');
    await t.rejects(search(alice, 'actors', { 'image.like': '([' }), { name: 'BadRequestError', message: /'image.like': '\(\[' is not a valid regular expression in RE2 syntax .*missing closing/ });
    await t.rejects(search(alice, 'actors', { 'name.nlike': '(a)\\1' }), { name: 'BadRequestError', message: /'name.nlike': '\(a\)\\1' is not a valid regular expression .*no backreferences/ });
    await t.rejects(search(alice, 'actors', { 'name.like': '(?=a)' }), { name: 'BadRequestError', message: /'name.like'/ }, 'no lookaround');
    await t.rejects(search(carol, 'actors', { 'name.like': 'a{1001}' }), { name: 'BadRequestError', message: /'name.like'.*invalid repeat count/ }, 'refused even with nothing to match');
    t.same(idsOf(await search(alice, 'actors', { 'create_time.gt': '2026-01-01T00:00:30Z' })), [a2.id]);
    t.same(idsOf(await search(alice, 'actors', { 'createTime.lte': '2026-01-01T00:00:00' })), [a1.id], 'camelCase field names too');
    t.same(idsOf(await search(alice, 'actors', { stateless: 'true', 'name.in': "['second','x']" })), [a2.id]);

    const ex = (params: Record<string, unknown>) => search(alice, 'executions', params).then(idsOf);
    t.same(await ex({ status: 'ERROR' }), [ids[1], ids[3], ids[5]]);
    t.same(await ex({ 'status.nin': '["ERROR"]' }), [ids[0], ids[2], ids[4]]);
    t.same(await ex({ 'runtime.gt': '30' }), [ids[4], ids[5]]);
    t.same(await ex({ 'runtime.gte': '30' }), [ids[3], ids[4], ids[5]]);
    t.same(await ex({ 'runtime.lt': '10' }), [ids[0]]);
    t.same(await ex({ 'runtime.lte': '10' }), [ids[0], ids[1]]);
    t.same(await ex({ 'runtime.between': '10,20' }), [ids[1], ids[2]]);
    t.same(await ex({ 'exit_code.eq': '1', 'runtime.in': '[10, 50]' }), [ids[1], ids[5]]);
    t.same(await ex({ 'final_state.FinishedAt.lte': '2026-01-01T00:02:03Z' }), [ids[0], ids[1]], 'nested fields');
    t.same(await ex({ 'start_time.between': '2026-01-01T00:02:02Z,2026-01-01T00:02:04Z' }), [ids[1], ids[2]]);

    const page = await search(alice, 'executions', { limit: '2', skip: '1' });
    t.same(idsOf(page), [ids[1], ids[2]]);
    t.same(page.metadata, { countReturned: 2, recordLimit: 2, recordsSkipped: 1, totalCount: 6 });

    t.same(idsOf(await search(alice, 'actors', { search: 'words message' })), [a2.id], 'full text');
    t.same(idsOf(await search(alice, 'actors', { search: 'cunts' })), [a2.id], 'fuzzy: one typo away');
    t.same(idsOf(await search(alice, 'actors', { search: 'second first' })).length, 2, 'best matches first, every match');
    t.same(idsOf(await search(alice, 'actors', { exactsearch: 'words in messages' })), [a2.id]);
    t.same(idsOf(await search(alice, 'actors', { exactsearch: 'words messages' })), [], 'exact phrase only');

    t.same(idsOf(await search(alice, 'executions', {}, { actor: a1.id })).length, 6, 'scoped to one actor');
    await t.rejects(search(alice, 'executions', {}, { actor: b1.id }), { name: 'ForbiddenError' });
    await t.rejects(search(alice, 'things', {}), { name: 'BadRequestError', message: /Invalid search collection 'things'/ });

    const nonce = await abaco.nonces.create(alice, { actor: a1.id }, { level: 'READ' });
    const asNonce = await abaco.nonces.redeem(nonce.id, a1.id, 'READ');
    t.equal((await search(asNonce, 'executions', {}, { actor: a1.id })).metadata.totalCount, 6);
    await t.rejects(search(asNonce, 'executions', {}), { message: /a nonce cannot be used to search/ });
    await t.rejects(search(asNonce, 'executions', {}, { actor: a2.id }), { message: /nonce is not valid/ });

    t.equal((await search(alice, 'workers', {})).metadata.totalCount, 0);
  });

  t.test(`${name}: patterns that make a backtracking engine take forever answer at once, and correctly`, async (t) => {
    const abaco = await engine(t);
    const plain = await abaco.actors.create(alice, { image: 'x/plain', description: 'a'.repeat(4000) });
    const bang = await abaco.actors.create(alice, { image: 'x/bang', description: `${'a'.repeat(4000)}!` });
    const ids = async (pattern: string, op = 'like') => (await abaco.search.search(alice, 'actors', { [`description.${op}`]: pattern })).records.map((r) => (r as { id: string }).id);
    t.same(await ids('^(a+)+$'), [plain.id]);
    t.same(await ids('^(a|a?)+$'), [plain.id]);
    t.same(await ids('(a|aa)*b'), []);
    t.same(await ids('(a|aa)*!'), [bang.id]);
    t.same(await ids('^(a*)*$', 'nlike'), [bang.id]);
    t.same(await ids('(x+x+)+y'), []);
    t.same(await ids('^(([a-z])+.)+[A-Z]([a-z])+$'), []);
  });

  t.test(`${name}: paging keeps only the first skip + limit matches and still counts them all`, async (t) => {
    const abaco = await engine(t);
    const a = await abaco.actors.create(alice, { image: 'x/y' });
    // 40 executions whose receive times come in a shuffled order, with ties (scan order breaks them)
    for (let i = 0; i < 40; i++) {
      const { execution } = await abaco.messages.send(alice, a.id, { kind: 'str', text: 'x' });
      const at = new Date(Date.parse('2026-01-01T00:00:00Z') + ((i * 17) % 25) * 1000).toISOString();
      // @ts-expect-error the private context: set the receive time and status message a run would have recorded
      await abaco.ctx.store.update<Execution>(keys.execution('TACC', a.id, execution.id), (e) => withIndex(e!, { ...e!, messageReceivedTime: at, statusMessage: i % 3 ? 'alpha beta' : 'alpha' }));
    }
    for (const params of [{}, { search: 'alpha beta' }, { 'status.like': 'SUB' }]) {
      const all = await abaco.search.search(alice, 'executions', { ...params, limit: '40' });
      t.equal(all.metadata.totalCount, 40, `${JSON.stringify(params)}: every match counted`);
      const order = all.records.map((r) => (r as Execution).id);
      const times = all.records.map((r) => (r as Execution).messageReceivedTime);
      if ('search' in params) t.same(all.records.map((r) => (r as Execution).statusMessage), [...Array(26).fill('alpha beta'), ...Array(14).fill('alpha')], 'best matches first');
      else t.same(times, [...times].sort(), 'oldest first');
      for (let page = 0; page < 4; page++) {
        const result = await abaco.search.search(alice, 'executions', { ...params, skip: String(page * 10), limit: '10' });
        t.same(result.records.map((r) => (r as Execution).id), order.slice(page * 10, page * 10 + 10), `${JSON.stringify(params)}: page ${page + 1} is items ${page * 10 + 1}..${page * 10 + 10} of the full order`);
        t.same(result.metadata, { countReturned: 10, recordLimit: 10, recordsSkipped: page * 10, totalCount: 40 });
      }
      const past = await abaco.search.search(alice, 'executions', { ...params, skip: '35', limit: '10' });
      t.same([past.metadata.countReturned, past.metadata.totalCount], [5, 40]);
    }
    await t.rejects(abaco.search.search(alice, 'executions', { skip: '10000' }), { name: 'BadRequestError', message: /'skip' plus 'limit' may be at most 10000/ });

    // more records than one batch of the regular expression worker holds
    const b = await abaco.actors.create(alice, { image: 'x/z' });
    const statuses = ['COMPLETE', 'ERROR', 'RUNNING'];
    const finished = Array.from({ length: 2500 }, (_, i) => ({ id: `e${String(i).padStart(5, '0')}`, tenant: 'TACC', actorId: b.id, status: statuses[i % 3], messageReceivedTime: new Date(Date.parse('2026-02-01T00:00:00Z') - i * 1000).toISOString() }) as Execution);
    // @ts-expect-error the private context: write finished executions directly, with their index entries
    await abaco.ctx.store.batch(finished.flatMap((e) => [{ type: 'put' as const, key: keys.execution('TACC', b.id, e.id), value: e }, ...indexOps(undefined, e)]));
    const byEquality = await abaco.search.search(alice, 'executions', { actor_id: b.id, status: 'ERROR', skip: '800', limit: '20' });
    const byPattern = await abaco.search.search(alice, 'executions', { actor_id: b.id, 'status.like': '^E.R', skip: '800', limit: '20' });
    t.equal(byPattern.metadata.totalCount, 833);
    t.same(byPattern.records, byEquality.records, 'like over 2,500 records pages as equality does');
    t.same((await abaco.search.search(alice, 'executions', { actor_id: b.id, 'status.nlike': 'R' })).metadata.totalCount, 834, 'nlike too: the COMPLETE ones');
  });
}

storeCases('level', { Abaco, ...executionIndex }, async () => undefined);
// The PostgreSQL store runs on core's build (@abaco/core), whose records and markers (WithWrites, UNCHANGED) are not its sources': so does its engine.
const built = { ...(await import('@abaco/core')), ...(await import('../dist/search/execution-index.js')) } as unknown as Kit;
await withPostgres('search on PostgreSQL', () => storeCases('postgres', built, async () => (await PostgresStore.open(url!, { schema: freshSchema() })) as unknown as Store));
