// AbacoExecutor throughput on the process runtime: `map` of a trivial function over 1,000 inputs
// through an Abaco server (in a process of its own, level on disk, maxWorkers 4), against the same
// calls run locally in the same run, each in a fresh Node child process, 4 at a time. Both start one
// Node process per call; the difference is what Abaco adds (HTTP, queueing, workers, the results
// socket, polling). Prints calls per second of each and the ratio.
// Usage: flock /tmp/abaco-bench.lock node bench/executor.mjs [calls=1000] [workers=4]
import { execFile, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const TOKEN = 'bench-token';

if (process.argv[2] === 'serve') await serve();
else await bench(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 4));

async function bench(calls, workers) {
  const inputs = Array.from({ length: calls }, (_, i) => i);
  const fn = (x) => x * 2;
  const expected = inputs.map(fn);
  const check = (results, what) => {
    if (JSON.stringify(results) !== JSON.stringify(expected)) throw new Error(`${what}: wrong results`);
  };

  // Locally: one fresh `node -e` per call, `workers` at a time, the value back as JSON on stdout.
  const run = promisify(execFile);
  const local = async () => {
    const results = new Array(calls);
    let next = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let i; (i = next++) < calls; ) {
          const { stdout } = await run(process.execPath, ['-e', `process.stdout.write(JSON.stringify((${fn})(...JSON.parse(process.argv[1]))))`, JSON.stringify([inputs[i]])]);
          results[i] = JSON.parse(stdout);
        }
      }),
    );
    return results;
  };

  const child = fork(new URL(import.meta.url).pathname, ['serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise((resolve) => child.once('message', resolve));
  const { AbacoClient, AbacoExecutor } = await import('@abaco/client');
  const executor = await AbacoExecutor.create(new AbacoClient({ url, credentials: { token: TOKEN } }), { maxWorkers: workers });
  const remote = async () => {
    const results = [];
    for await (const result of executor.map(fn, inputs)) results.push(result);
    return results;
  };

  const timed = async (what, go) => {
    const start = performance.now();
    check(await go(), what);
    return calls / ((performance.now() - start) / 1000);
  };
  // Warm up both (page cache, JIT, the workers), then measure.
  await timed('warm-up', async () => (await Promise.all([executor.blockingCall(fn, 0), run(process.execPath, ['-e', '0'])]), expected));
  const localRate = await timed('local', local);
  const abacoRate = await timed('abaco', remote);
  await executor.close();
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));

  console.log(`${calls} calls of a trivial function, ${workers} at a time, one fresh Node process each`);
  console.log(`local child processes (node -e):          ${localRate.toFixed(1)} calls/s`);
  console.log(`AbacoExecutor.map, process runtime:       ${abacoRate.toFixed(1)} calls/s (maxWorkers ${workers}, concurrency ${2 * workers})`);
  console.log(`ratio abaco/local: ${(abacoRate / localRate).toFixed(2)}`);
}

/** The server: `abaco serve`'s parts in this process (level on disk, the process runtime), a privileged user's token. */
async function serve() {
  const { Abaco, ProcessRuntime } = await import('@abaco/core');
  const { startServer } = await import('@abaco/http');
  const { pino } = await import('pino');
  const dataDir = mkdtempSync(join(tmpdir(), 'abaco-bench-executor-'));
  const abaco = await Abaco.open({ dataDir, runtime: new ProcessRuntime(), logger: pino({ level: 'error' }) });
  const { app, url } = await startServer(abaco, { port: 0, tokens: { [TOKEN]: { user: 'bench', tenant: 'TACC', roles: ['privileged'] } } });
  process.send(url);
  process.once('message', async () => {
    await app.close();
    await abaco.close({ kill: true });
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}
