import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { pino } from 'pino';
import { Abaco } from '../src/engine/abaco.js';
import { StoreInbox } from '../src/inbox/store-inbox.js';
import type { Execution } from '../src/model/execution.js';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import { buildExecutionIndex, indexOps, withIndex } from '../src/search/execution-index.js';
import { keys } from '../src/store/keys.js';
import { LevelStore } from '../src/store/level-store.js';
import type { Store } from '../src/store/store.js';
import { alice, bob, engine, who } from './helpers.js';
import { finished, images, runningEngine } from './pipeline-helpers.js';

/** The index entries in the store, and those its executions call for: the two must be the same. */
async function indexAgainstRecords(store: Store, tenant = 'TACC'): Promise<{ found: string[]; wanted: string[] }> {
  const found: string[] = [];
  for (const prefix of [keys.executionsByStatus(tenant), `t/${tenant}/xa/`]) for await (const [key] of store.scan(prefix)) found.push(key);
  const wanted: string[] = [];
  for await (const [, e] of store.scan<Execution>(`t/${tenant}/exec/`)) wanted.push(...indexOps(undefined, e).filter((op) => op.type === 'put').map((op) => op.key));
  return { found: found.sort(), wanted: wanted.sort() };
}

const ids = (result: { records: unknown[] }) => result.records.map((r) => (r as Execution).id);

t.test('the index follows every execution: run, finished, failed to start, lost in a crash, and gone with its actor', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'abaco-index-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  // an engine died while an execution ran: its message is leased by a worker that no longer exists, its execution RUNNING
  const first = await Abaco.open({ dataDir, logger: pino({ level: 'error' }) });
  const sleeper = await first.actors.create(alice, { image: 'test/sleep' });
  const { execution: lost } = await first.messages.send(alice, sleeper.id, { kind: 'str', text: 'x' });
  await first.close();
  const store = await LevelStore.open(dataDir);
  await new StoreInbox(store).lease(`TACC_${sleeper.id}`, 'a-worker-of-the-dead-engine');
  await store.update<Execution>(keys.execution('TACC', sleeper.id, lost.id), (e) => withIndex(e!, { ...e!, status: 'RUNNING', workerId: 'a-worker-of-the-dead-engine', startTime: new Date().toISOString() }));
  await store.close();

  const abaco = await runningEngine(t, { dataDir, runtime: new ProcessRuntime({ images: { ...images, 'test/broken': ['/no/such/program'] } }) });
  const search = (params: Record<string, unknown>) => abaco.search.search(alice, 'executions', params);
  t.same(ids(await search({ status: 'ERROR' })), [lost.id], 'recovery ended the lost execution as ERROR, and search finds it so');
  t.equal((await search({ status: 'RUNNING' })).metadata.totalCount, 0);

  const wc = await abaco.actors.create(alice, { image: 'abacosamples/wc' });
  const failing = await abaco.actors.create(alice, { image: 'test/broken' });
  const done = [];
  for (const [actor, text] of [[wc, 'one two'], [failing, 'x'], [wc, 'three']] as const) {
    const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text });
    done.push(await finished(abaco, alice, actor.id, execution.id));
  }
  t.same(done.map((e) => e.status), ['COMPLETE', 'ERROR', 'COMPLETE']);
  t.same(ids(await search({ status: 'COMPLETE' })), [done[0]!.id, done[2]!.id]);
  t.same(ids(await search({ status: 'ERROR' })), [lost.id, done[1]!.id], 'oldest first');
  t.same(ids(await search({ status: 'ERROR', actor_id: failing.id })), [done[1]!.id]);
  t.same((await search({ 'status.in': '["COMPLETE", "ERROR"]', limit: '1', skip: '1' })).metadata, { countReturned: 1, recordLimit: 1, recordsSkipped: 1, totalCount: 4 });
  // @ts-expect-error the engine's private store
  const engineStore: Store = abaco.ctx.store;
  let index = await indexAgainstRecords(engineStore);
  t.same(index.found, index.wanted, 'one pair of entries per execution, for its current status, and nothing else');
  t.equal(index.found.length, 8);

  await abaco.actors.delete(alice, wc.id);
  t.same(ids(await search({ 'status.in': '["COMPLETE", "ERROR"]' })), [lost.id, done[1]!.id]);
  index = await indexAgainstRecords(engineStore);
  t.same(index.found, index.wanted, "the deleted actor's entries are gone with its executions");
  t.equal(index.found.length, 4);
});

t.test('a store written before the index existed gets it built when the engine opens, once', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'abaco-index-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await Abaco.open({ dataDir, logger: pino({ level: 'error' }) });
  const actor = await first.actors.create(alice, { image: 'x/y' });
  await first.close();
  // executions as an engine without the index wrote them, a stray entry, and no marker
  const store = await LevelStore.open(dataDir);
  const statuses = ['COMPLETE', 'ERROR', 'SUBMITTED'] as const;
  const old = Array.from({ length: 30 }, (_, i) => ({ id: `e${String(i).padStart(3, '0')}`, tenant: 'TACC', actorId: actor.id, status: statuses[i % 3], messageReceivedTime: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString() }) as Execution);
  await store.batch(old.map((e) => ({ type: 'put', key: keys.execution('TACC', actor.id, e.id), value: e })));
  await store.batch([
    { type: 'put', key: `${keys.executionsByStatus('TACC')}ERROR/2025-01-01T00:00:00.000Z/${actor.id}/gone`, value: 1 },
    { type: 'del', key: keys.executionIndexBuilt },
  ]);
  await store.close();

  const abaco = await Abaco.open({ dataDir, logger: pino({ level: 'error' }) });
  t.teardown(() => abaco.close());
  const errors = await abaco.search.search(alice, 'executions', { status: 'ERROR', limit: '3' });
  t.same([ids(errors), errors.metadata.totalCount], [['e001', 'e004', 'e007'], 10]);
  // @ts-expect-error the engine's private store
  const engineStore: Store = abaco.ctx.store;
  const index = await indexAgainstRecords(engineStore);
  t.same(index.found, index.wanted, 'every execution indexed, the stray entry gone');
  t.equal(await buildExecutionIndex(engineStore), 0, 'built once: the next start finds the marker');
});

t.test('searches through the index find, count, order and page as a full scan would, for every kind of condition', async (t) => {
  const abaco = await engine(t);
  // alice reaches 3 of the 5 actors (the tenant-wide index serves her), bob 2 (read actor by actor)
  const actors = [];
  for (const owner of [alice, bob, alice, bob, alice]) actors.push(await abaco.actors.create(owner, { image: 'x/y' }));
  let seed = 3;
  const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
  const statuses = ['SUBMITTED', 'RUNNING', 'COMPLETE', 'ERROR'] as const;
  const all: Execution[] = [];
  for (let i = 0; i < 400; i++) {
    const actor = actors[random(5)]!;
    // ids in no order of time, times with many ties
    const id = `${'abcdefghij'[random(10)]}${'ABCDEFGHIJ'[random(10)]}${String(i).padStart(4, '0')}`;
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, random(60))).toISOString();
    all.push({ id, tenant: 'TACC', actorId: actor.id, apiServer: '', executor: `user${random(3)}`, workerId: null, status: statuses[random(4)]!, statusMessage: '', messageReceivedTime: at, startTime: null, finishTime: null, runtime: random(60), cpu: 0, io: 0, exitCode: null, finalState: null, contentType: 'str' });
  }
  // @ts-expect-error the engine's private store: write the executions as the engine would, with their entries
  await abaco.ctx.store.batch(all.flatMap((e) => [{ type: 'put' as const, key: keys.execution('TACC', e.actorId, e.id), value: e }, ...indexOps(undefined, e)]));

  const time = (s: number) => `2026-01-01T00:00:${String(s).padStart(2, '0')}Z`;
  const at = (e: Execution) => Date.parse(e.messageReceivedTime);
  const [a0, a1] = [actors[0]!.id, actors[1]!.id];
  const queries: [Record<string, string>, (e: Execution) => boolean][] = [
    [{}, () => true],
    [{ status: 'ERROR' }, (e) => e.status === 'ERROR'],
    [{ 'status.in': '["RUNNING", "SUBMITTED"]' }, (e) => e.status === 'RUNNING' || e.status === 'SUBMITTED'],
    [{ 'status.neq': 'COMPLETE' }, (e) => e.status !== 'COMPLETE'],
    [{ 'status.nin': "['ERROR', 'RUNNING']" }, (e) => e.status === 'SUBMITTED' || e.status === 'COMPLETE'],
    [{ 'status.like': 'R$' }, (e) => e.status === 'ERROR'],
    [{ 'status.nlike': '^(C|E)' }, (e) => e.status === 'SUBMITTED' || e.status === 'RUNNING'],
    [{ 'status.like': 'E', 'status.nlike': 'ED$' }, (e) => e.status === 'COMPLETE' || e.status === 'ERROR'],
    [{ 'message_received_time.gte': time(20) }, (e) => at(e) >= Date.parse(time(20))],
    [{ 'message_received_time.gt': time(20), 'message_received_time.lt': time(40) }, (e) => at(e) > Date.parse(time(20)) && at(e) < Date.parse(time(40))],
    [{ 'message_received_time.between': `${time(10)},${time(30)}`, status: 'COMPLETE' }, (e) => at(e) >= Date.parse(time(10)) && at(e) <= Date.parse(time(30)) && e.status === 'COMPLETE'],
    [{ message_received_time: time(7) }, (e) => at(e) === Date.parse(time(7))],
    [{ 'message_received_time.lte': time(5), 'status.neq': 'ERROR' }, (e) => at(e) <= Date.parse(time(5)) && e.status !== 'ERROR'],
    [{ 'message_received_time.neq': time(7), status: 'RUNNING' }, (e) => at(e) !== Date.parse(time(7)) && e.status === 'RUNNING'],
    [{ actor_id: a0 }, (e) => e.actorId === a0],
    [{ 'actor_id.in': `["${a0}", "${a1}"]`, status: 'ERROR' }, (e) => (e.actorId === a0 || e.actorId === a1) && e.status === 'ERROR'],
    [{ 'actor_id.neq': a0 }, (e) => e.actorId !== a0],
    [{ 'id.like': '^[a-e]' }, (e) => /^[a-e]/.test(e.id)],
    [{ executor: 'user1' }, (e) => e.executor === 'user1'],
    [{ executor: 'user1', status: 'COMPLETE' }, (e) => e.executor === 'user1' && e.status === 'COMPLETE'],
    [{ 'executor.like': '[02]$', 'message_received_time.lt': time(30) }, (e) => /[02]$/.test(e.executor) && at(e) < Date.parse(time(30))],
    [{ 'runtime.gt': '30', status: 'ERROR', 'message_received_time.gte': time(15) }, (e) => e.runtime > 30 && e.status === 'ERROR' && at(e) >= Date.parse(time(15))],
    [{ exactsearch: 'user2', status: 'SUBMITTED' }, (e) => e.executor === 'user2' && e.status === 'SUBMITTED'],
  ];
  for (const caller of [alice, bob]) {
    const reached = new Set(actors.filter((a) => a.owner === caller.user).map((a) => a.id));
    const inOrder = all
      .filter((e) => reached.has(e.actorId))
      .sort((x, y) => x.messageReceivedTime.localeCompare(y.messageReceivedTime) || (x.actorId < y.actorId ? -1 : x.actorId > y.actorId ? 1 : 0) || (x.id < y.id ? -1 : 1));
    for (const [params, wanted] of queries) {
      const hits = inOrder.filter(wanted).map((e) => e.id);
      for (const [skip, limit] of [[0, 500], [0, 7], [5, 10], [hits.length - 2, 5]] as const) {
        if (skip < 0) continue;
        const result = await abaco.search.search(caller, 'executions', { ...params, skip: String(skip), limit: String(limit) });
        const page = hits.slice(skip, skip + limit);
        t.same([ids(result), result.metadata.totalCount], [page, hits.length], `${caller.user}: ${JSON.stringify(params)} skip ${skip} limit ${limit}`);
      }
    }
    t.ok(inOrder.length > 100, `${caller.user} reaches ${inOrder.length} executions`);
  }
});

t.test('the index lives in the tenant: another tenant with the same names sees none of it', async (t) => {
  const abaco = await engine(t);
  const mine = await abaco.actors.create(alice, { image: 'x/y' });
  const e = { id: 'e1', tenant: 'TACC', actorId: mine.id, status: 'ERROR', messageReceivedTime: '2026-01-01T00:00:00.000Z' } as Execution;
  // @ts-expect-error the engine's private store
  await abaco.ctx.store.batch([{ type: 'put', key: keys.execution('TACC', mine.id, 'e1'), value: e }, ...indexOps(undefined, e)]);
  const elsewhere = who('alice', ['user'], 'DEV');
  await abaco.actors.create(elsewhere, { image: 'x/y' });
  t.equal((await abaco.search.search(alice, 'executions', { status: 'ERROR' })).metadata.totalCount, 1);
  t.equal((await abaco.search.search(elsewhere, 'executions', { status: 'ERROR' })).metadata.totalCount, 0);
});

t.test('a queued message is found as SUBMITTED, and once purged as ERROR', async (t) => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const abaco = await engine(t, { now: () => new Date((now += 1000)) }); // no runtime: messages stay queued
  const actor = await abaco.actors.create(alice, { image: 'x/y' });
  const sent = [];
  for (let i = 0; i < 3; i++) sent.push((await abaco.messages.send(alice, actor.id, { kind: 'str', text: `${i}` })).execution.id);
  const search = (status: string) => abaco.search.search(alice, 'executions', { status });
  t.same(ids(await search('SUBMITTED')), sent);
  t.equal((await abaco.messages.purge(alice, actor.id)).purged, 3);
  t.same(ids(await search('ERROR')), sent);
  t.equal((await search('SUBMITTED')).metadata.totalCount, 0);
  // @ts-expect-error the engine's private store
  const index = await indexAgainstRecords(abaco.ctx.store);
  t.same(index.found, index.wanted);
});

t.test('an execution whose status changes while the index is read, one status after another, is listed and found once', async (t) => {
  // A real store; only the moment of the change is forced: the execution moves on just before each next status is read.
  const real = await LevelStore.memory();
  let beforeScan = async (_prefix: string) => {};
  const store = new Proxy(real, {
    get: (target, prop) => {
      if (prop === 'scan') {
        return async function* (prefix: string, options?: object) {
          await beforeScan(prefix);
          yield* target.scan(prefix, options);
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Store;
  const abaco = await engine(t, { store }); // no runtime: the message stays queued until moved by hand
  const actor = await abaco.actors.create(alice, { image: 'x/y' });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'x' });
  const key = keys.execution('TACC', actor.id, execution.id);
  const movesOnAt = (...prefixes: string[]) => {
    const next: Record<string, Execution['status']> = { RUNNING: 'RUNNING', COMPLETE: 'COMPLETE' };
    beforeScan = async (prefix) => {
      const status = next[prefix.split('/').at(-2)!];
      if (!prefixes.some((p) => prefix.startsWith(p)) || !status) return;
      delete next[status];
      await real.update<Execution>(key, (e) => withIndex(e!, { ...e!, status }));
    };
  };
  movesOnAt(keys.executionsOfActorByStatus('TACC', actor.id));
  const listed = (await abaco.executions.list(alice, actor.id)).executions;
  t.same(listed.map((e) => [e.id, e.status]), [[execution.id, 'COMPLETE']], 'seen as SUBMITTED, RUNNING and COMPLETE, listed once');

  await real.update<Execution>(key, (e) => withIndex(e!, { ...e!, status: 'SUBMITTED' }));
  movesOnAt(keys.executionsByStatus('TACC'), keys.executionsOfActorByStatus('TACC', actor.id));
  const found = await abaco.search.search(alice, 'executions', { 'status.in': '["SUBMITTED", "RUNNING", "COMPLETE"]' });
  t.same([ids(found), found.metadata.totalCount], [[execution.id], 1], 'found and counted once');
});
