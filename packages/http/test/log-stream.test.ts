import { Abaco, ProcessRuntime } from '@abaco/core';
import { request } from 'node:http';
import { connect } from 'node:net';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { buildServer } from '../src/server.js';
import { MAX_BUFFERED_BYTES, MAX_STREAMS_PER_IDENTITY } from '../src/log-stream.js';

const images = {
  'test/lines': ['sh', '-c', 'echo one; sleep 1.5; echo two; sleep 1.5; echo three'],
  'test/sleep': ['sh', '-c', 'echo started; sleep 60'],
  // 4,000,000 control characters in pieces: 24 MB of JSON (\u0001...) in the events, more than the sockets' buffers hold.
  'test/flood': ['sh', '-c', 'for i in $(seq 1 40); do head -c 100000 /dev/zero | tr "\\0" "\\1"; sleep 0.05; done'],
};
const tokens = {
  'alice-token': { user: 'alice', tenant: 'TACC', roles: ['user' as const] },
  'sam-token': { user: 'sam', tenant: 'TACC', roles: ['user' as const] },
};

/** A listening server whose engine runs actors as processes. */
async function serve(t: Test, settings: { logMaxChars?: number } = {}) {
  const abaco = await Abaco.open({ runtime: new ProcessRuntime({ images }), logger: pino({ level: 'error' }), settings: { autoscaleIntervalMs: 0, cronIntervalMs: 0, workerPollMs: 100, ...settings } });
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
  return { app, url, call, run };
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

t.test('closing the server ends its open streams with an error event, without waiting for their clients', async (t) => {
  const { app, url, run } = await serve(t);
  const { actorId, executionId } = await run('test/sleep');
  const response = await fetch(`${url}/actors/v2/${actorId}/executions/${executionId}/logs?follow=true`, { headers: { authorization: 'Bearer alice-token' } });
  t.equal(response.status, 200);
  const reading = events(response);
  await app.close();
  t.match((await reading).at(-1), { event: 'error', data: { status: 503, message: /shutting down/ } }, 'the client is told why its stream ended');
});

t.test('a nonce holds streams of its own: whoever holds it cannot take its owner\'s places', async (t) => {
  const { url, call, run } = await serve(t);
  const { actorId, executionId } = await run('test/sleep');
  const path = `${url}/actors/v2/${actorId}/executions/${executionId}/logs?follow=true`;
  const nonce = (await call('POST', `/${actorId}/nonces`, 'alice-token', { level: 'READ' })).result.id;
  const stop = new AbortController();
  for (let i = 0; i < MAX_STREAMS_PER_IDENTITY; i++) t.equal((await fetch(`${path}&x-nonce=${nonce}`, { signal: stop.signal })).status, 200);
  const refused = await fetch(`${path}&x-nonce=${nonce}`);
  t.equal(refused.status, 429, 'the nonce has used its places');
  t.match(((await refused.json()) as { message: string }).message, /this nonce/);
  const owner = await fetch(path, { headers: { authorization: 'Bearer alice-token' }, signal: stop.signal });
  t.equal(owner.status, 200, 'its owner still follows');
  stop.abort();
});

t.test('follow is true or false in any case, anything else a 400 naming it; it is never a search condition', async (t) => {
  const { url, call, run } = await serve(t);
  const { actorId, executionId } = await run('test/lines');
  while ((await call('GET', `/${actorId}/executions/${executionId}`)).result.status !== 'COMPLETE') await new Promise((r) => setTimeout(r, 100));
  const path = `${url}/actors/v2/${actorId}/executions/${executionId}/logs`;
  const get = (query: string) => fetch(`${path}${query}`, { headers: { authorization: 'Bearer alice-token' } });
  for (const query of ['?follow=false', '?follow=FALSE']) t.match(await (await get(query)).json(), { message: 'Logs retrieved successfully.', result: { logs: 'one\ntwo\nthree\n' } }, `${query}: the log, not a search`);
  const stream = await get('?follow=TRUE');
  t.match(stream.headers.get('content-type'), /^text\/event-stream/, 'follow=TRUE follows');
  t.equal((await events(stream)).at(-1)?.event, 'end');
  for (const query of ['?follow=1', '?follow=yes', '?follow=true&follow=true']) {
    const response = await get(query);
    t.equal(response.status, 400, query);
    t.match(await response.json(), { message: 'follow must be true or false.' });
  }
});

t.test('HEAD with follow=true answers the head of a stream and holds no place', async (t) => {
  const { url, run } = await serve(t);
  const { actorId, executionId } = await run('test/sleep');
  const head = () =>
    new Promise<{ status: number; type: string }>((resolve, reject) => {
      const asked = request(`${url}/actors/v2/${actorId}/executions/${executionId}/logs?follow=true`, { method: 'HEAD', headers: { authorization: 'Bearer alice-token' } }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode!, type: response.headers['content-type']! }));
      });
      asked.on('error', reject);
      asked.end();
    });
  for (let i = 0; i <= MAX_STREAMS_PER_IDENTITY; i++) t.match(await head(), { status: 200, type: /^text\/event-stream/ }, `HEAD ${i + 1} is answered and done`);
});

t.test('a client that does not read gets its stream ended once more than the bound waits for it', async (t) => {
  const { url, call, run } = await serve(t, { logMaxChars: 4_000_000 });
  const { actorId, executionId } = await run('test/flood');
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.write(`GET /actors/v2/${actorId}/executions/${executionId}/logs?follow=true HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer alice-token\r\n\r\n`);
  socket.pause();
  while ((await call('GET', `/${actorId}/executions/${executionId}`)).result.status !== 'COMPLETE') await new Promise((r) => setTimeout(r, 100));
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => socket.once('close', resolve).resume());
  const got = Buffer.concat(chunks).toString();
  t.ok(got.length < 24_000_000, `it did not get the whole log (${got.length} bytes)`);
  const last = got.slice(got.lastIndexOf('event: '));
  t.match(last, `event: error\ndata: {"status":503,"message":"The client reads the log too slowly (more than ${MAX_BUFFERED_BYTES} bytes waiting)`, 'the last event says why');
});
