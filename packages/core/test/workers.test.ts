import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { pino } from 'pino';
import { MqemitterBus } from '../src/bus/mqemitter-bus.js';
import { Abaco } from '../src/engine/abaco.js';
import { LevelStore } from '../src/store/level-store.js';
import type { Inbox } from '../src/inbox/inbox.js';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import type { ContainerRuntime } from '../src/runtime/runtime.js';
import type { Execution } from '../src/model/execution.js';
import type { Worker } from '../src/model/worker.js';
import { keys } from '../src/store/keys.js';
import type { Store } from '../src/store/store.js';
import { admin, alice, bob, priv, who } from './helpers.js';
import { eventually, finished, images, runningEngine } from './pipeline-helpers.js';

t.test('a stateful actor has one worker and runs its messages strictly in order', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/slow', stateless: false });
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await abaco.messages.send(alice, actor.id, { kind: 'str', text: `m${i}` })).execution.id);
  await abaco.workers.ensure(admin, actor.id, 4);
  t.equal((await abaco.workers.list(alice, actor.id)).workers.length, 1, 'asking for more workers does not give a stateful actor more than one');
  const done = [];
  for (const id of ids) done.push(await finished(abaco, alice, actor.id, id));
  for (let i = 1; i < done.length; i++) {
    t.ok(done[i]!.startTime! >= done[i - 1]!.finishTime!, `m${i} started after m${i - 1} finished`);
  }
  t.equal(new Set(done.map((e) => e.workerId)).size, 1);
});

t.test('20 messages posted at once to a stateful actor without a worker start exactly one worker', async (t) => {
  const processes = new ProcessRuntime({ images });
  const started: string[] = [];
  const counting: ContainerRuntime = {
    name: processes.name, isolated: processes.isolated, run: (spec) => processes.run(spec), cleanup: () => processes.cleanup(), close: () => processes.close(),
    ensureImage: (image) => (started.push(image), processes.ensureImage(image)), // once per worker, as it starts
  };
  const abaco = await runningEngine(t, { runtime: counting });
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/wc', stateless: false });
  const first = await eventually(async () => (await abaco.workers.list(alice, actor.id)).workers[0]);
  await abaco.workers.stop(alice, actor.id, first.id);
  await eventually(async () => (await abaco.workers.list(alice, actor.id)).workers.length === 0);
  started.length = 0;
  const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => abaco.messages.send(alice, actor.id, { kind: 'str', text: `m${i}` })));
  const done = await Promise.all(sent.map(({ execution }) => finished(abaco, alice, actor.id, execution.id)));
  t.equal(started.length, 1, 'one worker was started');
  t.equal(new Set(done.map((e) => e.workerId)).size, 1, 'and ran every message');
  t.equal((await abaco.workers.list(alice, actor.id)).workers.length, 1);
});

t.test('a stateless actor runs messages in parallel on several workers, up to maxWorkers', async (t) => {
  const abaco = await runningEngine(t, { settings: { autoscaleIdleMs: 0 } });
  const actor = await abaco.actors.create(priv, { image: 'test/slow', maxWorkers: 3 });
  const ids = [];
  for (let i = 0; i < 6; i++) ids.push((await abaco.messages.send(priv, actor.id, { kind: 'str', text: `m${i}` })).execution.id);
  await abaco.autoscaler.tick();
  t.equal((await abaco.workers.list(priv, actor.id)).workers.length, 3, 'the pool grew to maxWorkers, no further');
  const done = await Promise.all(ids.map((id) => finished(abaco, priv, actor.id, id)));
  t.ok(new Set(done.map((e) => e.workerId)).size > 1, 'the executions ran on several workers');
  const overlapping = done.some((a) => done.some((b) => a !== b && a.startTime! < b.finishTime! && b.startTime! < a.finishTime!));
  t.ok(overlapping, 'some executions ran at the same time');
  // a worker whose execution just finished is still writing its end: idle at one of the next passes
  await eventually(async () => {
    await abaco.autoscaler.tick();
    return (await abaco.workers.list(priv, actor.id)).workers.length === 0;
  });
  t.pass('an empty inbox scales the pool to zero');
  const again = await abaco.messages.send(priv, actor.id, { kind: 'str', text: 'later' });
  t.equal((await finished(abaco, priv, actor.id, again.execution.id)).status, 'COMPLETE', 'a new message gets a worker again');
});

t.test('the sync hint keeps one idle worker for syncMaxIdleMs; stateful actors are never scaled', async (t) => {
  let now = Date.now();
  const abaco = await runningEngine(t, { now: () => new Date(now), settings: { syncMaxIdleMs: 60_000, autoscaleIdleMs: 0 } });
  const synced = await abaco.actors.create(alice, { image: 'abacosamples/wc', hints: ['sync'] });
  const stateful = await abaco.actors.create(alice, { image: 'abacosamples/wc', stateless: false });
  for (const actor of [synced, stateful]) await finished(abaco, alice, actor.id, (await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'x' })).execution.id);
  await abaco.autoscaler.tick();
  t.equal((await abaco.workers.list(alice, synced.id)).workers.length, 1, 'the sync actor keeps its worker');
  t.equal((await abaco.workers.list(alice, stateful.id)).workers.length, 1, 'the stateful actor keeps its worker');
  now += 61_000;
  await eventually(async () => {
    await abaco.autoscaler.tick();
    return (await abaco.workers.list(alice, synced.id)).workers.length === 0;
  });
  t.equal((await abaco.workers.list(alice, stateful.id)).workers.length, 1);
});

/**
 * An engine with an image `test/gated` whose executions run until the test opens their gate (a
 * message sent with `env: gate.env`): still running at a given moment, however slow the machine.
 */
async function gatedEngine(t: Test): Promise<{ abaco: Abaco; gate: { env: Record<string, string>; open: () => void } }> {
  const path = join(mkdtempSync(join(tmpdir(), 'abaco-gate-')), 'open');
  chmodSync(dirname(path), 0o755); // seen by the actor's user too
  t.teardown(() => rmSync(dirname(path), { recursive: true, force: true }));
  const gated = { ...images, 'test/gated': ['sh', '-c', 'while [ ! -e "$GATE" ]; do sleep 0.05; done; echo "done $MSG"'] };
  const abaco = await runningEngine(t, { runtime: new ProcessRuntime({ images: gated }) });
  return { abaco, gate: { env: { GATE: path }, open: () => writeFileSync(path, '') } };
}

t.test('a new image retires the old workers; messages queued meanwhile run on the new revision', async (t) => {
  const { abaco, gate } = await gatedEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/gated', stateless: false });
  const first = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'one' }, { env: gate.env });
  await eventually(async () => (await abaco.executions.get(alice, actor.id, first.execution.id)).execution.status === 'RUNNING');
  const queued = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'two words' });
  const oldWorker = (await abaco.workers.list(alice, actor.id)).workers[0]!;
  await abaco.actors.update(alice, actor.id, { image: 'abacosamples/wc' });
  gate.open();
  t.equal((await finished(abaco, alice, actor.id, first.execution.id)).status, 'COMPLETE', 'the running execution finishes on the old image');
  t.equal((await abaco.executions.logs(alice, actor.id, first.execution.id)).logs, 'done one\n');
  const second = await finished(abaco, alice, actor.id, queued.execution.id);
  t.equal((await abaco.executions.logs(alice, actor.id, queued.execution.id)).logs, 'Number of words is: 2\n', 'the queued message ran on the new image');
  t.not(second.workerId, oldWorker.id);
  await eventually(async () => (await abaco.workers.list(alice, actor.id)).workers.every((w) => w.revision === 2));
  t.pass('only workers of the new revision are left once the old one has finished');
});

t.test("a stop written on a busy worker's record (as another node writes it, the word over the bus lost) ends the worker after its execution", async (t) => {
  const { abaco, gate } = await gatedEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/gated' });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'x' }, { env: gate.env });
  await eventually(async () => (await abaco.executions.get(alice, actor.id, execution.id)).execution.status === 'RUNNING');
  const [worker] = (await abaco.workers.list(alice, actor.id)).workers;
  // @ts-expect-error the engine's private store
  const store: Store = abaco.ctx.store;
  await store.update<Worker>(keys.worker('TACC', actor.id, worker!.id), (w) => ({ ...w!, status: 'SHUTDOWN_REQUESTED' }));
  gate.open();
  t.equal((await finished(abaco, alice, actor.id, execution.id)).status, 'COMPLETE', 'its execution ends as usual');
  await eventually(async () => !(await abaco.workers.list(alice, actor.id)).workers.some((w) => w.id === worker!.id));
  t.pass('and the worker goes instead of taking the next message');
});

t.test('workers: list with upstream statuses, admins start more, stop one', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/wc' });
  const ready = await eventually(async () => {
    const { workers } = await abaco.workers.list(alice, actor.id);
    return workers.length === 1 && workers[0]!.status === 'READY' && workers[0]!;
  });
  t.match(ready, { actorId: actor.id, tenant: 'TACC', image: 'abacosamples/wc', location: 'process', revision: 1, chName: `worker_${ready.id}` });
  await t.rejects(abaco.workers.ensure(alice, actor.id, 3), { name: 'ForbiddenError', message: 'Not authorized -- only admins are authorized to update workers.' });
  t.match(await abaco.workers.ensure(admin, actor.id, 3), { before: 1, started: 2 });
  t.equal((await abaco.workers.list(alice, actor.id)).workers.length, 3);
  await t.rejects(abaco.workers.stop(bob, actor.id, ready.id), { name: 'ForbiddenError' });
  await abaco.workers.stop(alice, actor.id, ready.id);
  await eventually(async () => !(await abaco.workers.list(alice, actor.id)).workers.some((w) => w.id === ready.id));
  t.equal((await abaco.workers.list(alice, actor.id)).workers.length, 2);
  await t.rejects(abaco.workers.get(alice, actor.id, ready.id), { name: 'NotFoundError' });
});

t.test("a worker's record names the container of each execution it ran, and of a long one while it runs", async (t) => {
  const abaco = await runningEngine(t);
  const cid = async (actorId: string) => (await abaco.workers.list(alice, actorId)).workers[0]?.cid;
  const short = await abaco.actors.create(alice, { image: 'abacosamples/wc', stateless: false });
  const seen: (string | null | undefined)[] = [];
  for (const text of ['one', 'two']) {
    const { execution } = await abaco.messages.send(alice, short.id, { kind: 'str', text });
    await finished(abaco, alice, short.id, execution.id);
    seen.push(await eventually(async () => (await abaco.workers.list(alice, short.id)).workers[0]?.status === 'READY' && cid(short.id)));
  }
  t.match(seen, [/^process-\d+$/, /^process-\d+$/]);
  t.not(seen[1], seen[0], 'each execution has its own container');

  const long = await abaco.actors.create(alice, { image: 'test/sleep', stateless: false });
  const { execution } = await abaco.messages.send(alice, long.id, { kind: 'str', text: 'x' });
  const running = await eventually(async () => (await cid(long.id)) ?? undefined);
  t.match(running, /^process-\d+$/);
  t.equal((await abaco.executions.get(alice, long.id, execution.id)).execution.status, 'RUNNING', 'written while its execution runs');
});

t.test('state is injected at the start of each execution and carries over', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/env', stateless: false });
  const stateSeen = async () => {
    const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'x' });
    await finished(abaco, alice, actor.id, execution.id);
    return /^_abaco_actor_state=(.*)$/m.exec((await abaco.executions.logs(alice, actor.id, execution.id)).logs)?.[1];
  };
  t.equal(await stateSeen(), '{}');
  await abaco.state.set(alice, actor.id, { runs: 1 });
  t.equal(await stateSeen(), "{'runs': 1}");
  await abaco.state.modify(alice, actor.id, (s) => ({ runs: (s as { runs: number }).runs + 1 }));
  t.equal(await stateSeen(), "{'runs': 2}");
});

t.test('cron: the message runs on schedule, catches up once after a gap, and cronOn switches it', async (t) => {
  let now = new Date('2030-01-01T10:20:00Z').getTime();
  const abaco = await runningEngine(t, { now: () => new Date(now) });
  const actor = await abaco.actors.create(alice, { image: 'test/env', cronSchedule: 'now + 1 hour' });
  t.equal(actor.cronNextEx, '2030-1-1 10');
  t.same(await abaco.cron.tick(), [actor.id], 'due in the current hour');
  t.same(await abaco.cron.tick(), [], 'and only once');
  t.equal((await abaco.actors.get(alice, actor.id)).cronNextEx, '2030-1-1 11');
  const { executions } = await abaco.executions.list(alice, actor.id);
  t.equal(executions.length, 1);
  await finished(abaco, alice, actor.id, executions[0]!.id);
  t.match(executions[0], { executor: 'cron' });
  const logs = (await abaco.executions.logs(alice, actor.id, executions[0]!.id)).logs;
  t.match(logs, /^MSG=This is your cron execution$/m);
  t.match(logs, /^_abaco_Content_Type=str$/m);

  now += 4.5 * 3600_000; // 14:50, four slots missed
  t.same(await abaco.cron.tick(), [actor.id], 'runs once to catch up');
  t.equal((await abaco.actors.get(alice, actor.id)).cronNextEx, '2030-1-1 15', 'and moves to the next slot after now');
  await abaco.actors.update(alice, actor.id, { image: 'test/env', cronOn: false });
  now += 3600_000;
  t.same(await abaco.cron.tick(), [], 'off');
  await abaco.actors.update(alice, actor.id, { image: 'test/env', cronOn: true });
  t.same(await abaco.cron.tick(), [actor.id], 'back on');
  t.equal((await abaco.executions.list(alice, actor.id)).executions.length, 3);
});

t.test('events reach the linked actor (as a JSON message) and the webhook, in order', async (t) => {
  const posts: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      posts.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const abaco = await runningEngine(t);
  const listener = await abaco.actors.create(alice, { image: 'test/env' });
  await abaco.aliases.create(alice, { alias: 'listener', actorId: listener.id });
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/wc', link: 'listener', webhook });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'a b c' });
  await finished(abaco, alice, actor.id, execution.id);
  // the event is sent just after the execution is recorded COMPLETE
  await eventually(async () => (await abaco.drainEvents(), posts.length >= 2));
  t.same(posts.map((p) => p.event_type), ['ACTOR_READY', 'EXECUTION_COMPLETE']);
  t.match(posts[1], { tenant_id: 'TACC', actor_id: actor.id, actor_dbid: `TACC_${actor.id}`, execution_id: execution.id, status: 'COMPLETE', exit_code: 0, _abaco_link: 'listener', _abaco_webhook: webhook, _abaco_username: 'Abaco Event' });
  t.type(posts[1]!.event_time_utc, 'number');

  const delivered = await eventually(async () => {
    const { executions } = await abaco.executions.list(alice, listener.id);
    return executions.length === 2 && executions;
  });
  t.same(delivered.map((e) => e.executor), ['Abaco Event', 'Abaco Event']);
  const last = await finished(abaco, alice, listener.id, delivered[1]!.id);
  const logs = (await abaco.executions.logs(alice, listener.id, last.id)).logs;
  t.match(logs, /^_abaco_Content_Type=application\/json$/m);
  t.match(logs, /^_abaco_username=Abaco Event$/m);
  t.match(logs, new RegExp(`^MSG=\\{'tenant_id': 'TACC', 'event_type': 'EXECUTION_COMPLETE', .*'actor_id': '${actor.id}', .*'execution_id': '${execution.id}', 'status': 'COMPLETE', 'exit_code': 0\\}$`, 'm'), 'MSG is the event as Python prints a dict');
  const msg = JSON.parse(/^_abaco_raw_message=(.*)$/m.exec(logs)![1]!);
  t.match(msg, { event_type: 'EXECUTION_COMPLETE', execution_id: execution.id, actor_id: actor.id });
});

t.test('deleting an actor kills its running execution and removes its records', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/sleep' });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'z' });
  await eventually(async () => (await abaco.executions.get(alice, actor.id, execution.id)).execution.status === 'RUNNING');
  const before = Date.now();
  await abaco.actors.delete(alice, actor.id);
  t.ok(Date.now() - before < 5000, 'the delete did not wait for the 30 s sleep');
  await t.rejects(abaco.executions.list(alice, actor.id), { name: 'NotFoundError' });
});

t.test('the health check settles a lease whose worker is gone: the message runs', async (t) => {
  const abaco = await runningEngine(t, { settings: { healthCheckIntervalMs: 200 } });
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/wc', stateless: false });
  const first = await eventually(async () => (await abaco.workers.list(alice, actor.id)).workers[0]);
  await abaco.workers.stop(alice, actor.id, first.id);
  await eventually(async () => (await abaco.workers.list(alice, actor.id)).workers.length === 0);
  // A message leased by a worker that no longer exists, as if its loop had died holding it.
  // @ts-expect-error the private inbox and store
  const { inbox, store } = { inbox: abaco.parts.inbox as Inbox, store: abaco.ctx.store as Store };
  const execution: Execution = {
    id: 'ghostmessage1', tenant: 'TACC', actorId: actor.id, apiServer: '', executor: 'alice', workerId: null, status: 'SUBMITTED', statusMessage: '',
    messageReceivedTime: new Date().toISOString(), startTime: null, finishTime: null, runtime: 0, cpu: 0, io: 0, exitCode: null, finalState: null, contentType: 'str',
  };
  await inbox.push(actor.dbId, { executionId: execution.id, contentType: 'str', text: 'held by a ghost', binaryPath: null, env: {}, executor: 'alice', synchronous: false }, [
    { type: 'put', key: keys.execution('TACC', actor.id, execution.id), value: execution },
  ]);
  t.equal((await inbox.lease(actor.dbId, 'ghost-worker'))?.message.executionId, execution.id, 'the ghost holds the message');
  const done = await finished(abaco, alice, actor.id, execution.id);
  t.equal(done.status, 'COMPLETE');
  t.equal((await abaco.executions.logs(alice, actor.id, execution.id)).logs, 'Number of words is: 4\n');
});

t.test('a worker that leases a message whose execution another worker started (and lost its lease) ends it as ERROR, never dropping or running it', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/wc', stateless: false });
  await eventually(async () => (await abaco.workers.list(alice, actor.id)).workers[0]);
  // @ts-expect-error the private inbox
  const inbox = abaco.parts.inbox as Inbox;
  // As if a stalled worker had marked it RUNNING after its lease lapsed and went back to the queue.
  const execution: Execution = {
    id: 'startedelsewhere1', tenant: 'TACC', actorId: actor.id, apiServer: '', executor: 'alice', workerId: 'stalled-worker', status: 'RUNNING', statusMessage: '',
    messageReceivedTime: new Date().toISOString(), startTime: new Date().toISOString(), finishTime: null, runtime: 0, cpu: 0, io: 0, exitCode: null, finalState: null, contentType: 'str',
  };
  await inbox.push(actor.dbId, { executionId: execution.id, contentType: 'str', text: 'started elsewhere', binaryPath: null, env: {}, executor: 'alice', synchronous: false }, [
    { type: 'put', key: keys.execution('TACC', actor.id, execution.id), value: execution },
  ]);
  const done = await finished(abaco, alice, actor.id, execution.id);
  t.equal(done.status, 'ERROR');
  t.equal(done.statusMessage, 'the node running this execution was lost');
  t.equal((await abaco.executions.logs(alice, actor.id, execution.id)).logs, '', 'it did not run here');
  t.equal((await abaco.messages.count(alice, actor.id)).messages, 0);
});

t.test('a worker whose record is gone (the reaper settled it while its node stalled) ends after the execution it is running', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/slow', stateless: false });
  const worker = await eventually(async () => (await abaco.workers.list(alice, actor.id)).workers[0]);
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'x' });
  await eventually(async () => (await abaco.executions.get(alice, actor.id, execution.id)).execution.status === 'RUNNING');
  // @ts-expect-error the private store and pool
  const { store, pool } = { store: abaco.ctx.store as Store, pool: abaco.pool as { isAlive(id: string): boolean } };
  await store.batch([{ type: 'del', key: keys.worker('TACC', actor.id, worker.id) }]);
  t.equal((await finished(abaco, alice, actor.id, execution.id)).status, 'COMPLETE', 'the execution it held ends as it should');
  await eventually(async () => !pool.isAlive(worker.id));
  t.pass('then the worker stops instead of leasing more messages unrecorded');
});

t.test("the nodes' list counts the workers of the admin's own tenant only", async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/wc' });
  await eventually(async () => (await abaco.workers.list(alice, actor.id)).workers[0]);
  t.same((await abaco.nodes.list(admin)).map((n) => n.workers), [1], "its tenant's worker");
  t.same((await abaco.nodes.list(who('root', ['admin'], 'OTHER'))).map((n) => n.workers), [0], "another tenant's admin sees the node, not the worker");
});

t.test('placement: a node that is full has the next worker started on the node with the most room, which runs its messages; the placed worker stops through either node', async (t) => {
  const store = await LevelStore.memory();
  const bus = new MqemitterBus();
  // Two nodes on one store and one bus; the first closes both.
  const shared = <T extends object>(part: T): T => new Proxy(part, { get: (target, name) => (name === 'close' ? async () => {} : Reflect.get(target, name)) });
  const node = (nodeId: string, maxWorkersPerNode: number, isLeader: boolean, own: boolean) =>
    Abaco.open({
      store: own ? store : shared(store),
      bus: own ? bus : shared(bus),
      nodeId,
      cluster: { leadership: { isLeader, onChange: () => {}, close: async () => {} } },
      runtime: new ProcessRuntime({ images }),
      logger: pino({ level: 'silent' }),
      settings: { maxWorkersPerNode, autoscaleIntervalMs: 0, cronIntervalMs: 0, workerPollMs: 100 },
    });
  const roomy = await node('roomy', 4, false, false);
  const full = await node('full', 1, true, true);
  t.teardown(async () => {
    await roomy.close({ kill: true });
    await full.close({ kill: true });
  });
  const first = await full.actors.create(alice, { image: 'test/slow', stateless: false });
  const second = await full.actors.create(alice, { image: 'test/slow', stateless: false });
  const hosts = async (actorId: string) => (await full.workers.list(alice, actorId)).workers.map((w) => w.hostId);
  t.same(await hosts(first.id), ['full'], 'the first worker starts on the node that asked, which had room');
  t.same(await hosts(second.id), ['roomy'], 'the next goes to the other node: the first is full');
  const { execution } = await full.messages.send(alice, second.id, { kind: 'str', text: 'placed' });
  const ran = await finished(full, alice, second.id, execution.id);
  t.equal((await full.executions.logs(alice, second.id, execution.id)).logs, 'done placed\n', 'the placed worker runs the messages');
  t.equal(ran.workerId, (await full.workers.list(alice, second.id)).workers[0]!.id);
  await full.workers.stop(admin, second.id, ran.workerId!);
  await eventually(async () => (await hosts(second.id)).length === 0);
  t.pass('asked through the node that placed it, its node stopped it');
});
