import t, { type Test } from 'tap';
import { pino } from 'pino';
import { Abaco, identity, ProcessRuntime, type AbacoOptions, type Worker } from '@abaco/core';
import { PostgresBus, PostgresDatabase, PostgresInbox, PostgresLeadership, PostgresStore } from '../src/index.js';
import { freshSchema, url, withPostgres } from './postgres.js';

const root = identity('root', 'TACC', ['admin']);
const logger = pino({ level: 'silent' });

/** Waits until `check` answers something truthy (every 50 ms, up to 20 s), and returns it. */
async function until<T>(check: () => Promise<T | false | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const answer = await check();
    if (answer) return answer;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

/** An engine as a node of the cluster on `schema`, closed when the test ends. */
async function node(t: Test, schema: string, nodeId: string, options: AbacoOptions = {}): Promise<Abaco> {
  const db = await PostgresDatabase.connect(url!, { schema });
  const leadership = await PostgresLeadership.start(db, { nodeId });
  const abaco = await Abaco.open({ store: new PostgresStore(db, true), inbox: new PostgresInbox(db), bus: await PostgresBus.listen(db), nodeId, cluster: { leadership }, logger, ...options });
  t.teardown(() => abaco.close({ kill: true }));
  return abaco;
}

await withPostgres('engines as nodes on PostgreSQL', () => {
  t.test("a node starting settles what its own dead workers leased, and leaves other nodes' workers and leases alone", async (t) => {
    const schema = freshSchema();
    // A node without a runtime accepts messages and runs nothing.
    const intake = await node(t, schema, 'intake');
    const actor = await intake.actors.create(root, { image: 'test/echo' });
    const [first, second] = [await intake.messages.send(root, actor.id, { kind: 'str', text: 'one' }), await intake.messages.send(root, actor.id, { kind: 'str', text: 'two' })];
    // What nodes a and b left when they died: a worker record each, each leasing a message.
    const db = await PostgresDatabase.connect(url!, { schema });
    t.teardown(() => db.close());
    const [store, inbox] = [new PostgresStore(db), new PostgresInbox(db)];
    const dbId = `TACC_${actor.id}`;
    const ghost = (id: string, hostId: string): Worker => ({ id, tenant: 'TACC', actorId: actor.id, status: 'BUSY', statusMessage: '', revision: 1, image: 'test/echo', location: 'process', cid: null, chName: `worker_${id}`, hostId, hostIp: '127.0.0.1', createTime: new Date().toISOString(), lastExecutionTime: null, lastHealthCheckTime: null });
    await store.batch(['GhostOfNodeA1', 'GhostOfNodeB1'].map((id, i) => ({ type: 'put', key: `w/TACC/${actor.id}/${id}`, value: ghost(id, ['a', 'b'][i]!) })));
    t.equal((await inbox.lease(dbId, 'GhostOfNodeA1'))?.message.executionId, first.execution.id);
    t.equal((await inbox.lease(dbId, 'GhostOfNodeB1'))?.message.executionId, second.execution.id);

    const b = await node(t, schema, 'b', { runtime: new ProcessRuntime({ images: { 'test/echo': ['sh', '-c', 'echo ran $MSG'] } }), settings: { healthCheckIntervalMs: 50, workerPollMs: 50 } });
    const ghosts = async () => (await b.workers.list(root, actor.id)).workers.filter((w) => w.id.startsWith('Ghost')).map((w) => w.id);
    t.same(await ghosts(), ['GhostOfNodeA1'], "node b's start removed its own dead worker's record, not node a's");
    t.same((await inbox.leases(dbId)).map((lease) => lease.holder), ['GhostOfNodeA1'], "and put back the message its worker leased, not node a's");
    t.equal(await inbox.length(dbId), 1);
    await b.workers.ensure(root, actor.id, 2); // node a's dead worker still counts as the actor's: the reaper's work, not yet done
    const status = async (executionId: string) => (await b.executions.get(root, actor.id, executionId)).execution.status;
    await until(async () => (await status(second.execution.id)) === 'COMPLETE');
    t.equal((await b.executions.logs(root, actor.id, second.execution.id)).logs, 'ran two\n', 'the message put back ran on node b');
    await new Promise((r) => setTimeout(r, 500)); // health passes of node b
    t.equal(await status(first.execution.id), 'SUBMITTED', "the message node a's worker leased is node a's to settle");
    t.same((await inbox.leases(dbId)).map((lease) => lease.holder), ['GhostOfNodeA1'], 'its lease is untouched');
    t.same(await ghosts(), ['GhostOfNodeA1'], "and so is node a's worker");
    t.ok((await b.workers.list(root, actor.id)).workers.filter((w) => !w.id.startsWith('Ghost')).every((w) => w.hostId === 'b'), "node b's new worker names it");
  });

  t.test('messages sent to two nodes at once start one worker for each stateful actor, on either node; a worker of one node is stopped through another', async (t) => {
    const schema = freshSchema();
    const intake = await node(t, schema, 'intake');
    const actors = await Promise.all(Array.from({ length: 8 }, () => intake.actors.create(root, { image: 'test/echo', stateless: false })));
    const runtime = () => new ProcessRuntime({ images: { 'test/echo': ['sh', '-c', 'echo ran $MSG'] } });
    const [a, b] = [await node(t, schema, 'a', { runtime: runtime() }), await node(t, schema, 'b', { runtime: runtime() })];
    const sent = await Promise.all(actors.flatMap((actor) => [a, b].map(async (n) => ({ actor, ...(await n.messages.send(root, actor.id, { kind: 'str', text: 'm' })) }))));
    const workers = await Promise.all(actors.map(async (actor) => (await a.workers.list(root, actor.id)).workers));
    t.same(workers.map((list) => list.length), actors.map(() => 1), 'one worker each');
    for (const { actor, execution } of sent) await until(async () => (await a.executions.get(root, actor.id, execution.id)).execution.status === 'COMPLETE');

    const [actor, [worker]] = [actors[0]!, workers[0]!];
    const [owner, other] = worker!.hostId === 'a' ? [a, b] : [b, a];
    await other.workers.stop(root, actor.id, worker!.id);
    await until(async () => (await owner.workers.list(root, actor.id)).workers.length === 0);
    t.pass('the node that runs the worker stopped it, and removed its record, when another node was asked to');
    const { execution } = await other.messages.send(root, actor.id, { kind: 'str', text: 'after' });
    const ran = await until(async () => {
      const e = (await owner.executions.get(root, actor.id, execution.id)).execution;
      return e.status === 'COMPLETE' && e;
    });
    t.not(ran.workerId, worker!.id, 'the stopped worker ran no more messages');
  });
});
