import t from 'tap';
import { engineConformance, runtimeConformance } from '@abaco/core/conformance';
import { DockerRuntime } from '../src/index.js';

// Needs a Docker daemon at DOCKER_HOST with the test images (`source .ci/engines.sh start` makes both).
const reachable = await DockerRuntime.connect().then((r) => r.close().then(() => true), (e: Error) => e.message);

if (reachable !== true && process.env.CI) {
  t.fail(`In CI the Docker engine must be reachable: ${reachable}`);
} else if (reachable !== true) {
  t.test('Docker engine tests', { skip: `skipped: ${reachable} (start one with: source .ci/engines.sh start)` }, async () => {});
} else {
  runtimeConformance('docker', async () => ({ runtime: await DockerRuntime.connect(), shellImage: 'abaco-test/busybox', mountRoot: '' }));
  engineConformance('docker', {
    connect: (options) => DockerRuntime.connect(options),
    missingHost: 'unix:///nonexistent/docker.sock',
    limitsImage: 'abaco-test/memory',
    sleepImage: 'abaco-test/sleep',
    shellImage: 'abaco-test/busybox',
  });
}
