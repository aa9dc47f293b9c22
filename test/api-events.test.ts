import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { finishedOverHttp, startApi } from './api-helpers.js';
import { until } from './serve-helpers.js';

t.test('events reach a webhook; cron registration; metrics', async (t) => {
  const events: { event_type: string; execution_id?: string }[] = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => (events.push(JSON.parse(body)), res.end()));
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  t.teardown(() => hook.close());
  const api = await startApi(t);
  const webhook = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/events`;

  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc', webhook } })).json!.result;
  const sent = await api.call('POST', `/actors/v2/${actor.id}/messages`, { as: 'alice', form: { message: 'x y' } });
  await finishedOverHttp(api, actor.id, sent.json!.result.execution_id);
  // the event is sent just after the execution is recorded COMPLETE
  await until('the execution\'s event', async () => (await api.abaco.drainEvents(), events.length >= 2));
  t.same(events.map((e) => e.event_type), ['ACTOR_READY', 'EXECUTION_COMPLETE']);
  t.equal(events[1]!.execution_id, sent.json!.result.execution_id);

  const cron = await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc', cronSchedule: '2099-12-31 23 + 3 days' } });
  t.match(cron.json!.result, { cron_schedule: '2099-12-31 23 + 3 days', cron_on: true, cron_next_ex: '2099-12-31 23' });
  const off = await api.call('PUT', `/actors/v2/${cron.json!.result.id}`, { as: 'alice', json: { image: 'abacosamples/wc', cronOn: 'False' } });
  t.match(off.json!.result, { cron_on: false, cron_schedule: '2099-12-31 23 + 3 days' });
  const past = await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc', cronSchedule: '1955-11-05 06 + 1 hour' } });
  t.match(past, { status: 400, json: { message: /^The starting datetime is old. The current UTC time is / } });

  const metrics = await api.call('GET', '/metrics');
  t.equal(metrics.status, 200);
  t.match(metrics.headers['content-type'], /text\/plain/);
  t.match(metrics.text, /abaco_http_requests_total\{method="POST",route="\/actors\/v2",status="201"\} 2/);
  t.match(metrics.text, /abaco_http_request_duration_seconds_count\{method="POST",route="\/actors\/v2\/:actorId\/messages"\} 1/);
  t.match(metrics.text, new RegExp(`abaco_actor_queue_length\\{actor="TACC_${actor.id}"\\} 0`));
  t.match(metrics.text, /abaco_executions\{status="COMPLETE"\} 1/);
  t.match(metrics.text, /abaco_workers\{status="READY"\} \d/);
});

t.test('camelCase output by one server setting', async (t) => {
  const api = await startApi(t, { server: { casing: 'camel' } });
  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc', default_environment: { a: '1' } } })).json!.result;
  t.match(actor, { defaultEnvironment: { a: '1' }, useContainerUid: false, statusMessage: '' });
  t.notOk('default_environment' in actor);
  const sent = await api.call('POST', `/actors/${actor.id}/messages`, { as: 'alice', form: { message: 'x' } });
  t.type(sent.json!.result.executionId, 'string');
  const workers = await api.call('GET', `/actors/${actor.id}/workers`, { as: 'alice' });
  t.match(workers.json!.result[0], { tenant: 'TACC', actorId: actor.id }, 'workers keep their tenant, as upstream');
  const utilization = await api.call('GET', '/actors/v2/utilization', { as: 'alice' });
  t.match(utilization.json!.result, { currentActors: Number, totalActors: 1, workers: Number, commandQueue: 0 });
});

t.test('operators: a cron pass on demand and the admin dashboard, for admins', async (t) => {
  const api = await startApi(t);
  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc', cronSchedule: 'now + 1 day', name: '<b>bold</b>' } })).json!.result;
  t.equal((await api.call('GET', '/cron', { as: 'alice' })).status, 403);
  const pass = await api.call('GET', '/cron', { as: 'root' });
  t.match(pass.json, { message: 'Cron pass done: 1 actor(s) got their cron message.', result: { actor_ids: [actor.id] } });
  t.equal((await api.call('GET', `/actors/v2/${actor.id}/executions`, { as: 'alice' })).json!.result.total_executions, 1);
  t.equal((await api.call('GET', '/admin/dashboard', { as: 'alice' })).status, 403);
  const dashboard = await api.call('GET', '/admin/dashboard', { as: 'root' });
  t.match(dashboard.headers['content-type'], /text\/html/);
  t.match(dashboard.text, new RegExp(`<td>${actor.id}</td>`));
  t.match(dashboard.text, /&#60;b&#62;bold&#60;\/b&#62;/, 'names are escaped');
});
