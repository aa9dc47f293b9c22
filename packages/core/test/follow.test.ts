import t, { type Test } from 'tap';
import { pino } from 'pino';
import { Abaco } from '../src/engine/abaco.js';
import type { FollowEvent } from '../src/execution/log-follow.js';
import type { Execution } from '../src/model/execution.js';
import type { Bus } from '../src/bus/bus.js';
import { MqemitterBus } from '../src/bus/mqemitter-bus.js';
import { LevelStore } from '../src/store/level-store.js';
import { keys } from '../src/store/keys.js';
import { alice, bob } from './helpers.js';

/** A bus that counts the subscriptions open on log topics, and can be told to refuse those on `finished/` topics. */
class WatchedBus extends MqemitterBus {
  logSubscriptions = 0;
  refuseFinished = false;
  override async subscribe(topic: string, handler: (payload: unknown) => void): ReturnType<Bus['subscribe']> {
    if (this.refuseFinished && topic.startsWith('finished/')) throw new Error('the bus is down');
    const off = await super.subscribe(topic, handler);
    if (!topic.startsWith('logs/')) return off;
    this.logSubscriptions++;
    return async () => {
      this.logSubscriptions--;
      await off();
    };
  }
}

/** An engine over a store the test writes, with one RUNNING execution E1 of an actor of alice's. */
async function setup(t: Test) {
  const store = await LevelStore.memory();
  const bus = new WatchedBus();
  const abaco = await Abaco.open({ store, bus, logger: pino({ level: 'silent' }), settings: { autoscaleIntervalMs: 0, cronIntervalMs: 0 } });
  t.teardown(() => abaco.close());
  const actor = await abaco.actors.create(alice, { image: 'x', minWorkers: 0 });
  const execution = { id: 'E1', tenant: 'TACC', actorId: actor.id, status: 'RUNNING', messageReceivedTime: '', startTime: null, finishTime: null } as unknown as Execution;
  await store.batch([{ type: 'put', key: keys.execution('TACC', actor.id, 'E1'), value: execution }]);
  const follow = async (who = alice) => {
    const got: FollowEvent[] = [];
    const following = await abaco.logFollower.follow(who, actor.id, 'E1', (e) => got.push(e));
    return { got, following };
  };
  return { abaco, bus, actor, follow };
}

t.test('a follower whose READ is withdrawn is told so on the next check, and the following stops', async (t) => {
  const { abaco, bus, actor, follow } = await setup(t);
  await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'bob', level: 'READ' });
  const { got, following } = await follow(bob);
  await following.check();
  t.same(got, [], 'while bob may read, nothing ends');
  await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'bob', level: 'NONE' });
  await following.check();
  t.match(got, [{ type: 'gone', error: { name: 'ForbiddenError', message: /not authorized/i } }], 'the refusal a read now gets');
  t.equal(bus.logSubscriptions, 0, 'its subscriptions are gone');
});

t.test('a follower by nonce is told the nonce is gone once it is deleted', async (t) => {
  const { abaco, actor, follow } = await setup(t);
  const nonce = await abaco.nonces.create(alice, { actor: actor.id }, { level: 'READ' });
  const byNonce = await abaco.nonces.redeem(nonce.id, actor.id, 'READ');
  const { got, following } = await follow(byNonce);
  await following.check();
  t.same(got, []);
  await abaco.nonces.delete(alice, { actor: actor.id }, nonce.id);
  await following.check();
  t.match(got, [{ type: 'gone', error: { name: 'UnauthenticatedError', message: 'Nonce does not exist.' } }]);
});

t.test('a follower of an execution whose actor is deleted is told it is gone', async (t) => {
  const { abaco, bus, actor, follow } = await setup(t);
  const { got, following } = await follow();
  await abaco.actors.delete(alice, actor.id);
  await following.check();
  t.match(got, [{ type: 'gone', error: { name: 'NotFoundError' } }], 'not heartbeats forever');
  t.equal(bus.logSubscriptions, 0);
});

t.test('when the bus refuses the second subscription, the first is released', async (t) => {
  const { bus, follow } = await setup(t);
  bus.refuseFinished = true;
  await t.rejects(follow(), { message: 'the bus is down' });
  t.equal(bus.logSubscriptions, 0, 'no subscription left behind');
});
