import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import { pino } from 'pino';
import { Abaco } from '../src/engine/abaco.js';
import { StoreInbox } from '../src/inbox/store-inbox.js';
import type { Execution } from '../src/model/execution.js';
import type { ClusterNode } from '../src/model/node.js';
import type { Worker } from '../src/model/worker.js';
import { withIndex } from '../src/search/execution-index.js';
import { keys } from '../src/store/keys.js';
import { LevelStore } from '../src/store/level-store.js';
import type { Store } from '../src/store/store.js';
import { admin, alice } from './helpers.js';
import { eventually, images, runningEngine } from './pipeline-helpers.js';

t.test('the health check leaves running executions alone, and removes the spool files of purged messages once a minute old', async (t) => {
  const images = {
    'test/token-wait': ['sh', '-c', 'echo "$_abaco_access_token"; sleep 30'],
    'test/read': ['sh', '-c', 'if [ -e "$ABACO_ROOT/_abaco_binary_data" ]; then wc -c < "$ABACO_ROOT/_abaco_binary_data"; else sleep 30; fi'],
  };
  let now = Date.now();
  const abaco = await runningEngine(t, { runtime: new ProcessRuntime({ images }), now: () => new Date(now), settings: { healthCheckIntervalMs: 50 } });
  const waiting = await abaco.actors.create(alice, { image: 'test/token-wait', token: true, stateless: false });
  const { execution } = await abaco.messages.send(alice, waiting.id, { kind: 'str', text: 'x' });
  const token = await eventually(async () => (await abaco.executions.logs(alice, waiting.id, execution.id)).logs.trim());

  const reader = await abaco.actors.create(alice, { image: 'test/read', stateless: false });
  await abaco.messages.send(alice, reader.id, { kind: 'str', text: 'x' });
  await eventually(async () => (await abaco.messages.count(alice, reader.id)).messages === 0);
  const binary = await abaco.messages.send(alice, reader.id, { kind: 'binary', data: Buffer.from('12345') });
  // @ts-expect-error the private spool folder
  const spooled = join(abaco.parts.spoolDir as string, `${binary.execution.id}.bin`);
  t.ok(existsSync(spooled));
  t.equal((await abaco.messages.purge(alice, reader.id)).purged, 1);

  now = Date.now() + 61_000; // the file's age is read from its time on disk: a minute past the real clock
  await eventually(async () => !existsSync(spooled));
  t.pass('the purged message\'s file went once it was a minute old');
  now += 10 * 86_400_000;
  t.equal((await abaco.executions.get(alice, waiting.id, execution.id)).execution.status, 'RUNNING');
  t.equal((await abaco.executions.logs(alice, waiting.id, execution.id)).logs, `${token}\n`, 'the log of the running execution has no expiry yet');
  t.match(await abaco.nonces.redeem(token, waiting.id, 'UPDATE'), { user: 'alice' }, 'its access token is valid while it runs');
  await abaco.executions.halt(alice, waiting.id, execution.id);
  await eventually(async () => (await abaco.executions.get(alice, waiting.id, execution.id)).execution.status === 'COMPLETE');
  await t.rejects(abaco.nonces.redeem(token, waiting.id, 'UPDATE'), { message: 'Nonce does not exist.' });
});

t.test("the leader reaps a node whose heartbeat stopped: its unstarted message runs elsewhere, its started one ends as ERROR, its workers and record go, a live node's stay", async (t) => {
  const store = await LevelStore.memory();
  const leadership = (isLeader: boolean) => ({ isLeader, onChange: () => {}, close: async () => {} });
  const settings = { heartbeatIntervalMs: 100, autoscaleIntervalMs: 0, cronIntervalMs: 0, workerPollMs: 100 };
  const logger = pino({ level: 'silent' });
  // A node without a runtime takes the messages; the leader, opened later, runs them.
  const leftOpen = new Proxy(store, { get: (target, name: keyof Store) => (name === 'close' ? async () => {} : target[name]) });
  const intake = await Abaco.open({ store: leftOpen, nodeId: 'intake', cluster: { leadership: leadership(false) }, logger, settings });
  const stateful = await intake.actors.create(alice, { image: 'test/slow', stateless: false });
  const stateless = await intake.actors.create(alice, { image: 'test/slow' });
  const started = (await intake.messages.send(alice, stateful.id, { kind: 'str', text: 'started' })).execution.id;
  const waiting = (await intake.messages.send(alice, stateless.id, { kind: 'str', text: 'waiting' })).execution.id;

  // What node "gone" left when it died: its record, a worker per actor, each leasing a message; one had started.
  const inbox = new StoreInbox(store);
  const heartbeat = new Date(Date.now() - 60_000).toISOString();
  const ghost = (id: string, actorId: string): Worker => ({ id, tenant: 'TACC', actorId, status: 'BUSY', statusMessage: '', revision: 1, image: 'test/slow', location: 'process', cid: null, chName: `worker_${id}`, hostId: 'gone', hostIp: '127.0.0.1', createTime: heartbeat, lastExecutionTime: null, lastHealthCheckTime: null });
  await store.batch([
    { type: 'put', key: keys.node('gone'), value: { id: 'gone', started: heartbeat, heartbeat, capacity: 4, runtime: 'process', hostIp: '127.0.0.1', leader: false, incarnation: 'x' } satisfies ClusterNode },
    { type: 'put', key: keys.worker('TACC', stateful.id, 'ghost1'), value: ghost('ghost1', stateful.id) },
    { type: 'put', key: keys.worker('TACC', stateless.id, 'ghost2'), value: ghost('ghost2', stateless.id) },
  ]);
  const stale = (await inbox.lease(`TACC_${stateful.id}`, 'ghost1', { exclusive: true }))!;
  await inbox.lease(`TACC_${stateless.id}`, 'ghost2');
  const execKey = keys.execution('TACC', stateful.id, started);
  await store.update<Execution>(execKey, (e) => withIndex(e!, { ...e!, status: 'RUNNING', workerId: 'ghost1' }));

  const leader = await Abaco.open({ store, nodeId: 'leader', cluster: { leadership: leadership(true) }, runtime: new ProcessRuntime({ images }), logger, settings });
  t.teardown(async () => {
    await intake.close(); // the store stays open for the leader, which closes it
    await leader.close({ kill: true });
  });
  const execution = async (actorId: string, id: string) => (await leader.executions.get(alice, actorId, id)).execution;
  const lost = await eventually(async () => {
    const e = await execution(stateful.id, started);
    return e.status === 'ERROR' && e;
  });
  t.equal(lost.statusMessage, 'the node running this execution was lost', 'the started execution ends as ERROR, never rerun');
  await eventually(async () => (await execution(stateless.id, waiting)).status === 'COMPLETE');
  t.equal((await leader.executions.logs(alice, stateless.id, waiting)).logs, 'done waiting\n', 'the unstarted message ran on the leader');
  const ghosts = async () => [...(await leader.workers.list(alice, stateful.id)).workers, ...(await leader.workers.list(alice, stateless.id)).workers].filter((w) => w.hostId === 'gone');
  t.same(await ghosts(), [], "the lost node's workers are gone");
  t.same((await leader.nodes.list(admin)).map((n) => n.id).sort(), ['intake', 'leader'], 'and so is its record; the live nodes stay');

  await inbox.ack(`TACC_${stateful.id}`, stale, [{ type: 'put', key: execKey, value: { ...lost, status: 'COMPLETE' } }]);
  t.equal((await execution(stateful.id, started)).status, 'ERROR', "the lost worker's late ack changes nothing");
  const next = (await leader.messages.send(alice, stateful.id, { kind: 'str', text: 'next' })).execution.id;
  await eventually(async () => (await execution(stateful.id, next)).status === 'COMPLETE');
  t.pass('the stateful actor goes on, on a worker of the leader');
});

t.test('messages sent as their actor is deleted (written after the deletion cleared its executions) leave nothing once the health check has run: queued, leased, or with their record gone', async (t) => {
  const abaco = await runningEngine(t, { settings: { healthCheckIntervalMs: 1000 } });
  const actor = await abaco.actors.create(alice, { image: 'test/sleep', stateless: false });
  // @ts-expect-error the private parts: the sends' writes are held until the deletion is done
  const inbox = abaco.parts.inbox as StoreInbox;
  // @ts-expect-error the private context, to read and change the records themselves
  const store = abaco.ctx.store as Store;
  const push = inbox.push.bind(inbox);
  let reached!: () => void;
  let release!: () => void;
  const atPush = new Promise<void>((resolve) => (reached = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  inbox.push = async (...args) => {
    reached();
    await gate;
    return push(...args);
  };
  const sending = ['queued', 'leased', 'without its record'].map((text) => abaco.messages.send(alice, actor.id, { kind: 'str', text }));
  await atPush;
  await abaco.actors.delete(alice, actor.id);
  release();
  const ids = (await Promise.all(sending)).map(({ execution }) => execution.id);
  // (the health check may come first: then these find nothing to change, and what is checked below still holds)
  await inbox.lease(actor.dbId, 'a worker of another node', { ttlMs: 60_000 });
  await store.batch([{ type: 'del', key: keys.execution('TACC', actor.id, ids[2]!) }]);
  await eventually(async () => (await inbox.inboxes()).length === 0);
  for (const id of ids) t.equal(await store.get(keys.execution('TACC', actor.id, id)), undefined, `the record of ${id} is gone`);
  const entries: string[] = [];
  for (const prefix of [keys.executionsByStatus('TACC'), keys.executionsOfActorByStatus('TACC', actor.id)]) for await (const [key] of store.scan(prefix)) if (ids.some((id) => key.endsWith(id))) entries.push(key);
  t.same(entries, [], 'nor their entries in the search index');
  await eventually(async () => (await store.get(keys.tally(`executions/TACC/${actor.id}`))) === undefined);
  t.pass('nor does the tally stay');
});
