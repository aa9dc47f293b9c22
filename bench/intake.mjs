// Durable message intake over HTTP: `clients` connections post form-encoded messages to one actor
// as fast as they can, against the Abaco server (see servers.mjs: level on disk, a user's bearer
// token, every message queued), and, in the same run with the same clients, against a bare fastify
// route that parses the same body. Each server runs in a process of its own. Prints requests per
// second and the ratio, and the CPU time each server spent per request (all its threads, and its
// main thread: figures that depend less on what else the machine runs than the rate does). The
// load average is printed too: the machine has 2 cores, shared with the clients.
// Usage: node bench/intake.mjs [seconds=5] [clients=32]
import { loadavg } from 'node:os';
import { post, startServer } from './servers.mjs';

const seconds = Number(process.argv[2] ?? 5);
const clients = Number(process.argv[3] ?? 32);

async function measure(kind) {
  const server = await startServer(kind);
  const forMs = (ms) => {
    const end = performance.now() + ms;
    return () => performance.now() >= end;
  };
  await post(server, clients, forMs(1000)); // warm-up
  const before = await server.cpu();
  const { perSecond, done } = await post(server, clients, forMs(seconds * 1000));
  const after = await server.cpu();
  const cpu = { all: (after.all - before.all) / done, main: (after.main - before.main) / done };
  return { perSecond, cpu, queued: await server.stop() };
}

console.log(`${clients} clients posting form messages for ${seconds} s (after 1 s of warm-up); load average ${loadavg()[0].toFixed(2)}`);
const bare = await measure('bare');
const cpu = ({ cpu }) => `${cpu.all.toFixed(0)} µs of CPU (main thread ${cpu.main.toFixed(0)})`;
console.log(`bare fastify route: ${bare.perSecond.toFixed(0)} req/s, ${cpu(bare)} a request`);
const abaco = await measure('abaco');
console.log(`abaco, one actor:   ${abaco.perSecond.toFixed(0)} msg/s, ${cpu(abaco)} a message (${abaco.queued} messages queued in all)`);
console.log(`ratio abaco/bare: ${(abaco.perSecond / bare.perSecond).toFixed(2)} (rate), ${(bare.cpu.all / abaco.cpu.all).toFixed(2)} (CPU a request)`);
