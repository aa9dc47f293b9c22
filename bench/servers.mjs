// What the HTTP benches share: a server in a process of its own (the Abaco server as `abaco serve`
// runs it: level on disk, the process runtime, a user's bearer token; or a bare fastify route
// parsing the same form body), and clients posting form messages to it. Not a bench itself.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';

const TOKEN = 'bench-user-token';
const BODY = 'message=hello+world+from+the+bench';

if (process.argv[2] === 'serve') await serve(process.argv[3], JSON.parse(process.argv[4]));

/**
 * Starts a server of `kind` ('abaco' or 'bare') in a child process. The Abaco server has one
 * stateful actor running `command` (by default a sleep of an hour: its one worker then stays busy
 * with the first message, and every other message stays queued, while the engine still checks
 * the actor has a worker at each one).
 */
export async function startServer(kind, command = ['sleep', '3600']) {
  // ABACO_BENCH_PROFILE=<folder>: each server writes a CPU profile of its main thread there when it stops.
  const profile = process.env.ABACO_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.ABACO_BENCH_PROFILE}`] : [];
  const child = fork(new URL(import.meta.url).pathname, ['serve', kind, JSON.stringify(command)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc', ...profile] });
  const { url, path } = await next(child);
  const ask = async (what) => (child.send(what), next(child));
  return {
    url,
    path,
    /** The server's resident memory and JS heap in use, in bytes: as they are, and after a full garbage collection. */
    memory: async () => (await ask('memory')).memory,
    /** The CPU time the server process used so far, in microseconds: all its threads, and its main thread (the event loop). */
    cpu: async () => (await ask('cpu')).cpu,
    /** Stops the server; for Abaco, answers how many messages were queued. */
    stop: async () => {
      const { queued } = await ask('stop');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      return queued;
    },
  };
}

/** Posts messages from `clients` connections until `until()` says stop; answers how many and how fast. */
export async function post({ url, path }, clients, until) {
  const pool = new Pool(url, { connections: clients });
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (!until(done)) {
        const { statusCode, body } = await pool.request({ method: 'POST', path, headers, body: BODY });
        await body.dump();
        if (statusCode !== 200) throw new Error(`status ${statusCode}`);
        done++;
      }
    }),
  );
  await pool.close();
  return { done, perSecond: done / ((performance.now() - start) / 1000) };
}

/** The headers of a message post. */
export const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
export { BODY as body };

const next = (child) => new Promise((resolve) => child.once('message', resolve));

/** The resident set size of this process (from /proc) and its JS heap in use: as they are, and after a full garbage collection. */
function memory() {
  const now = () => ({ rss: Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024, heap: process.memoryUsage().heapUsed });
  const asIs = now();
  globalThis.gc();
  return { asIs, afterGc: now() };
}

/**
 * The engine the Abaco benches measure: level on disk in a temporary folder, the process runtime,
 * and one stateful actor of user `bench` whose image runs `command` (by default a sleep of an hour,
 * see `startServer`). `close` stops it, removes its folder and answers how many messages were queued.
 */
export async function benchEngine(command = ['sleep', '3600']) {
  const { pino } = await import('pino');
  const { Abaco, ProcessRuntime, identity } = await import('@abaco/core');
  const dataDir = mkdtempSync(join(tmpdir(), 'abaco-bench-'));
  const runtime = new ProcessRuntime({ images: { 'bench/actor': command } });
  const abaco = await Abaco.open({ dataDir, runtime, logger: pino({ level: 'error' }), settings: { autoscaling: false } });
  const owner = identity('bench', 'BENCH', ['user']);
  const actor = await abaco.actors.create(owner, { image: 'bench/actor', stateless: false });
  const close = async () => {
    const { messages } = await abaco.messages.count(owner, actor.id);
    await abaco.close({ kill: true });
    rmSync(dataDir, { recursive: true, force: true });
    return messages;
  };
  return { abaco, owner, actor, close };
}

async function serve(kind, command) {
  let stop;
  if (kind === 'bare') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body))));
    app.post('/actors/:id/messages', async (req) => ({ status: 'success', result: { executionId: 'x', msg: req.body.message } }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    process.send({ url: `http://127.0.0.1:${app.server.address().port}`, path: '/actors/x/messages' });
    stop = async () => (await app.close(), null);
  } else {
    const { startServer: listen } = await import('@abaco/http');
    const engine = await benchEngine(command);
    const { url } = await listen(engine.abaco, { port: 0, tokens: { [TOKEN]: { user: 'bench', tenant: 'BENCH', roles: ['user'] } } });
    process.send({ url, path: `/actors/v2/${engine.actor.id}/messages` });
    stop = engine.close;
  }
  process.on('message', async (what) => {
    if (what === 'memory') return process.send({ memory: memory() });
    if (what === 'cpu') {
      const { user, system } = process.cpuUsage();
      const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const main = (Number(fields[11]) + Number(fields[12])) * 10_000; // clock ticks of 10 ms
      return process.send({ cpu: { all: user + system, main } });
    }
    process.send({ queued: await stop() });
    process.exit(0);
  });
}
