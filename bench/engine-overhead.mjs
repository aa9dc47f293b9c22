// The engine's overhead on top of a bare container engine. Runs N executions of a trivial container
// through the engine (a stateful actor, so they run one after another like a shell loop) and N
// `docker run --rm` / `podman run --rm` from the engine's own CLI, in the same run, and prints the
// medians, totals and the ratio. Needs the engines and test images: source .ci/engines.sh start.
// Usage: node bench/engine-overhead.mjs [N=20] [docker|podman ...]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Abaco, identity } from '@abaco/core';
import { DockerRuntime } from '@abaco/backend-docker';
import { PodmanRuntime } from '@abaco/backend-podman';

const n = Number(process.argv[2] ?? 20);
const wanted = process.argv.slice(3).length ? process.argv.slice(3) : ['docker', 'podman'];
const image = 'abaco-test/true';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const worst = (xs) => Math.max(...xs);

const engines = {
  docker: { connect: () => DockerRuntime.connect(), cli: ['docker', '-H', process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'] },
  podman: { connect: () => PodmanRuntime.connect(), cli: ['podman', '--url', process.env.CONTAINER_HOST ?? 'unix:///run/podman/podman.sock'] },
};

async function throughEngine(connect) {
  const dataDir = mkdtempSync(join(tmpdir(), 'abaco-bench-'));
  const abaco = await Abaco.open({ dataDir, runtime: await connect(), logger: pino({ level: 'error' }), settings: { autoscaling: false, workerPollMs: 50 } });
  const admin = identity('bench', 'BENCH', ['admin']);
  const actor = await abaco.actors.create(admin, { image, stateless: false });
  const times = [];
  for (let i = -2; i < n; i++) { // two warm-up runs: image check and the first worker
    const start = performance.now();
    await abaco.messages.send(admin, actor.id, { kind: 'str', text: 'x' }, { synchronous: true });
    if (i >= 0) times.push(performance.now() - start);
  }
  await abaco.close();
  rmSync(dataDir, { recursive: true, force: true });
  return times;
}

function throughCli(cli) {
  const times = [];
  for (let i = -2; i < n; i++) {
    const start = performance.now();
    execFileSync(cli[0], [...cli.slice(1), 'run', '--rm', '--network', 'none', image], { stdio: 'ignore' });
    if (i >= 0) times.push(performance.now() - start);
  }
  return times;
}

console.log(`${n} executions of ${image}, one after another; milliseconds`);
for (const name of wanted) {
  const engine = engines[name];
  const bare = throughCli(engine.cli);
  const ours = await throughEngine(engine.connect);
  console.log(
    `${name}: bare CLI median ${median(bare).toFixed(0)} total ${sum(bare).toFixed(0)} | engine median ${median(ours).toFixed(0)} total ${sum(ours).toFixed(0)} | worst bare ${worst(bare).toFixed(0)} engine ${worst(ours).toFixed(0)} | ratio engine/bare ${(median(ours) / median(bare)).toFixed(2)} (median), ${(sum(ours) / sum(bare)).toFixed(2)} (total)`,
  );
}
