// Search speed: 100,000 executions across 100 actors in a level store on disk, written with their
// index entries and tallies as the engine writes them. The two rows of issue #13: a selective query (one actor,
// status ERROR, a time range) and a global one (status ERROR across every actor, with its total
// count), each against a baseline measured in the same run: a full scan that decodes every execution
// and filters it (what search did before the index). Then more queries across every actor: a `like`
// on the status, a deep page, one on a field the index does not hold, and the catastrophic pattern
// `^(a+)+$` over actors whose descriptions are made to trip a backtracking engine (20 a's and a '!').
// Last, the time to build the index at start for a store written before it existed.
// With ABACO_BENCH_POSTGRES_URL (postgres://user@host:port/db), the same data is also written to a
// PostgreSQL store (in a schema of its own, dropped at the end) and the same queries run there as
// SQL, each against core's own search over the same PostgreSQL records (the store's index hidden).
// Usage: node bench/search.mjs [actors=100] [executionsPerActor=1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Abaco, LevelStore, identity } from '@abaco/core';
import { keys } from '../packages/core/dist/store/keys.js';
import { indexOps } from '../packages/core/dist/search/execution-index.js';

const actorCount = Number(process.argv[2] ?? 100);
const perActor = Number(process.argv[3] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'abaco-search-bench-'));
const store = await LevelStore.open(dir);
const abaco = await Abaco.open({ store, logger: pino({ level: 'error' }) });
const admin = identity('bench', 'BENCH', ['admin']);
const start = Date.parse('2026-01-01T00:00:00Z');
const statuses = ['COMPLETE', 'COMPLETE', 'COMPLETE', 'ERROR', 'RUNNING', 'SUBMITTED'];

/** Writes the actors and their executions (with index entries and tallies) through `abaco` and `store`; returns the actors' ids. */
async function load(abaco, store) {
  const actors = [];
  for (let a = 0; a < actorCount; a++) {
    const actor = await abaco.actors.create(admin, { image: `bench/image-${a % 7}`, name: `actor-${a}`, description: `${'a'.repeat(20)}!` });
    actors.push(actor.id);
    let batch = [];
    for (let i = 0; i < perActor; i++) {
      const id = `${actor.id.slice(0, 6)}${String(i).padStart(7, '0')}`;
      const received = new Date(start + (a * perActor + i) * 1000).toISOString();
      const execution = {
        id, tenant: 'BENCH', actorId: actor.id, apiServer: '', executor: `user-${i % 10}`, workerId: 'w', status: statuses[(i * 7 + a) % statuses.length], statusMessage: '',
        messageReceivedTime: received, startTime: received, finishTime: received, runtime: i % 60, cpu: i * 1000, io: i, exitCode: 0, finalState: null, contentType: 'str',
      };
      batch.push({ type: 'put', key: keys.execution('BENCH', actor.id, id), value: execution }, ...indexOps(undefined, execution));
      if (batch.length >= 5000) await store.batch(batch.splice(0));
    }
    await store.batch(batch);
  }
  return actors;
}

let t0 = performance.now();
const actors = await load(abaco, store);
console.log(`load average at start: ${loadavg()[0].toFixed(1)} (on ${availableParallelism()} cores)`);
console.log(`wrote ${actorCount * perActor} executions across ${actorCount} actors in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const targetOf = (ids) => ids[Math.floor(actorCount / 2)];
const target = targetOf(actors);
const paramsOf = (target) => ({ actor_id: target, status: 'ERROR', 'message_received_time.between': '2026-01-01T13:53:20Z,2026-01-01T14:01:40Z', limit: '100' });
const params = paramsOf(target);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn, runs = 15) => {
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), result };
};

// one pass over everything first, so that no query is timed while level still compacts what was just written
for await (const entry of store.scan('t/BENCH/')) void entry;
const selective = await time(() => abaco.search.search(admin, 'executions', params));
const low = Date.parse('2026-01-01T13:53:20Z');
const high = Date.parse('2026-01-01T14:01:40Z');
const fullScan = await time(async () => {
  const hits = [];
  for await (const [, e] of store.scan('t/BENCH/exec/')) {
    const at = Date.parse(e.messageReceivedTime);
    if (e.actorId === target && e.status === 'ERROR' && at >= low && at <= high) hits.push(e);
  }
  return hits;
}, 5);
const global = await time(() => abaco.search.search(admin, 'executions', { status: 'ERROR', limit: '10' }));
const globalScan = await time(async () => {
  let count = 0;
  for await (const [, e] of store.scan('t/BENCH/exec/')) if (e.status === 'ERROR') count++;
  return count;
}, 5);
const like = await time(() => abaco.search.search(admin, 'executions', { 'status.like': '^ERR', limit: '10' }), 5);
const deep = await time(() => abaco.search.search(admin, 'executions', { status: 'ERROR', skip: '9000', limit: '100' }), 5);
const unindexed = await time(() => abaco.search.search(admin, 'executions', { status: 'ERROR', executor: 'user-3', limit: '10' }), 5);
const evil = await time(() => abaco.search.search(admin, 'actors', { 'description.like': '^(a+)+$' }), 5);
const perScan = (ms, scan = fullScan) => `${(ms / scan.ms).toFixed(3)}x the full scan`;

console.log(`selective query (one actor, status ERROR, a time range): ${selective.ms.toFixed(1)} ms median, ${selective.result.metadata.totalCount} hits, ${perScan(selective.ms)}`);
console.log(`  baseline, full scan filtering the same:               ${fullScan.ms.toFixed(1)} ms median, ${fullScan.result.length} hits`);
console.log(`global query (status ERROR across all actors, count):   ${global.ms.toFixed(1)} ms median, ${global.result.metadata.totalCount} hits, ${perScan(global.ms, globalScan)}`);
console.log(`  baseline, full scan counting the same:                ${globalScan.ms.toFixed(1)} ms median, ${globalScan.result} hits`);
console.log(`global like (status.like=^ERR across all actors):      ${like.ms.toFixed(1)} ms median, ${like.result.metadata.totalCount} hits, ${perScan(like.ms)}`);
console.log(`deep page (status ERROR, skip 9000, limit 100):        ${deep.ms.toFixed(1)} ms median, ${deep.result.metadata.countReturned} returned, ${perScan(deep.ms)}`);
console.log(`status ERROR and a field not indexed (executor):       ${unindexed.ms.toFixed(1)} ms median, ${unindexed.result.metadata.totalCount} hits, ${perScan(unindexed.ms)}`);
console.log(`catastrophic pattern (description.like=^(a+)+$, ${actorCount} actors): ${evil.ms.toFixed(1)} ms median, ${evil.result.metadata.totalCount} hits`);
await abaco.close();

// A store written before the index existed: no marker. The engine builds the index as it opens.
const old = await LevelStore.open(dir);
await old.batch([{ type: 'del', key: keys.executionIndexBuilt }]);
t0 = performance.now();
const reopened = await Abaco.open({ store: old, logger: pino({ level: 'error' }) });
const buildMs = performance.now() - t0;
const again = await reopened.search.search(admin, 'executions', { status: 'ERROR', limit: '10' });
console.log(`load average at the end: ${loadavg()[0].toFixed(1)}`);
console.log(`index built at start for ${actorCount * perActor} executions: ${(buildMs / 1000).toFixed(1)} s; the global query then finds ${again.metadata.totalCount} hits`);
await reopened.close();
rmSync(dir, { recursive: true, force: true });

const postgresUrl = process.env.ABACO_BENCH_POSTGRES_URL;
if (postgresUrl) {
  const { PostgresStore } = await import('@abaco/store-postgres');
  const schema = `abaco_bench_${process.pid}`;
  const { default: pg } = await import('pg');
  const dropSchema = async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  };
  const pgStore = await PostgresStore.open(postgresUrl, { schema });
  const onPg = await Abaco.open({ store: pgStore, logger: pino({ level: 'error' }) });
  try {
    t0 = performance.now();
    const pgActors = await load(onPg, pgStore);
    console.log(`PostgreSQL: wrote the same ${actorCount * perActor} executions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // what autovacuum does soon after a bulk write: statistics for the planner
    const analyze = new pg.Client({ connectionString: postgresUrl });
    await analyze.connect();
    await analyze.query(`ANALYZE ${schema}.records`);
    await analyze.end();
    const index = pgStore.searchIndex;
    /** The same search by core itself over the same PostgreSQL records: the store's SQL index hidden. */
    const byCore = async (fn) => {
      pgStore.searchIndex = undefined;
      try {
        return await fn();
      } finally {
        pgStore.searchIndex = index;
      }
    };
    const rows = [
      ['selective (one actor, status ERROR, a time range)', 'executions', paramsOf(targetOf(pgActors))],
      ['global (status ERROR across all actors, count)', 'executions', { status: 'ERROR', limit: '10' }],
      ['global like (status.like=^ERR)', 'executions', { 'status.like': '^ERR', limit: '10' }],
      ['deep page (status ERROR, skip 9000, limit 100)', 'executions', { status: 'ERROR', skip: '9000', limit: '100' }],
      ['status ERROR and executor (a field not indexed)', 'executions', { status: 'ERROR', executor: 'user-3', limit: '10' }],
      ['runtime.gt=50 (numbers, no index)', 'executions', { 'runtime.gt': '50', limit: '10' }],
      ['catastrophic pattern (description.like=^(a+)+$)', 'actors', { 'description.like': '^(a+)+$' }],
    ];
    for (const [name, collection, query] of rows) {
      const sql = await time(() => onPg.search.search(admin, collection, query), 5);
      const core = await time(() => byCore(() => onPg.search.search(admin, collection, query)), 3);
      const same = JSON.stringify(sql.result) === JSON.stringify(core.result) ? 'same answer' : 'ANSWERS DIFFER';
      console.log(`PostgreSQL ${name}: SQL ${sql.ms.toFixed(1)} ms median, ${sql.result.metadata.totalCount} hits; core over the same records ${core.ms.toFixed(1)} ms (${(sql.ms / core.ms).toFixed(3)}x); ${same}`);
    }
  } finally {
    await onPg.close();
    await dropSchema();
  }
}
