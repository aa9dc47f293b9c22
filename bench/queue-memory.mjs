// Server memory with many messages queued. The Abaco server (see servers.mjs: level on disk, one
// actor whose worker stays busy, so every message stays queued) is sent `count` messages over HTTP
// by 32 clients; so is, in the same run, the baseline: a bare fastify route parsing the same body,
// which keeps nothing. Each server's resident memory (RSS) and JS heap in use, after a full garbage
// collection, are read after 1,000 warm-up messages, right after the last message, and once the
// server has idled `idle` seconds (V8 and the allocator give back what the burst of requests took
// only when the process is idle). Prints the growths, and Abaco's settled growth less the bare route's.
// Usage: node bench/queue-memory.mjs [count=100000] [idle=15]
import { setTimeout as sleep } from 'node:timers/promises';
import { post, startServer } from './servers.mjs';

const count = Number(process.argv[2] ?? 100_000);
const idle = Number(process.argv[3] ?? 15);
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const signed = (bytes) => `${bytes < 0 ? '-' : '+'}${mb(Math.abs(bytes))}`;

async function measure(kind) {
  const server = await startServer(kind);
  await post(server, 32, (done) => done >= 1000); // warm-up: every code path loaded and run
  const before = (await server.memory()).afterGc;
  const { perSecond } = await post(server, 32, (done) => done >= count - 1000);
  const burst = (await server.memory()).afterGc;
  await sleep(idle * 1000);
  const settled = (await server.memory()).afterGc;
  const queued = await server.stop();
  const name = kind === 'bare' ? 'bare fastify route' : `abaco (${queued} queued)`;
  console.log(
    `${name}: RSS ${mb(before.rss)}, right after the messages ${mb(burst.rss)} (${signed(burst.rss - before.rss)}), after ${idle} s idle ${mb(settled.rss)} (${signed(settled.rss - before.rss)}); JS heap in use ${mb(before.heap)} -> ${mb(settled.heap)}; ${perSecond.toFixed(0)} msg/s`,
  );
  return settled.rss - before.rss;
}

console.log(`${count} messages from 32 clients; memory after a full garbage collection`);
const bare = await measure('bare');
const abaco = await measure('abaco');
console.log(`settled growth: abaco ${signed(abaco)} (${(abaco / count).toFixed(0)} bytes a message), bare ${signed(bare)}; abaco minus bare ${signed(abaco - bare)}`);
