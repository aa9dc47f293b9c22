import { Abaco, ProcessRuntime } from '@abaco/core';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { buildServer } from '../src/server.js';
import { MAX_STREAMS_PER_IDENTITY } from '../src/log-stream.js';

const images = {
  'test/lines': ['sh', '-c', 'echo one; sleep 0.5; echo two; sleep 0.5; echo three'],
  'test/sleep': ['sh', '-c', 'echo started; sleep 60'],
};
const tokens = {
  'alice-token': { user: 'alice', tenant: 'TACC', roles: ['user' as const] },
  'sam-token': { user: 'sam', tenant: 'TACC', roles: ['user' as const] },
};

/** A listening server whose engine runs actors as processes. */
async function serve(t: Test) {
  const abaco = await Abaco.open({ runtime: new ProcessRuntime({ images }), logger: pino({ level: 'error' }), settings: { autoscaleIntervalMs: 0, cronIntervalMs: 0, workerPollMs: 100 } });
  const app = await buildServer(abaco, { tokens });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await abaco.close({ kill: true });
  });
  const call = async (method: string, path: string, token = 'alice-token', body?: unknown) => {
    const response = await fetch(`${url}/actors/v2${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: response.status, ...((await response.json()) as { message: string; result: any }) };
  };
  const run = async (image: string) => {
    const actor = (await call('POST', '', 'alice-token', { image })).result;
    const sent = (await call('POST', `/${actor.id}/messages`, 'alice-token', { message: 'x' })).result;
    return { actorId: actor.id as string, executionId: sent.execution_id as string };
  };
  return { url, call, run };
}

/** Reads a server-sent event stream to its end: its events in order (comments left out). */
async function events(response: Response): Promise<{ event: string; data: any }[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [event, data] = block.split('\n');
      return { event: event!.slice('event: '.length), data: JSON.parse(data!.slice('data: '.length)) };
    });
}

t.test('follow=true streams the log as it is written, then the end with the final status', async (t) => {
  const { url, run } = await serve(t);
  const { actorId, executionId } = await run('test/lines');
  const response = await fetch(`${url}/actors/v2/${actorId}/executions/${executionId}/logs?follow=true`, { headers: { authorization: 'Bearer alice-token' } });
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /^text\/event-stream/);
  const got = await events(response);
  const logs = got.filter((e) => e.event === 'log');
  t.equal(logs.map((e) => e.data.text).join(''), 'one\ntwo\nthree\n', 'the whole log, each piece once, in order');
  t.ok(logs.length >= 2, `it came in pieces as it was written (${logs.length})`);
  t.match(got.at(-1), { event: 'end', data: { execution: { id: executionId, status: 'COMPLETE' } } }, 'the last event is the end, with the execution');
});

t.test('following a finished execution gives its log and the end at once', async (t) => {
  const { url, call, run } = await serve(t);
  const { actorId, executionId } = await run('test/lines');
  while ((await call('GET', `/${actorId}/executions/${executionId}`)).result.status !== 'COMPLETE') await new Promise((r) => setTimeout(r, 100));
  const got = await events(await fetch(`${url}/actors/v2/${actorId}/executions/${executionId}/logs?follow=true`, { headers: { authorization: 'Bearer alice-token' } }));
  t.same(got.map((e) => e.event), ['log', 'end']);
  t.equal(got[0]!.data.text, 'one\ntwo\nthree\n');
});

t.test('a log stream asks what reading the log asks: a stranger is refused, a nonce of the actor is let in', async (t) => {
  const { url, call, run } = await serve(t);
  const { actorId, executionId } = await run('test/lines');
  const path = `${url}/actors/v2/${actorId}/executions/${executionId}/logs?follow=true`;
  const stranger = await fetch(path, { headers: { authorization: 'Bearer sam-token' } });
  t.equal(stranger.status, 403);
  t.match(await stranger.json(), { status: 'error', message: /not authorized/i }, 'a JSON refusal, not a stream');
  t.equal((await fetch(path)).status, 401, 'no identity: refused');
  const nonce = (await call('POST', `/${actorId}/nonces`, 'alice-token', { level: 'READ' })).result.id;
  const withNonce = await fetch(`${path}&x-nonce=${nonce}`);
  t.equal(withNonce.status, 200);
  t.match((await events(withNonce)).at(-1), { event: 'end' }, 'a READ nonce of the actor follows it');
});

t.test('each identity holds a bounded number of streams; one closed makes room again', async (t) => {
  const { url, run } = await serve(t);
  const { actorId, executionId } = await run('test/sleep');
  const path = `${url}/actors/v2/${actorId}/executions/${executionId}/logs?follow=true`;
  const open = () => {
    const stop = new AbortController();
    return { stop, response: fetch(path, { headers: { authorization: 'Bearer alice-token' }, signal: stop.signal }) };
  };
  const streams = Array.from({ length: MAX_STREAMS_PER_IDENTITY }, open);
  for (const s of streams) t.equal((await s.response).status, 200);
  const refused = await fetch(path, { headers: { authorization: 'Bearer alice-token' } });
  t.equal(refused.status, 429);
  t.match(((await refused.json()) as { message: string }).message, new RegExp(`at most ${MAX_STREAMS_PER_IDENTITY}`), 'the refusal says the limit');
  t.equal((await fetch(path.replace('follow=true', ''), { headers: { authorization: 'Bearer alice-token' } })).status, 200, 'reading the log without following still works');
  streams[0]!.stop.abort();
  let again = await fetch(path, { headers: { authorization: 'Bearer alice-token' } });
  while (again.status === 429) {
    await again.text();
    await new Promise((resolve) => setTimeout(resolve, 50));
    again = await fetch(path, { headers: { authorization: 'Bearer alice-token' } });
  }
  t.equal(again.status, 200, 'a stream closed by its client frees its place');
  await again.body?.cancel();
  for (const s of streams.slice(1)) s.stop.abort();
});
