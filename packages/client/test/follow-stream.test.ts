import t from 'tap';
import { ForbiddenError } from '../src/errors.js';
import { logStreamEvents } from '../src/log-stream.js';
import { serve } from './server.js';

t.test('followLogs reads the server stream: the output in order, ended with the execution', async (t) => {
  const { client } = await serve(t);
  const types: string[] = [];
  const fetchSeen: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (String(input).includes('/logs')) types.push(response.headers.get('content-type') ?? '');
    return response;
  };
  const alice = client({ credentials: { token: 'alice-token' }, fetch: fetchSeen });
  const actor = await alice.actors.create({ image: 'test/wc' });
  const { executionId } = await alice.messages.send(actor.id, 'one two three');
  let text = '';
  for await (const piece of alice.executions.followLogs(actor.id, executionId)) text += piece;
  t.equal(text, 'Number of words is: 3\n');
  t.match(types, [/^text\/event-stream/], 'one request, answered with a stream');
  t.equal((await alice.executions.get(actor.id, executionId)).status, 'COMPLETE', 'it ended when the execution did');
});

t.test('followLogs polls a server that answers the logs instead of a stream (upstream Abaco)', async (t) => {
  let asked = 0;
  const { client } = await serve(t, {
    before: (app) =>
      app.addHook('preHandler', (request, _reply, done) => {
        // a server that knows no follow parameter: it answers the logs in the envelope
        const query = request.query as Record<string, unknown>;
        if (query.follow !== undefined) (asked++, delete query.follow);
        done();
      }),
  });
  const alice = client('alice');
  const actor = await alice.actors.create({ image: 'test/wc' });
  const { executionId } = await alice.messages.send(actor.id, 'a b');
  let text = '';
  for await (const piece of alice.executions.followLogs(actor.id, executionId, { intervalMs: 20 })) text += piece;
  t.equal(asked, 1, 'it asked for the stream once');
  t.equal(text, 'Number of words is: 2\n', 'and polled the logs to their end');
});

t.test('activity: per minute figures of the actors the caller may read', async (t) => {
  const { client } = await serve(t);
  const alice = client('alice');
  const actor = await alice.actors.create({ image: 'test/wc' });
  const { executionId } = await alice.messages.send(actor.id, 'a');
  await alice.executions.wait(actor.id, executionId, { intervalMs: 20 });
  const activity = await alice.activity({ minutes: 10 });
  t.equal(activity.minutes, 10);
  t.equal(activity.durationBuckets.length, activity.overall.durations.length, 'camelCase fields');
  t.equal(activity.overall.queued.reduce((a, b) => a + b, 0), 1);
  t.equal(activity.overall.complete.reduce((a, b) => a + b, 0), 1);
  t.same((await client('bob').activity()).actors, [], "bob sees nothing of alice's");
  t.ok((await client('root').activity({ actor: actor.id })).utilization, 'an admin gets the utilization');
});

t.test('an error event ends the stream with the error of its status, after the output before it', async (t) => {
  const sse = 'event: log\ndata: {"text":"one\\n"}\n\nevent: error\ndata: {"status":403,"message":"Not authorized -- you do not have access to this actor."}\n\n';
  const body = new Blob([sse]).stream();
  const got: string[] = [];
  await t.rejects(
    (async () => {
      for await (const event of logStreamEvents(body, 'http://abaco/actors/v2/a/executions/e/logs?follow=true')) got.push(event.type === 'log' ? event.text : event.type);
    })(),
    ForbiddenError,
  );
  t.same(got, ['one\n']);
});
