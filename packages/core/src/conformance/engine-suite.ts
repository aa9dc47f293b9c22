import t from 'tap';
import type { ContainerRuntime, ContainerSpec, ExitInfo } from '../runtime/runtime.js';

export interface EngineUnderTest {
  /** Connects to the engine (to `host` when given) with the given pull policy. */
  connect(options?: { host?: string; pullPolicy?: 'always' | 'if-missing' | 'never' }): Promise<ContainerRuntime>;
  /** A socket address where no engine listens, in the form `host` takes. */
  missingHost: string;
  /** An image whose command prints the memory limit, then the CPU quota, from /sys/fs/cgroup. */
  limitsImage: string;
  /** An image that sleeps for a minute. */
  sleepImage: string;
  /** An image that has `sh` and busybox's tools; the suite gives its command. */
  shellImage: string;
}

/**
 * What container engines (docker, podman) add to the ContainerRuntime contract: limits applied
 * inside the container, a clear error when the engine is not there, the pull policy, and cleanup of
 * the containers a dead engine left. Every engine backend runs it after `runtimeConformance`.
 */
export function engineConformance(name: string, engine: EngineUnderTest): void {
  t.test(`Container engine conformance: ${name}`, async (t) => {
    t.test('memory and CPU limits are visible inside the container', async (t) => {
      const runtime = await engine.connect();
      t.teardown(() => runtime.close());
      const c = await runtime.run({ image: engine.limitsImage, env: {}, mounts: [], privileged: false, labels: {}, memoryBytes: 64 * 1024 * 1024, nanoCpus: 500_000_000 });
      t.teardown(() => c.remove());
      let out = '';
      for await (const chunk of c.logs) out += chunk.text;
      t.match(out, /^67108864\n/, 'memory limit 64 MiB');
      t.match(out, /\n50000\n$|\n50000 100000\n$/, 'half a CPU');
    });

    t.test('a pids limit stops a fork loop', async (t) => {
      const runtime = await engine.connect();
      t.teardown(() => runtime.close());
      const script = 'i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); echo $i; done';
      const { out, err, exit } = await runShell(runtime, engine.shellImage, script, { pidsLimit: 20 });
      const started = Number(out.trim().split('\n').pop());
      t.ok(started > 0 && started < 20, `${started} background processes started under a limit of 20`);
      t.match(err, /fork/, 'the shell was refused a fork');
      t.not(exit.exitCode, 0);
    });

    t.test('capabilities dropped and no-new-privileges, even for root in the container', async (t) => {
      const runtime = await engine.connect();
      t.teardown(() => runtime.close());
      const status = async (more: Partial<ContainerSpec>) => {
        const { out } = await runShell(runtime, engine.shellImage, "grep -E '^(CapEff|NoNewPrivs):' /proc/self/status", { user: '0:0', ...more });
        return Object.fromEntries(out.trim().split('\n').map((line) => line.split(/:\s+/)));
      };
      t.same(await status({ capabilities: [], noNewPrivileges: true }), { CapEff: '0000000000000000', NoNewPrivs: '1' }, 'none left');
      t.same(await status({ capabilities: ['NET_BIND_SERVICE'] }), { CapEff: '0000000000000400', NoNewPrivs: '0' }, 'only the one kept');
      const unset = await status({});
      t.not(unset.CapEff, '0000000000000000', `the engine's default set when unset (${unset.CapEff})`);
      t.equal(unset.NoNewPrivs, '0');
    });

    t.test('an engine that is not there gives one clear error naming the socket', async (t) => {
      await t.rejects(engine.connect({ host: engine.missingHost }), { message: new RegExp(`is not reachable at unix://${engine.missingHost.replace(/^unix:\/\//, '').replace(/[/.]/g, '\\$&')}`) });
    });

    t.test('pull policy never refuses a missing image without pulling', async (t) => {
      const runtime = await engine.connect({ pullPolicy: 'never' });
      t.teardown(() => runtime.close());
      await t.rejects(runtime.ensureImage('abaco-test/absent:1'), { name: 'ImageUnavailableError', message: new RegExp(`abaco-test/absent:1 is not present and cannot be pulled \\(engine: ${runtime.name} at unix:.*\\): the pull policy is never`) });
    });

    t.test('cleanup removes the containers of dead workers of this installation only', async (t) => {
      const runtime = await engine.connect();
      t.teardown(() => runtime.close());
      const labels = (installation: string, worker: string) => ({ 'abaco.installation': installation, 'abaco.worker': worker, 'abaco.execution': 'e1', 'abaco.actor': 'T_a' });
      const spec = { image: engine.sleepImage, env: {}, mounts: [], privileged: false };
      const orphan = await runtime.run({ ...spec, labels: labels('conformance-mine', 'dead') });
      const other = await runtime.run({ ...spec, labels: labels('conformance-someone-else', 'w') });
      t.teardown(() => other.remove());
      t.ok((await runtime.cleanup((l) => l['abaco.installation'] !== 'conformance-mine')) >= 1);
      const exit = await orphan.wait().catch(() => undefined);
      t.ok(exit === undefined || exit.exitCode !== 0, 'the orphan is gone');
      await other.kill();
      t.equal((await other.wait()).killed, true, "another installation's container ran until we killed it");
    });
  });
}

/** Runs `script` with `sh -c` in `image` to its end; answers its output and exit. */
async function runShell(runtime: ContainerRuntime, image: string, script: string, more: Partial<ContainerSpec>): Promise<{ out: string; err: string; exit: ExitInfo }> {
  const c = await runtime.run({ image, command: ['sh', '-c', script], env: {}, mounts: [], privileged: false, labels: {}, ...more });
  try {
    let out = '';
    let err = '';
    for await (const chunk of c.logs) chunk.stream === 'stdout' ? (out += chunk.text) : (err += chunk.text);
    return { out, err, exit: await c.wait() };
  } finally {
    await c.remove();
  }
}
