import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { pino } from 'pino';
import { Abaco, type AbacoOptions } from '../src/engine/abaco.js';
import { fairShares } from '../src/execution/autoscaler.js';
import type { Actor } from '../src/model/actor.js';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import { priv } from './helpers.js';
import { eventually, finished, images, runningEngine } from './pipeline-helpers.js';

const withSleep = {
  ...images,
  'test/sleep1': ['sh', '-c', 'sleep 1; echo "done $MSG"'],
  // a second, then done; the message "late" runs until halted
  'test/sleep1-late': ['sh', '-c', 'if [ "$MSG" = late ]; then sleep 60; else sleep 1; fi; echo "done $MSG"'],
};
const engine = (t: Parameters<typeof runningEngine>[0], options: AbacoOptions = {}) =>
  runningEngine(t, { runtime: new ProcessRuntime({ images: withSleep }), ...options, settings: { maxWorkersPerNode: 16, ...options.settings } });
const viable = async (abaco: Abaco, actor: Actor) =>
  (await abaco.workers.list(priv, actor.id)).workers.filter((w) => !['SHUTDOWN_REQUESTED', 'SHUTTING_DOWN', 'ERROR'].includes(w.status)).length;
/** Waits until every worker of the actor has gone back to READY after its last execution. */
const settled = (abaco: Abaco, actor: Actor) => eventually(async () => (await abaco.workers.list(priv, actor.id)).workers.every((w) => w.status === 'READY'));
const send = (abaco: Abaco, actor: Actor, n: number) => Promise.all(Array.from({ length: n }, (_, i) => abaco.messages.send(priv, actor.id, { kind: 'str', text: `m${i}` })));

t.test('fair shares: even up to each demand, the remainder to the bigger pools, one at least for each', async (t) => {
  const shares = (capacity: number, ...wants: [string, number, number][]) => Object.fromEntries(fairShares(capacity, wants.map(([id, demand, has]) => ({ id, demand, has }))));
  t.same(shares(4, ['a', 6, 4], ['b', 6, 1]), { a: 2, b: 2 });
  t.same(shares(5, ['a', 6, 1], ['b', 6, 4]), { a: 2, b: 3 }, 'the odd one goes where the workers already are');
  t.same(shares(8, ['a', 2, 0], ['b', 10, 0]), { a: 2, b: 6 }, 'what one does not need goes to the other');
  t.same(shares(2, ['a', 3, 0], ['b', 3, 0], ['c', 3, 0]), { a: 1, b: 1, c: 1 }, 'every actor with work gets one, even past the capacity');
  t.same(shares(6, ['a', 0, 2], ['b', 4, 0]), { a: 0, b: 4 });
});

t.test('messages grow a stateless pool as they arrive, to min(maxWorkers, backlog), without waiting for a tick', async (t) => {
  const abaco = await engine(t);
  const big = await abaco.actors.create(priv, { image: 'test/sleep1', maxWorkers: 4 });
  const small = await abaco.actors.create(priv, { image: 'test/sleep1', maxWorkers: 6 });
  await send(abaco, big, 10);
  await send(abaco, small, 3);
  t.equal(await viable(abaco, big), 4, 'ten messages: maxWorkers');
  t.equal(await viable(abaco, small), 3, 'three messages: three workers');
  t.equal(abaco.autoscaler.targets.get(big.dbId), 4);
  t.equal(abaco.autoscaler.targets.get(small.dbId), 3);
});

t.test('after a restart, a backlog reaches the desired pool within one tick', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'abaco-autoscale-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const quiet = pino({ level: 'error' });
  const idle = await Abaco.open({ dataDir, logger: quiet }); // no runtime: messages wait in the inbox
  const actor = await idle.actors.create(priv, { image: 'test/sleep1', maxWorkers: 5 });
  await send(idle, actor, 12);
  await idle.close();

  const abaco = await Abaco.open({ dataDir, runtime: new ProcessRuntime({ images: withSleep }), logger: quiet, settings: { autoscaleIntervalMs: 0, cronIntervalMs: 0, maxWorkersPerNode: 16 } });
  t.teardown(() => abaco.close({ kill: true }));
  t.equal(await viable(abaco, actor), 1, 'the restart gave the actor one worker');
  await abaco.autoscaler.tick();
  t.equal(abaco.autoscaler.targets.get(actor.dbId), 5, 'the target is maxWorkers');
  t.equal(await viable(abaco, actor), 5, 'and the pool has it after one tick');
});

t.test('two actors with backlogs share a small node capacity fairly', async (t) => {
  const abaco = await engine(t, { settings: { maxWorkersPerNode: 4 } });
  const first = await abaco.actors.create(priv, { image: 'test/sleep1', maxWorkers: 6 });
  await send(abaco, first, 8);
  t.equal(await viable(abaco, first), 4, 'alone, the first actor takes the whole node');
  const second = await abaco.actors.create(priv, { image: 'test/sleep1', maxWorkers: 6 });
  await send(abaco, second, 8);
  t.equal(await viable(abaco, second), 1, 'the second one gets a worker at once, and its share once the node has room');
  await abaco.autoscaler.tick();
  t.same([abaco.autoscaler.targets.get(first.dbId), abaco.autoscaler.targets.get(second.dbId)], [2, 2], 'the tick splits the node in two');
  t.equal(await viable(abaco, first), 2, 'two of the first actor\'s workers leave after their current execution');
  await eventually(async () => {
    await abaco.autoscaler.tick();
    return (await viable(abaco, second)) === 2;
  });
  t.equal(await viable(abaco, first), 2, 'each actor has its half');
  const all = [...(await abaco.executions.list(priv, first.id)).executions, ...(await abaco.executions.list(priv, second.id)).executions];
  t.equal(all.length, 16);
  for (const e of all) t.equal((await finished(abaco, priv, e.actorId, e.id)).status, 'COMPLETE');
});

t.test('idle workers go after autoscaleIdleMs and not before; a busy one stays', async (t) => {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const abaco = await engine(t, { now: () => new Date(now), settings: { autoscaleIdleMs: 10_000 } });
  const actor = await abaco.actors.create(priv, { image: 'test/sleep1-late', maxWorkers: 3 });
  for (const { execution } of await send(abaco, actor, 3)) await finished(abaco, priv, actor.id, execution.id);
  await settled(abaco, actor);
  t.equal(await viable(abaco, actor), 3);
  await abaco.autoscaler.tick();
  t.equal(abaco.autoscaler.targets.get(actor.dbId), 0, 'no work: the target is none');
  t.equal(await viable(abaco, actor), 3, 'but the idle workers stay');
  now += 9_999;
  await abaco.autoscaler.tick();
  t.equal(await viable(abaco, actor), 3, 'until the window has passed');
  const { execution } = await abaco.messages.send(priv, actor.id, { kind: 'str', text: 'late' });
  const busy = await eventually(async () => (await abaco.workers.list(priv, actor.id)).workers.find((w) => w.status === 'BUSY'));
  now += 2;
  await abaco.autoscaler.tick();
  t.equal(abaco.autoscaler.targets.get(actor.dbId), 1);
  t.equal(await viable(abaco, actor), 1);
  await eventually(async () => (await abaco.workers.list(priv, actor.id)).workers.length === 1);
  t.same((await abaco.workers.list(priv, actor.id)).workers.map((w) => w.id), [busy.id], 'the idle ones went, the busy one stayed');
  await abaco.executions.halt(priv, actor.id, execution.id);
  t.equal((await finished(abaco, priv, actor.id, execution.id)).status, 'COMPLETE');
  await settled(abaco, actor);
  now += 10_001;
  await abaco.autoscaler.tick();
  await eventually(async () => (await viable(abaco, actor)) === 0);
  t.pass('and it goes once idle for the window too');
});

t.test('the sync hint keeps its freshest worker for syncMaxIdleMs', async (t) => {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const abaco = await engine(t, { now: () => new Date(now), settings: { autoscaleIdleMs: 1000, syncMaxIdleMs: 60_000 } });
  const actor = await abaco.actors.create(priv, { image: 'test/slow', maxWorkers: 2, hints: ['sync'] });
  for (const { execution } of await send(abaco, actor, 2)) await finished(abaco, priv, actor.id, execution.id);
  await settled(abaco, actor);
  t.equal(await viable(abaco, actor), 2);
  now += 2000;
  await abaco.autoscaler.tick();
  t.equal(abaco.autoscaler.targets.get(actor.dbId), 1);
  await eventually(async () => (await viable(abaco, actor)) === 1);
  now += 60_000;
  await abaco.autoscaler.tick();
  await eventually(async () => (await viable(abaco, actor)) === 0);
  t.pass('the last one goes after syncMaxIdleMs');
});

t.test('a stateful actor keeps exactly one worker, with a backlog and after the idle window', async (t) => {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const abaco = await engine(t, { now: () => new Date(now), settings: { autoscaleIdleMs: 1000 } });
  const actor = await abaco.actors.create(priv, { image: 'test/slow', stateless: false });
  const sent = await send(abaco, actor, 5);
  await abaco.autoscaler.tick();
  t.equal(abaco.autoscaler.targets.get(actor.dbId), 1);
  t.equal(await viable(abaco, actor), 1, 'one worker with five messages queued');
  for (const { execution } of sent) await finished(abaco, priv, actor.id, execution.id);
  now += 5000;
  await abaco.autoscaler.tick();
  t.equal(await viable(abaco, actor), 1, 'and still one, idle past the window');
});
