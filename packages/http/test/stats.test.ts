import { Abaco, ProcessRuntime } from '@abaco/core';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { buildServer } from '../src/server.js';

const tokens = {
  'alice-token': { user: 'alice', tenant: 'TACC', roles: ['user' as const] },
  'bob-token': { user: 'bob', tenant: 'TACC', roles: ['user' as const] },
  'root-token': { user: 'root', tenant: 'TACC', roles: ['admin' as const] },
};

/** A server whose engine runs actors as processes, called in process. */
async function serve(t: Test) {
  const images = { 'test/ok': ['sh', '-c', 'echo ok'], 'test/fail': ['sh', '-c', 'exit 3'] };
  const abaco = await Abaco.open({ runtime: new ProcessRuntime({ images }), logger: pino({ level: 'error' }), settings: { autoscaleIntervalMs: 0, cronIntervalMs: 0, workerPollMs: 100 } });
  const app = await buildServer(abaco, { tokens });
  t.teardown(async () => {
    await app.close();
    await abaco.close({ kill: true });
  });
  return async (as: 'alice' | 'bob' | 'root' | null, url: string, method: 'GET' | 'POST' = 'GET', payload?: object) => {
    const response = await app.inject({ method, url: `/actors/v2${url}`, headers: as ? { authorization: `Bearer ${as}-token` } : {}, payload });
    const { message, result } = response.json() as { message: string; result: any };
    return { status: response.statusCode, message, result };
  };
}

t.test('stats count messages, executions by status and durations per minute, per actor and overall, from tallies written with the records', async (t) => {
  const call = await serve(t);
  const ok = (await call('alice', '', 'POST', { image: 'test/ok', name: 'ok' })).result.id;
  const fail = (await call('alice', '', 'POST', { image: 'test/fail', name: 'fail' })).result.id;
  const ids: [string, string][] = [];
  for (const actor of [ok, ok, fail]) ids.push([actor, (await call('alice', `/${actor}/messages`, 'POST', { message: 'x' })).result.execution_id]);
  for (const [actor, id] of ids) while (!['COMPLETE', 'ERROR'].includes((await call('alice', `/${actor}/executions/${id}`)).result.status)) await new Promise((r) => setTimeout(r, 50));

  const { status, result } = await call('alice', '/stats?minutes=5');
  t.equal(status, 200);
  t.equal(result.minutes, 5);
  t.equal(result.overall.queued.length, 5, 'one figure per minute');
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  t.equal(sum(result.overall.queued), 3, 'three messages queued');
  t.equal(sum(result.overall.complete), 3, 'three executions ended (a container that exits non-zero ends COMPLETE, as upstream)');
  t.equal(sum(result.overall.durations), 3, 'each ended execution is in one duration bucket');
  t.equal(result.duration_buckets.length, result.overall.durations.length);
  const byId = Object.fromEntries(result.actors.map((a: { id: string }) => [a.id, a]));
  t.equal(sum(byId[ok].complete), 2, 'per actor');
  t.equal(sum(byId[fail].queued), 1);
  t.match(byId[ok], { name: 'ok', messages: 0, workers: Object }, 'with its queue and workers now');
  t.notOk('utilization' in result, 'utilization and nodes are for admins');

  const one = await call('alice', `/stats?actor=${fail}`);
  t.same(one.result.actors.map((a: { id: string }) => a.id), [fail], 'actor= gives that actor alone');
  t.equal(one.result.minutes, 60, 'the last hour by default');
});

t.test('stats show only what the caller may read; admins get the utilization and nodes', async (t) => {
  const call = await serve(t);
  const actor = (await call('alice', '', 'POST', { image: 'test/ok' })).result.id;
  await call('alice', `/${actor}/messages`, 'POST', { message: 'x' });

  const bob = await call('bob', '/stats');
  t.same(bob.result.actors, [], "a stranger sees no actor of alice's");
  t.equal(bob.result.overall.queued.reduce((a: number, b: number) => a + b, 0), 0, 'and none of its activity overall');
  t.match(await call('bob', `/stats?actor=${actor}`), { status: 403, message: /not authorized/i }, "asking for alice's actor by id is refused");
  await call('alice', `/${actor}/permissions`, 'POST', { user: 'bob', level: 'READ' });
  t.same((await call('bob', '/stats')).result.actors.map((a: { id: string }) => a.id), [actor], 'once shared with, bob sees it');

  const root = await call('root', '/stats');
  t.same(root.result.actors.map((a: { id: string }) => a.id), [actor], 'an admin sees every actor of the tenant');
  t.match(root.result, { utilization: { totalActors: 1 }, nodes: [{ leader: true }] }, 'with the utilization and the nodes');
  t.equal((await call(null, '/stats')).status, 401, 'no identity: refused');
  const nonce = (await call('alice', `/${actor}/nonces`, 'POST', { level: 'READ' })).result.id;
  t.match(await call(null, `/stats?x-nonce=${nonce}`), { status: 403, message: /a nonce cannot be used/ }, 'a nonce cannot read stats');
});

t.test('bad input on stats is a 400 naming the parameter and the rule', async (t) => {
  const call = await serve(t);
  for (const minutes of ['0', '61', 'abc', '1.5']) t.match(await call('alice', `/stats?minutes=${minutes}`), { status: 400, message: 'minutes must be an integer from 1 to 60.' }, `minutes=${minutes}`);
  t.match(await call('alice', '/stats?actor=a&actor=b'), { status: 400, message: /actor must be one/ });
  t.match(await call('alice', '/stats?actor=nope'), { status: 404 });
  for (const limit of ['0', '201', 'x', '1&limit=2']) t.match(await call('alice', `/stats?limit=${limit}`), { status: 400, message: 'limit must be an integer from 1 to 200.' }, `limit=${limit}`);
  for (const skip of ['-1', 'x']) t.match(await call('alice', `/stats?skip=${skip}`), { status: 400, message: 'skip must be an integer of 0 or more.' }, `skip=${skip}`);
});

t.test('stats list the actors a page at a time (50 by default), with the total; an admin\'s overall covers the tenant', async (t) => {
  const call = await serve(t);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await call('alice', '', 'POST', { image: 'test/ok', minWorkers: 0 })).result.id);
  await call('alice', `/${ids[0]}/messages`, 'POST', { message: 'x' });
  const all = await call('alice', '/stats?minutes=1');
  t.match(all.result, { page: { skip: 0, limit: 50, total: 3 }, overall: { covers: 'page' } });
  const page = await call('alice', '/stats?minutes=1&limit=2&skip=2');
  t.match(page.result, { page: { skip: 2, limit: 2, total: 3 } });
  t.equal(page.result.actors.length, 1, 'the last page holds what is left');
  const root = await call('root', '/stats?minutes=2&limit=1&skip=2'); // two minutes: the message's minute, even if the clock turned since
  t.match(root.result, { page: { total: 3 }, overall: { covers: 'tenant' } });
  t.equal(root.result.overall.queued.reduce((a: number, b: number) => a + b, 0), 1, 'the message counts in the overall of the tenant whichever actors are listed');
});
