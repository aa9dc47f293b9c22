import t from 'tap';
import { runtimeConformance } from '@abaco/core/conformance';
import { DockerRuntime } from '../src/index.js';

// Needs a Docker daemon at DOCKER_HOST with the test images (bash .ci/engines.sh start builds both).
const reachable = await DockerRuntime.connect().then((r) => r.close().then(() => true), (e: Error) => e.message);

if (reachable !== true && process.env.CI) {
  t.fail(`In CI the Docker engine must be reachable: ${reachable}`);
} else if (reachable !== true) {
  t.test('Docker engine tests', { skip: `skipped: ${reachable} (start one with: source .ci/engines.sh start)` }, async () => {});
} else {
  runtimeConformance('docker', async () => ({ runtime: await DockerRuntime.connect(), shellImage: 'abaco-test/busybox', mountRoot: '' }));

  t.test('docker: memory and CPU limits are visible inside the container', async (t) => {
    const runtime = await DockerRuntime.connect();
    t.teardown(() => runtime.close());
    const c = await runtime.run({ image: 'abaco-test/memory', env: {}, mounts: [], privileged: false, labels: {}, memoryBytes: 64 * 1024 * 1024, nanoCpus: 500_000_000 });
    t.teardown(() => c.remove());
    let out = '';
    for await (const chunk of c.logs) out += chunk.text;
    t.match(out, /^67108864\n/, 'memory limit 64 MiB');
    t.match(out, /\n50000\n$|\n50000 100000\n$/, 'half a CPU');
  });

  t.test('docker: a daemon that is not there gives one clear error naming the socket', async (t) => {
    await t.rejects(DockerRuntime.connect({ host: 'unix:///nonexistent/docker.sock' }), { message: /^Docker is not reachable at unix:\/\/\/nonexistent\/docker.sock/ });
  });

  t.test('docker: pull policy never refuses a missing image without pulling', async (t) => {
    const runtime = await DockerRuntime.connect({ pullPolicy: 'never' });
    await t.rejects(runtime.ensureImage('abaco-test/absent:1'), { name: 'ImageUnavailableError', message: /abaco-test\/absent:1 is not present and cannot be pulled \(engine: docker at unix:.*\): the pull policy is never/ });
  });

  t.test('docker: cleanup removes the containers of dead workers, only of this installation', async (t) => {
    const runtime = await DockerRuntime.connect();
    const labels = (installation: string, worker: string) => ({ 'abaco.installation': installation, 'abaco.worker': worker, 'abaco.execution': 'e1', 'abaco.actor': 'T_a' });
    const orphan = await runtime.run({ image: 'abaco-test/sleep', env: {}, mounts: [], privileged: false, labels: labels('mine', 'dead') });
    const other = await runtime.run({ image: 'abaco-test/sleep', env: {}, mounts: [], privileged: false, labels: labels('someone-else', 'w') });
    t.teardown(() => other.remove());
    const removed = await runtime.cleanup((l) => l['abaco.installation'] !== 'mine');
    t.ok(removed >= 1);
    const exit = await orphan.wait().catch(() => undefined);
    t.ok(exit === undefined || exit.exitCode !== 0, 'the orphan is gone');
    await other.kill();
    t.equal((await other.wait()).killed, true, "another installation's container was left alone until we killed it");
  });
}
