import t from 'tap';
import type { ContainerRuntime } from '../runtime/runtime.js';

export interface EngineUnderTest {
  /** Connects to the engine (to `host` when given) with the given pull policy. */
  connect(options?: { host?: string; pullPolicy?: 'always' | 'if-missing' | 'never' }): Promise<ContainerRuntime>;
  /** A socket address where no engine listens, in the form `host` takes. */
  missingHost: string;
  /** An image whose command prints the memory limit, then the CPU quota, from /sys/fs/cgroup. */
  limitsImage: string;
  /** An image that sleeps for a minute. */
  sleepImage: string;
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
