// Synchronous message round trip over HTTP on the process runtime: one client posts
// `_abaco_synchronous=true` messages one after another to an actor whose image runs /bin/true,
// against the Abaco server (see servers.mjs); the baseline, in the same run, is Node's
// `spawnSync('/bin/true')`, timed in a small Node process of its own (a fork costs more as the
// forking process grows: this bench's own would grow with its requests). The two take turns,
// `BLOCK` runs at a time, so that both see the machine in the same state (this VM's speed drifts
// from minute to minute): the requests of a turn one right after the other; the baseline's once
// the server is idle (it ends a request's work after its answer), after a busy wait (a sleep would
// leave the CPU cold, and slow the baseline down). Prints the medians (and 90th percentiles) and
// the ratio of the medians.
// Usage: node bench/sync-roundtrip.mjs [runs=50]
import { fork, spawnSync } from 'node:child_process';
import { Pool } from 'undici';
import { body, headers, startServer } from './servers.mjs';

const BLOCK = 20;
const spin = (ms) => {
  for (const end = performance.now() + ms; performance.now() < end; );
};
const timed = (fn) => {
  const start = performance.now();
  return Promise.resolve(fn()).then(() => performance.now() - start);
};

if (process.argv[2] === 'baseline') {
  // Asked for `n` runs, answers their times.
  process.on('message', async (n) => {
    spin(20);
    const times = [];
    for (let i = 0; i < n; i++) {
      times.push(await timed(() => {
        if (spawnSync('/bin/true').status !== 0) throw new Error('/bin/true failed');
      }));
    }
    process.send(times);
  });
} else {
  const runs = Number(process.argv[2] ?? 50);
  const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)];
  const show = (xs) => `median ${quantile(xs, 0.5).toFixed(2)} ms, p90 ${quantile(xs, 0.9).toFixed(2)} ms`;

  const baseline = fork(new URL(import.meta.url).pathname, ['baseline']);
  const bareRuns = (n) => new Promise((resolve) => (baseline.once('message', resolve), baseline.send(n)));
  const server = await startServer('abaco', ['/bin/true']);
  const pool = new Pool(server.url, { connections: 1 });
  const request = async () => {
    const { statusCode, body: answer } = await pool.request({ method: 'POST', path: `${server.path}?_abaco_synchronous=true`, headers, body });
    await answer.dump();
    if (statusCode !== 200) throw new Error(`status ${statusCode}`);
  };
  const [bare, ours] = [[], []];
  await bareRuns(5); // warm-up
  for (let i = 0; i < 5; i++) await request();
  for (let done = 0; done < runs; done += BLOCK) {
    const n = Math.min(BLOCK, runs - done);
    bare.push(...(await bareRuns(n)));
    for (let i = 0; i < n; i++) ours.push(await timed(request));
  }
  baseline.kill();
  await pool.close();
  await server.stop();
  console.log(`${runs} runs each, in turns of ${BLOCK}`);
  console.log(`spawnSync('/bin/true'):              ${show(bare)}`);
  console.log(`abaco sync message over HTTP:        ${show(ours)}`);
  console.log(`ratio abaco/spawnSync (medians): ${(quantile(ours, 0.5) / quantile(bare, 0.5)).toFixed(1)}`);
}
