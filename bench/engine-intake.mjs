// The engine's own part of message intake, without HTTP: 32 senders call `abaco.messages.send`
// in-process (the engine of servers.mjs: level on disk, one stateful actor whose worker stays busy,
// so every message stays queued, as in intake.mjs). Prints the CPU time of the process per message
// (all its threads) and the rate; set against intake.mjs's figures it tells the engine's cost from
// the HTTP layer's.
// Usage: node bench/engine-intake.mjs [messages=20000] [rounds=4]
import { benchEngine } from './servers.mjs';

const count = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 4);
const { abaco, owner, actor, close } = await benchEngine();

async function send(n) {
  let left = n;
  const sender = async () => {
    while (left-- > 0) await abaco.messages.send(owner, actor.id, { kind: 'str', text: 'hello world from the bench' });
  };
  await Promise.all(Array.from({ length: 32 }, sender));
}

await send(3000); // warm-up: every code path loaded and run
console.log(`32 senders in-process, ${count} messages a round`);
for (let round = 0; round < rounds; round++) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await send(count);
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - start) / 1000;
  console.log(`${((used.user + used.system) / count).toFixed(1)} µs of CPU a message, ${Math.round(count / seconds)} msg/s`);
}
await close();
