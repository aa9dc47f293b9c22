// The autoscaler against a pool sized by hand (issue #14). A stateless actor with maxWorkers 6
// receives a backlog of 30 messages at once, each execution a 2-second sleep (process runtime), and
// we time how long the backlog takes to drain: once with the autoscaler on (the actor starts with its
// one worker and the pool grows as the messages arrive), once with the autoscaler off and 6 workers
// started by hand and ready before the first message (the baseline), in the same run. An ideal pool
// needs 30 / 6 × 2 s = 10 s; the goal is autoscaled / by hand ≤ 1.2.
// Usage: node bench/autoscale.mjs [rounds=1] [messages=30] [seconds=2] [maxWorkers=6]
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { Abaco, ProcessRuntime, identity } from '@abaco/core';

const [rounds, messages, seconds, maxWorkers] = [1, 30, 2, 6].map((fallback, i) => Number(process.argv[2 + i] ?? fallback));
const admin = identity('bench', 'BENCH', ['admin']);
const images = { 'bench/sleep': ['sh', '-c', `sleep ${seconds}`] };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Seconds from the first message sent to the last execution finished. */
async function drain({ autoscaling }) {
  const abaco = await Abaco.open({ runtime: new ProcessRuntime({ images }), logger: pino({ level: 'error' }), settings: { autoscaling, maxWorkersPerNode: Math.max(8, maxWorkers), workerPollMs: 1000 } });
  const actor = await abaco.actors.create(admin, { image: 'bench/sleep', maxWorkers });
  if (!autoscaling) await abaco.workers.ensure(admin, actor.id, maxWorkers);
  const ready = autoscaling ? 1 : maxWorkers;
  while ((await abaco.workers.list(admin, actor.id)).workers.filter((w) => w.status === 'READY').length < ready) await sleep(20);
  const start = performance.now();
  await Promise.all(Array.from({ length: messages }, (_, i) => abaco.messages.send(admin, actor.id, { kind: 'str', text: `m${i}` })));
  let peak = 0;
  for (;;) {
    const { executions } = await abaco.executions.list(admin, actor.id);
    peak = Math.max(peak, (await abaco.workers.list(admin, actor.id)).workers.length);
    if (executions.length === messages && executions.every((e) => e.status === 'COMPLETE' || e.status === 'ERROR')) {
      const failed = executions.filter((e) => e.status === 'ERROR').length;
      if (failed) throw new Error(`${failed} executions failed`);
      break;
    }
    await sleep(20);
  }
  const elapsed = (performance.now() - start) / 1000;
  await abaco.close({ kill: true });
  return { elapsed, peak };
}

console.log(`${messages} executions of ${seconds} s, maxWorkers ${maxWorkers} (ideal ${(Math.ceil(messages / maxWorkers) * seconds).toFixed(1)} s); load average before: ${loadavg()[0].toFixed(2)}`);
const autoscaled = [];
const byHand = [];
for (let r = 0; r < rounds; r++) {
  const a = await drain({ autoscaling: true });
  const h = await drain({ autoscaling: false });
  autoscaled.push(a.elapsed);
  byHand.push(h.elapsed);
  console.log(`round ${r + 1}: autoscaled ${a.elapsed.toFixed(2)} s (peak ${a.peak} workers) | ${maxWorkers} workers by hand ${h.elapsed.toFixed(2)} s | ratio ${(a.elapsed / h.elapsed).toFixed(2)}`);
}
const ratio = median(autoscaled) / median(byHand);
console.log(`median: autoscaled ${median(autoscaled).toFixed(2)} s, by hand ${median(byHand).toFixed(2)} s, ratio ${ratio.toFixed(2)} (goal ≤ 1.2); load average after: ${loadavg()[0].toFixed(2)}`);
