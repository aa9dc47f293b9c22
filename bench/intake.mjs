// Durable message intake over HTTP: 32 clients post form-encoded messages to one actor as fast as
// they can, against the server `abaco serve` runs (level on disk, the process runtime, a user's
// bearer token); the baseline, measured in the same run with the same clients, is a bare fastify
// route that parses the same body. The actor's one worker is kept busy (its first message sleeps),
// so every message is queued, and the engine still checks the actor has a worker each time.
// Each server runs in a process of its own; this one only sends. Prints requests per second and the ratio.
// Usage: node bench/intake.mjs [seconds=5] [clients=32]
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';

const TOKEN = 'bench-user-token';
const BODY = 'message=hello+world+from+the+intake+bench';

if (process.argv[2] === 'serve') await serve(process.argv[3]);
else await main(Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 32));

/** In a child process: the server of one kind, its URL and the path to post to sent to the parent. */
async function serve(kind) {
  if (kind === 'bare') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body))));
    app.post('/actors/:id/messages', async (req) => ({ status: 'success', result: { executionId: 'x', msg: req.body.message } }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    process.send({ url: `http://127.0.0.1:${app.server.address().port}`, path: '/actors/x/messages' });
  } else {
    const { pino } = await import('pino');
    const { Abaco, ProcessRuntime, identity } = await import('@abaco/core');
    const { startServer } = await import('@abaco/http');
    const dataDir = mkdtempSync(join(tmpdir(), 'abaco-intake-'));
    const runtime = new ProcessRuntime({ images: { 'bench/sleep': ['sleep', '3600'] } });
    const abaco = await Abaco.open({ dataDir, runtime, logger: pino({ level: 'error' }), settings: { autoscaling: false } });
    const actor = await abaco.actors.create(identity('bench', 'BENCH', ['user']), { image: 'bench/sleep', stateless: false });
    const { url } = await startServer(abaco, { port: 0, tokens: { [TOKEN]: { user: 'bench', tenant: 'BENCH', roles: ['user'] } } });
    process.send({ url, path: `/actors/v2/${actor.id}/messages` });
    process.on('message', async () => {
      const queued = (await abaco.messages.count(identity('bench', 'BENCH', ['user']), actor.id)).messages;
      process.send({ queued });
      await abaco.close({ kill: true });
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  }
}

/** Starts a server of `kind`, sends to it for `seconds` from `clients` connections; requests per second. */
async function measure(kind, seconds, clients) {
  const child = fork(new URL(import.meta.url).pathname, ['serve', kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { url, path } = await new Promise((resolve) => child.once('message', resolve));
  const pool = new Pool(url, { connections: clients });
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
  const post = async () => {
    const { statusCode, body } = await pool.request({ method: 'POST', path, headers, body: BODY });
    await body.dump();
    if (statusCode !== 200) throw new Error(`${kind}: status ${statusCode}`);
  };
  const run = async (ms) => {
    let done = 0;
    const until = performance.now() + ms;
    const start = performance.now();
    await Promise.all(Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        await post();
        done++;
      }
    }));
    return { done, perSecond: done / ((performance.now() - start) / 1000) };
  };
  await run(1000); // warm-up
  const { done, perSecond } = await run(seconds * 1000);
  await pool.close();
  let queued = null;
  if (kind === 'abaco') {
    child.send('stop');
    ({ queued } = await new Promise((resolve) => child.once('message', resolve)));
  } else child.kill();
  await new Promise((resolve) => child.once('exit', resolve));
  return { done, perSecond, queued };
}

async function main(seconds, clients) {
  console.log(`${clients} clients posting form messages for ${seconds} s (after 1 s of warm-up)`);
  const bare = await measure('bare', seconds, clients);
  console.log(`bare fastify route: ${bare.perSecond.toFixed(0)} req/s`);
  const abaco = await measure('abaco', seconds, clients);
  console.log(`abaco, one actor:   ${abaco.perSecond.toFixed(0)} msg/s (${abaco.queued} messages queued in all)`);
  console.log(`ratio abaco/bare: ${(abaco.perSecond / bare.perSecond).toFixed(2)}`);
}
