import t from 'tap';
import { AbacoClient, AbacoError, BadRequestError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../src/index.js';
import { serve } from './server.js';

t.test('refusals are typed errors with the status, the server message and the request', async (t) => {
  const { client, url } = await serve(t);
  const alice = client('alice');
  const actor = await alice.actors.create({ image: 'test/wc' });

  const missing = await alice.actors.get('NoSuchActor').catch((e: unknown) => e);
  t.ok(missing instanceof NotFoundError && missing instanceof AbacoError, '404: NotFoundError');
  t.match(missing, { status: 404, message: /NoSuchActor/, request: { method: 'GET', url: `${url}/actors/v2/NoSuchActor` }, name: 'NotFoundError' });

  const bad = await alice.actors.create({ image: 'test/wc', maxWorkers: 0 }).catch((e: unknown) => e);
  t.ok(bad instanceof BadRequestError, '400: BadRequestError');
  t.match(bad, { status: 400, message: /maxWorkers/ }, 'the message names the field');

  const forbidden = await client('bob').actors.delete(actor.id).catch((e: unknown) => e);
  t.ok(forbidden instanceof ForbiddenError, '403: ForbiddenError');
  t.match(forbidden, { status: 403, message: 'Not authorized -- you do not have access to this actor.', request: { method: 'DELETE' } });

  const nobody = await client({}).actors.list().catch((e: unknown) => e);
  t.ok(nobody instanceof UnauthenticatedError, '401: UnauthenticatedError');

  const nonce = await alice.nonces.create({ actor: actor.id }, { level: 'READ' });
  const weak = await client({ credentials: { nonce: nonce.id } }).messages.send(actor.id, 'x').catch((e: unknown) => e);
  t.ok(weak instanceof ForbiddenError);
  t.match(weak, { message: 'Nonce does not have sufficient permissions level.' });
  t.notMatch((weak as AbacoError).request.url, nonce.id, 'the nonce is masked in the error');
  t.match((weak as AbacoError).request.url, /x-nonce=\*\*\*/);
});

t.test('a server that cannot be reached is an AbacoError without a status, after the retries', async (t) => {
  let calls = 0;
  const counting: typeof fetch = async (input, init) => {
    calls++;
    return fetch(input, init);
  };
  const client = new AbacoClient({ url: 'http://127.0.0.1:9', retries: 2, retryDelayMs: 1, fetch: counting });
  const error = await client.actors.list().catch((e: unknown) => e);
  t.ok(error instanceof AbacoError);
  t.match(error, { status: undefined, message: /Could not reach the Abaco server at http:\/\/127\.0\.0\.1:9/ });
  t.equal(calls, 3, 'tried once and retried twice');
  calls = 0;
  await client.messages.send('x', 'y').catch(() => {});
  t.equal(calls, 1, 'a message POST is tried once');
});

t.test('a GET answered 503 once is retried; a message POST answered 503 is not', async (t) => {
  const failing = new Set<string>();
  const { client } = await serve(t, {
    before: (app) =>
      app.addHook('onRequest', async (request, reply) => {
        const key = `${request.method} ${request.url.split('?')[0]}`;
        if (failing.delete(key)) return reply.code(503).header('retry-after', '0').send({ message: 'busy, try again', result: null, status: 'error', version: 'x' });
      }),
  });
  const alice = client('alice');
  const actor = await alice.actors.create({ image: 'test/wc' });
  failing.add(`GET /actors/v2/${actor.id}`);
  t.equal((await alice.actors.get(actor.id)).id, actor.id, 'the GET succeeded on its retry');
  t.equal(failing.size, 0, 'the server did answer 503 first');

  failing.add(`POST /actors/v2/${actor.id}/messages`);
  const error = await alice.messages.send(actor.id, 'once').catch((e: unknown) => e);
  t.match(error, { status: 503, message: 'busy, try again' }, 'the POST was not retried');
  t.equal((await alice.executions.list(actor.id)).totalExecutions, 0, 'and no message was sent');

  const none = client({ credentials: { token: 'alice-token' }, retries: 0 });
  failing.add(`GET /actors/v2/${actor.id}`);
  t.match(await none.actors.get(actor.id).catch((e: unknown) => e), { status: 503 }, 'retries: 0 retries nothing');
});
