// Durable message intake over HTTP: `clients` connections post form-encoded messages to one actor
// as fast as they can, against the Abaco server (see servers.mjs: level on disk, a user's bearer
// token, every message queued), and, in the same run with the same clients, against a bare fastify
// route that parses the same body. Each server runs in a process of its own; the two take turns,
// a second at a time, so that both see the machine in the same state (this VM's speed drifts from
// minute to minute). Prints requests per second and the ratio, and the CPU time each server spent
// per request (all its threads, and its main thread: figures that depend less on what else the
// machine runs than the rate does). The load average is printed too: the machine has 2 cores,
// shared with the clients.
// Usage: node bench/intake.mjs [seconds=5] [clients=32]
import { loadavg } from 'node:os';
import { post, startServer } from './servers.mjs';

const seconds = Number(process.argv[2] ?? 5);
const clients = Number(process.argv[3] ?? 32);

const forMs = (ms) => {
  const end = performance.now() + ms;
  return () => performance.now() >= end;
};
const servers = { bare: await startServer('bare'), abaco: await startServer('abaco') };
const totals = { bare: { done: 0, ms: 0, all: 0, main: 0 }, abaco: { done: 0, ms: 0, all: 0, main: 0 } };
for (const server of Object.values(servers)) await post(server, clients, forMs(1000)); // warm-up
console.log(`${clients} clients posting form messages for ${seconds} s to each server, a second at a time in turn (after 1 s of warm-up); load average ${loadavg()[0].toFixed(2)}`);
for (let second = 0; second < seconds; second++) {
  for (const [kind, server] of Object.entries(servers)) {
    const before = await server.cpu();
    const start = performance.now();
    const { done } = await post(server, clients, forMs(1000));
    const total = totals[kind];
    total.ms += performance.now() - start;
    const after = await server.cpu();
    total.done += done;
    total.all += after.all - before.all;
    total.main += after.main - before.main;
  }
}
const queued = await servers.abaco.stop();
await servers.bare.stop();
const figures = (kind) => {
  const { done, ms, all, main } = totals[kind];
  return { perSecond: done / (ms / 1000), all: all / done, main: main / done };
};
const [bare, abaco] = [figures('bare'), figures('abaco')];
const cpu = ({ all, main }) => `${all.toFixed(0)} µs of CPU (main thread ${main.toFixed(0)})`;
console.log(`bare fastify route: ${bare.perSecond.toFixed(0)} req/s, ${cpu(bare)} a request`);
console.log(`abaco, one actor:   ${abaco.perSecond.toFixed(0)} msg/s, ${cpu(abaco)} a message (${queued} messages queued in all)`);
console.log(`ratio abaco/bare: ${(abaco.perSecond / bare.perSecond).toFixed(2)} (rate), ${(bare.all / abaco.all).toFixed(2)} (CPU a request)`);
