import t, { type Test } from 'tap';
import { pino } from 'pino';
import { defaultSettings } from '../src/engine/settings.js';
import type { EngineContext } from '../src/engine/context.js';
import { LogStore } from '../src/execution/logs.js';
import type { Actor } from '../src/model/actor.js';
import { keys } from '../src/store/keys.js';
import { LevelStore } from '../src/store/level-store.js';
import type { BatchOp } from '../src/store/store.js';
import { eventually } from './pipeline-helpers.js';

/** A log store over a real level store whose batches are recorded, with a clock the test moves. */
async function logStore(t: Test) {
  const store = await LevelStore.memory();
  t.teardown(() => store.close());
  const batches: BatchOp[][] = [];
  const batch = store.batch.bind(store);
  store.batch = (ops) => (batches.push(ops), batch(ops));
  let now = Date.parse('2026-01-01T00:00:00Z');
  const ctx: EngineContext = { store, settings: { ...defaultSettings(), logMaxChars: 10_000 }, now: () => new Date(now), log: pino({ level: 'silent' }), runtime: { name: 'none', isolated: true, images: null } };
  return { logs: new LogStore(ctx), store, batches, later: (ms: number) => (now += ms) };
}

const actor = { tenant: 'T', id: 'A1' } as Actor;
/** The characters of log text a batch writes. */
const written = (ops: BatchOp[]) => ops.reduce((n, op) => n + (op.type === 'put' && typeof op.value === 'string' ? op.value.length : op.type === 'put' && typeof (op.value as { logs?: unknown }).logs === 'string' ? (op.value as { logs: string }).logs.length : 0), 0);

t.test('a running log is written in chunks: each flush writes only the output since the last; readers see it all', async (t) => {
  const { logs, store, batches } = await logStore(t);
  const writer = logs.writer(actor, 'E1');
  writer.append('a'.repeat(3000));
  await eventually(async () => (await logs.read(actor, 'E1')).length === 3000);
  writer.append('b'.repeat(1000));
  await eventually(async () => (await logs.read(actor, 'E1')).length === 4000);
  t.same(batches.map(written), [3000, 1000], 'the second flush wrote the 1,000 new characters, not the 4,000 of the log');
  t.equal(await logs.read(actor, 'E1'), 'a'.repeat(3000) + 'b'.repeat(1000));
  writer.append('c');
  await store.batch(await writer.finishOps(60));
  t.equal(await logs.read(actor, 'E1'), `${'a'.repeat(3000)}${'b'.repeat(1000)}c`, 'the finished log is whole');
  t.match(batches.at(-1), [{ type: 'put', value: { logs: /c$/ } }], 'written whole once, when the execution ended');
});

t.test('the chunks go once the log is finished, and the log goes when it expires', async (t) => {
  const { logs, store, later } = await logStore(t);
  const writer = logs.writer(actor, 'E2');
  writer.append('line\n');
  await eventually(async () => (await logs.read(actor, 'E2')) === 'line\n');
  await store.batch(await writer.finishOps(60));
  const left: string[] = [];
  for await (const [key] of store.scan('lchunk/')) left.push(key);
  t.same(left, []);
  later(61_000);
  t.equal(await logs.read(actor, 'E2'), '');
  t.equal(await logs.sweep(), 1);
});

t.test('a log cut short by a crash keeps its chunks: recovery gathers them and gives it its expiry', async (t) => {
  const { logs, store, later } = await logStore(t);
  await store.batch([{ type: 'put', key: keys.actor('T', 'A1'), value: { ...actor, logEx: 60 } }]);
  const writer = logs.writer(actor, 'E3');
  writer.append('before ');
  await eventually(async () => (await logs.read(actor, 'E3')) === 'before ');
  writer.append('the crash');
  await eventually(async () => (await logs.read(actor, 'E3')) === 'before the crash');
  // the engine dies here: the writer never finishes
  t.equal(await logs.expireOrphans(async () => false), 1);
  t.equal(await logs.read(actor, 'E3'), 'before the crash');
  const left: string[] = [];
  for await (const [key] of store.scan('lchunk/')) left.push(key);
  t.same(left, [], 'its chunks are gone');
  later(61_000);
  t.equal(await logs.read(actor, 'E3'), '');
});
