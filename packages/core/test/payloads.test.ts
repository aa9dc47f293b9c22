import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { pino } from 'pino';
import { Abaco } from '../src/engine/abaco.js';
import type { EngineContext } from '../src/engine/context.js';
import { soleLeader, type Leadership } from '../src/engine/leadership.js';
import { defaultSettings } from '../src/engine/settings.js';
import { BinaryPayloads, PAYLOAD_CHUNK_BYTES } from '../src/execution/payloads.js';
import { MqemitterBus } from '../src/bus/mqemitter-bus.js';
import type { Actor } from '../src/model/actor.js';
import type { QueuedMessage } from '../src/model/execution.js';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import { keys } from '../src/store/keys.js';
import { LevelStore } from '../src/store/level-store.js';
import type { Store } from '../src/store/store.js';
import { alice } from './helpers.js';
import { eventually, finished, images } from './pipeline-helpers.js';

const tempDir = (t: Test) => {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-payloads-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** Every key under a prefix. */
async function keysUnder(store: Store, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const [key] of store.scan(prefix)) found.push(key);
  return found;
}

/** The store as node A sees it: both nodes share it, and node B's close closes it. */
const sharedWith = (store: Store): Store => ({
  get: (key) => store.get(key),
  batch: (ops) => store.batch(ops),
  update: (key, fn) => store.update(key, fn),
  scan: (prefix, options) => store.scan(prefix, options),
  clear: (prefix) => store.clear(prefix),
  close: async () => {},
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

t.test('in a cluster, a binary message taken by one node runs on another: its bytes travel through the store, and none are left after', async (t) => {
  const store = await LevelStore.open(tempDir(t));
  const bus = new MqemitterBus();
  const follower: Leadership = { isLeader: false, onChange: () => {}, close: async () => {} };
  const logger = pino({ level: 'error' });
  const [spoolA, spoolB] = [tempDir(t), tempDir(t)];
  // Node A takes messages and runs nothing; node B, the leader, has the runtime and starts the workers.
  const a = await Abaco.open({ store: sharedWith(store), bus, nodeId: 'node-a', cluster: { leadership: follower }, logger, settings: { spoolDir: spoolA, autoscaleIntervalMs: 0, cronIntervalMs: 0 } });
  const b = await Abaco.open({
    store, bus, nodeId: 'node-b', cluster: { leadership: soleLeader }, logger,
    runtime: new ProcessRuntime({ images }),
    settings: { spoolDir: spoolB, autoscaleIntervalMs: 100, cronIntervalMs: 0, workerPollMs: 100 },
  });
  t.teardown(async () => {
    await a.close();
    await b.close({ kill: true });
  });
  const actor = await a.actors.create(alice, { image: 'test/binary' });
  const data = randomBytes(2 * PAYLOAD_CHUNK_BYTES + 12_345);
  const { execution } = await a.messages.send(alice, actor.id, { kind: 'binary', data });
  t.same(readdirSync(spoolA), [], 'node A keeps no file of it');
  t.equal((await keysUnder(store, keys.payloadChunks(actor.tenant, actor.id, execution.id))).length, 3, 'the store holds it in three chunks');

  const done = await finished(b, alice, actor.id, execution.id);
  t.equal(done.status, 'COMPLETE');
  t.equal((await b.executions.logs(alice, actor.id, execution.id)).logs, `${data.length}\n${sha256(data)}  -\n`, 'node B ran it with the same bytes');
  // The execution is recorded as finished a moment before its bytes are removed.
  await eventually(async () => (await keysUnder(store, 'payload/')).length === 0);
  t.same(await keysUnder(store, 'pchunk/'), [], 'its head and chunks are gone from the store');
  t.same(readdirSync(spoolB).filter((f) => f.endsWith('.bin')), [], 'and node B removed its copy');
});

t.test('payloads kept in the store: a file is taken over, the bytes come back whole, and a sweep removes only what no message waits for', async (t) => {
  const store = await LevelStore.memory();
  t.teardown(() => store.close());
  let now = Date.now();
  const ctx: EngineContext = { store, settings: defaultSettings(), now: () => new Date(now), log: pino({ level: 'silent' }), runtime: { name: 'none', isolated: true, images: null } };
  const spoolDir = tempDir(t);
  const payloads = new BinaryPayloads(ctx, { spoolDir, inStore: true });
  const actor = { tenant: 'dev', id: 'actor1' } as Actor;
  const message = (executionId: string): QueuedMessage => ({ executionId, contentType: 'application/octet-stream', text: null, binaryPath: null, binaryStored: true, env: {}, executor: 'alice', synchronous: false });

  const upload = join(tempDir(t), 'upload');
  const data = randomBytes(PAYLOAD_CHUNK_BYTES + 1);
  writeFileSync(upload, data);
  t.same(await payloads.keep(actor, 'waiting', { file: upload }), { binaryPath: null, binaryStored: true });
  t.notOk(existsSync(upload), 'the uploaded file is taken over (removed once in the store)');
  const copy = await payloads.localFile(actor, message('waiting'));
  t.ok(copy?.startsWith(spoolDir));
  t.same(sha256(readFileSync(copy!)), sha256(data), 'the copy on the running node has the same bytes');
  await payloads.keep(actor, 'empty', { data: Buffer.alloc(0) });
  t.equal(readFileSync((await payloads.localFile(actor, message('empty')))!).length, 0, 'an empty message is an empty file');

  // 'waiting' has a SUBMITTED execution; 'orphan' has none (a message refused after its bytes were written).
  await store.batch([{ type: 'put', key: keys.execution('dev', 'actor1', 'waiting'), value: { status: 'SUBMITTED' } }]);
  await payloads.keep(actor, 'orphan', { data: Buffer.from('left behind') });
  await payloads.sweep([], 60_000);
  t.ok(await store.get(keys.payload('dev', 'actor1', 'orphan')), 'a sweep leaves bytes younger than its grace');
  now += 61_000;
  await payloads.sweep([], 60_000);
  t.same(await keysUnder(store, 'payload/'), [keys.payload('dev', 'actor1', 'waiting')], 'then removes those no message waits for, and keeps the waiting one');
  t.same((await keysUnder(store, 'pchunk/')).length, 2, 'with its chunks');
  await payloads.drop(actor, message('waiting'));
  t.same(await keysUnder(store, 'pchunk/'), [], 'dropped after its execution');
  t.notOk(existsSync(copy!), 'its local copy too');
  await t.rejects(payloads.localFile(actor, message('waiting')), /gone from the store/, 'a message whose bytes are gone fails its execution with a reason');
});
