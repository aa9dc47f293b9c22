import t from 'tap';
import { parseSearch } from '../src/search/query.js';
import { parseSearchTime } from '../src/search/times.js';
import { keys } from '../src/store/keys.js';
import type { Execution } from '../src/model/execution.js';
import { alice, bob, carol, engine } from './helpers.js';

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
  t.equal(parseSearch({}, 100).limit, 10, 'limit defaults to 10');
  t.throws(() => parseSearch({ limit: ['1', '2'] }, 100), { message: /'limit' may be given only once/ });
  t.throws(() => parseSearch({ limit: '1000' }, 100), { message: /'limit' must be a whole number from 0 to 100/ });
  t.throws(() => parseSearch({ skip: '-1' }, 100), { message: /'skip'/ });
  t.throws(() => parseSearch({ 'status.in': 'READY' }, 100), { message: /'status.in': expected a list/ });
  t.throws(() => parseSearch({ 'start_time.gt': 'yesterday' }, 100), { message: /'start_time.gt': 'yesterday' is not a date/ });
  t.throws(() => parseSearch({ 'runtime.between': '1' }, 100), { message: /'runtime.between': between takes two values/ });
  t.throws(() => parseSearch({ 'image.like': '([' }, 100), { message: /'image.like'/ });
  t.same(parseSearch({ 'status.foo': 'x' }, 100).conditions[0]!.path, ['status', 'foo'], 'an unknown operator reads as a nested field, which matches nothing');
});

t.test('search over actors, executions, workers and logs: operators, full text, paging, permissions', async (t) => {
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
    await abaco.ctx.store.update<Execution>(keys.execution('TACC', a1.id, execution.id), (e) => ({ ...e!, status: i % 2 ? 'ERROR' : 'COMPLETE', runtime: i * 10, exitCode: i % 2, startTime: new Date(now + 500).toISOString(), finalState: { FinishedAt: new Date(now + 900).toISOString() } }));
  }

  const search = (who: typeof alice, collection: string, params: Record<string, unknown>, scope = {}) => abaco.search.search(who, collection, params, scope);
  const idsOf = (r: { records: unknown[] }) => r.records.map((x) => (x as { id: string }).id);

  t.same(idsOf(await search(alice, 'actors', {})), [a1.id, a2.id], 'the owner sees hers, oldest first');
  t.same(idsOf(await search(bob, 'actors', {})), [a2.id, b1.id], 'shared READ is seen');
  t.same(idsOf(await search(carol, 'actors', {})), [], 'a stranger sees nothing');
  await abaco.permissions.grant(alice, { actor: a1.id }, { user: 'ABACO_WORLD', level: 'READ' });
  t.same(idsOf(await search(carol, 'actors', {})), [a1.id], 'ABACO_WORLD makes it visible to everyone');
  t.equal((await search(carol, 'executions', {})).metadata.totalCount, 6);

  t.same(idsOf(await search(alice, 'actors', { image: 'abacosamples/wc' })), [a2.id]);
  t.same(idsOf(await search(alice, 'actors', { 'image.neq': 'abacosamples/wc' })), [a1.id]);
  t.same(idsOf(await search(alice, 'actors', { 'image.like': 'samples/t' })), [a1.id]);
  t.same(idsOf(await search(alice, 'actors', { 'image.nlike': 'samples/t' })), [a2.id]);
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
