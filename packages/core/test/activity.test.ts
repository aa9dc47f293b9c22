import t, { type Test } from 'tap';
import { pino } from 'pino';
import { Abaco } from '../src/engine/abaco.js';
import { activityOps } from '../src/execution/activity.js';
import { logTopic } from '../src/execution/logs.js';
import type { Execution } from '../src/model/execution.js';
import { MqemitterBus } from '../src/bus/mqemitter-bus.js';
import { LevelStore } from '../src/store/level-store.js';
import { keys } from '../src/store/keys.js';
import { admin, alice, bob } from './helpers.js';

/** An engine over a store the test also writes, with a clock the test moves. */
async function setup(t: Test) {
  const store = await LevelStore.memory();
  const bus = new MqemitterBus();
  let now = Date.parse('2026-03-01T12:00:30Z');
  const abaco = await Abaco.open({ store, bus, now: () => new Date(now), logger: pino({ level: 'silent' }) });
  t.teardown(() => abaco.close());
  return { abaco, store, bus, later: (ms: number) => (now += ms), at: (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString() };
}

const execution = (actorId: string, fields: Partial<Execution>): Execution =>
  ({ id: 'E1', tenant: 'TACC', actorId, status: 'SUBMITTED', messageReceivedTime: '', startTime: null, finishTime: null, ...fields }) as Execution;

t.test('an execution counts once queued, once ended (by status, in its duration bucket), in the minutes it happened', async (t) => {
  const { abaco, store, at } = await setup(t);
  const actor = await abaco.actors.create(alice, { image: 'x' });
  const queued = execution(actor.id, { messageReceivedTime: at(10) });
  const running = { ...queued, status: 'RUNNING' as const, startTime: at(10) };
  const failed = { ...running, status: 'ERROR' as const, finishTime: new Date(Date.parse(at(10)) + 20_000).toISOString() };
  await store.batch(activityOps(undefined, queued));
  await store.batch(activityOps(queued, running));
  await store.batch(activityOps(running, failed));
  await store.batch(activityOps(failed, { ...failed, statusMessage: 'again' }));

  const activity = await abaco.activity.read(alice, { minutes: 60 });
  const [mine] = activity.actors;
  t.equal(mine!.queued[49], 1, 'queued in its minute (ten minutes ago)');
  t.equal(mine!.error[49], 1, 'ended ERROR in its minute, once, though written again after');
  t.same(mine!.complete, Array(60).fill(0));
  t.same(mine!.durations, [0, 0, 0, 1, 0, 0], 'its 20 s in the "<1m" bucket');
  t.same(activity.overall.durations, mine!.durations);
  t.same((await abaco.activity.read(bob, {})).actors, [], 'a stranger reads none of it');
});

t.test('minutes past keeping are swept; the minutes read are the last ones', async (t) => {
  const { abaco, store, later, at } = await setup(t);
  const actor = await abaco.actors.create(alice, { image: 'x' });
  await store.batch(activityOps(undefined, execution(actor.id, { messageReceivedTime: at(0) })));
  t.equal(await abaco.activity.sweep(), 0, 'nothing is due yet');
  later(61 * 60_000);
  t.same((await abaco.activity.read(alice, {})).overall.queued, Array(60).fill(0), 'an hour later it is out of the span');
  later(60 * 60_000);
  t.equal(await abaco.activity.sweep(), 2, "two hours later its tallies go (the actor's and the tenant's)");
  const left: string[] = [];
  for await (const [key] of store.scan(keys.tally(''))) left.push(key);
  t.same(left, []);
});

t.test('actors are read a page at a time; an admin\'s overall is the whole tenant\'s from its own tallies, anyone else\'s the page\'s', async (t) => {
  const { abaco, store, at } = await setup(t);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const actor = await abaco.actors.create(alice, { image: 'x' });
    ids.push(actor.id);
    await store.batch(activityOps(undefined, execution(actor.id, { id: `E${i}`, messageReceivedTime: at(1) })));
  }
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const first = await abaco.activity.read(admin, { limit: 2 });
  t.same(first.page, { skip: 0, limit: 2, total: 3 });
  t.equal(first.actors.length, 2, 'a page of the actors');
  t.match(first.overall, { covers: 'tenant' });
  t.equal(sum(first.overall.queued), 3, "the admin's overall counts every actor, listed or not");
  const rest = await abaco.activity.read(admin, { limit: 2, skip: 2 });
  t.same([...first.actors, ...rest.actors].map((a) => a.id).sort(), [...ids].sort(), 'the pages together list each actor once');
  const mine = await abaco.activity.read(alice, { limit: '1', skip: '1' });
  t.match(mine, { page: { skip: 1, limit: 1, total: 3 }, overall: { covers: 'page' } });
  t.equal(sum(mine.overall.queued), 1, "a user's overall is the sum over the page");
  t.same(mine.actors.map((a) => a.id), [first.actors[1]!.id]);
  await t.rejects(abaco.activity.read(alice, { limit: 201 }), { message: 'limit must be an integer from 1 to 200.' });
  await t.rejects(abaco.activity.read(alice, { skip: '-1' }), { message: 'skip must be an integer of 0 or more.' });
});

t.test('a follower catches up from the store on a notification that shows a gap, and on check', async (t) => {
  const { abaco, store, bus } = await setup(t);
  const actor = await abaco.actors.create(alice, { image: 'x' });
  const dbId = `TACC_${actor.id}`;
  const key = keys.log('TACC', actor.id, 'E1');
  await store.batch([
    { type: 'put', key: keys.execution('TACC', actor.id, 'E1'), value: execution(actor.id, { status: 'RUNNING' }) },
    { type: 'put', key, value: { logs: '', expiresAt: null } },
    { type: 'put', key: keys.logChunk(key, 0), value: 'one\n' },
  ]);
  const got: string[] = [];
  const following = await abaco.logFollower.follow(alice, actor.id, 'E1', (e) => got.push(e.type === 'log' ? e.text : e.type === 'end' ? `end ${e.execution.status}` : 'gone'));
  t.same(got, ['one\n'], 'the log so far');
  // Chunk 1 is written but its notification is lost; chunk 2's shows the gap.
  await store.batch([{ type: 'put', key: keys.logChunk(key, 1), value: 'two\n' }, { type: 'put', key: keys.logChunk(key, 2), value: 'three\n' }]);
  await bus.publish(logTopic(dbId, 'E1'), { offset: 8, length: 6, text: 'three\n' });
  await following.check();
  t.same(got, ['one\n', 'two\nthree\n'], 'what was missed is read from the store, each piece once');
  await bus.publish(logTopic(dbId, 'E1'), { offset: 8, length: 6, text: 'three\n' });
  await store.batch([{ type: 'put', key: keys.execution('TACC', actor.id, 'E1'), value: execution(actor.id, { status: 'COMPLETE' }) }, { type: 'put', key, value: { logs: 'one\ntwo\nthree\nfour\n', expiresAt: '2099-01-01T00:00:00.000Z' } }]);
  await following.check();
  t.same(got, ['one\n', 'two\nthree\n', 'four\n', 'end COMPLETE'], 'a repeated notification adds nothing; the end comes with the rest of the log');
  await t.rejects(abaco.logFollower.follow(bob, actor.id, 'E1', () => {}), { message: /not authorized/i }, 'following asks READ, as reading the log does');
});
