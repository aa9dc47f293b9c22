// Synchronous message round trip over HTTP on the process runtime: one client posts
// `_abaco_synchronous=true` messages one after another to an actor whose image runs /bin/true,
// against the Abaco server (see servers.mjs); the baseline, in the same run, is Node's
// `spawnSync('/bin/true')`. Prints the medians (and 90th percentiles) and the ratio of the medians.
// Usage: node bench/sync-roundtrip.mjs [runs=50]
import { spawnSync } from 'node:child_process';
import { Pool } from 'undici';
import { body, headers, startServer } from './servers.mjs';

const runs = Number(process.argv[2] ?? 50);
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)];
const show = (xs) => `median ${quantile(xs, 0.5).toFixed(2)} ms, p90 ${quantile(xs, 0.9).toFixed(2)} ms`;

async function timed(fn) {
  const times = [];
  for (let i = -5; i < runs; i++) { // five warm-up runs
    const start = performance.now();
    await fn();
    if (i >= 0) times.push(performance.now() - start);
  }
  return times;
}

const bare = await timed(() => {
  if (spawnSync('/bin/true').status !== 0) throw new Error('/bin/true failed');
});
const server = await startServer('abaco', ['/bin/true']);
const pool = new Pool(server.url, { connections: 1 });
const ours = await timed(async () => {
  const { statusCode, body: answer } = await pool.request({ method: 'POST', path: `${server.path}?_abaco_synchronous=true`, headers, body });
  await answer.dump();
  if (statusCode !== 200) throw new Error(`status ${statusCode}`);
});
await pool.close();
await server.stop();
console.log(`${runs} runs each`);
console.log(`spawnSync('/bin/true'):              ${show(bare)}`);
console.log(`abaco sync message over HTTP:        ${show(ours)}`);
console.log(`ratio abaco/spawnSync (medians): ${(quantile(ours, 0.5) / quantile(bare, 0.5)).toFixed(1)}`);
