import { execFileSync } from 'node:child_process';
import { Abaco, ProcessRuntime, type ContainerRuntime } from '@abaco/core';
import { buildServer } from '@abaco/http';
import { pino } from 'pino';
import type { Test } from 'tap';
import { AbacoClient, AbacoExecutor, CancelledError, NotFoundError } from '../src/index.js';

/** Images of the process runtime besides the built-in function runner: results that are not a runner's. */
const images: Record<string, string[]> = {
  'test/forged-results': ['python3', '-c', 'import os, socket\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.sendto(os.environ["FORGED"].encode(), os.environ["ABACO_ROOT"] + "/_abaco_results.sock")'],
};

export interface ExecutorServer {
  abaco: Abaco;
  /** A client of a user with the privileged role (who may set maxWorkers). */
  client: AbacoClient;
  /** A client of an admin of the tenant (who sees every worker). */
  admin: AbacoClient;
}

/** A real server on a loopback port over `runtime` (default: the process runtime with its built-in images). */
export async function executorServer(t: Test, runtime: ContainerRuntime = new ProcessRuntime({ images })): Promise<ExecutorServer> {
  const abaco = await Abaco.open({
    runtime,
    logger: pino({ level: 'error' }),
    settings: { cronIntervalMs: 0, workerPollMs: 200 },
  });
  const app = await buildServer(abaco, {
    tokens: {
      'carol-token': { user: 'carol', tenant: 'TACC', roles: ['privileged'] },
      'root-token': { user: 'root', tenant: 'TACC', roles: ['admin'] },
    },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await abaco.close({ kill: true });
  });
  return {
    abaco,
    client: new AbacoClient({ url, credentials: { token: 'carol-token' } }),
    admin: new AbacoClient({ url, credentials: { token: 'root-token' } }),
  };
}

/**
 * The executor on a container engine (`docker` or `podman`, reached at DOCKER_HOST / CONTAINER_HOST
 * with the abacosamples/node_func image that `.ci/engines.sh start` builds): 200 calls in order, a
 * throw, and close() removing the actor, its workers and its containers. Skipped with a reason when
 * the engine is unreachable, a failure under CI.
 */
export async function engineScenario(t: Test, name: 'docker' | 'podman', connect: () => Promise<ContainerRuntime>): Promise<void> {
  const runtime = await connect().catch((e: Error) => e.message);
  if (typeof runtime === 'string') {
    if (process.env.CI) t.fail(`In CI the ${name} engine must be reachable: ${runtime}`);
    else t.test(`AbacoExecutor on ${name}`, { skip: `skipped: ${runtime} (start the engines with: source .ci/engines.sh start)` }, async () => {});
    return;
  }
  t.test(`AbacoExecutor on ${name}: 200 calls in containers, in order; a throw; close() leaves no container`, async (t) => {
    const { client, admin } = await executorServer(t, runtime);
    const executor = await AbacoExecutor.create(client, { maxWorkers: 4 });
    const containers = () => {
      const cli = name === 'docker' ? ['docker', '-H', process.env.DOCKER_HOST ?? ''] : ['podman', '--url', process.env.CONTAINER_HOST ?? ''];
      const out = execFileSync(cli[0]!, [...cli.slice(1), 'ps', '-a', '-q', '--filter', `label=abaco.actor=TACC_${executor.actorId}`], { encoding: 'utf8' });
      return out.split('\n').filter(Boolean).length;
    };
    const inputs = Array.from({ length: 200 }, (_, i) => i);
    const results: { x: number; uid: number }[] = [];
    for await (const result of executor.map((x: number) => ({ x: x * 3, uid: process.getuid!() }), inputs, { concurrency: 8 })) results.push(result);
    t.same(results.map((r) => r.x), inputs.map((x) => x * 3), 'in input order');
    t.ok(results.every((r) => r.uid === 65534), 'run in containers as the default container user');
    await t.rejects(executor.blockingCall((what: string) => {
      throw new TypeError(`no ${what}`);
    }, 'luck'), { name: 'RemoteError', remoteName: 'TypeError', message: 'no luck', remoteStack: /^TypeError: no luck\n/ });

    const long = await executor.submit(() => new Promise((resolve) => setTimeout(resolve, 60_000)));
    // RUNNING is marked before the container starts: wait for the container itself.
    for (const deadline = Date.now() + 30_000; containers() === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
    t.ok(containers() > 0, 'a container runs the long call');
    await executor.close();
    await t.rejects(long.result(), CancelledError);
    await t.rejects(client.actors.get(executor.actorId), NotFoundError, 'the actor is gone');
    t.equal((await admin.admin.nodes()).nodes[0]!.workers, 0, 'no worker is left');
    t.equal(containers(), 0, 'no container is left');
  });
}
