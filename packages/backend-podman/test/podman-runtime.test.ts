import t from 'tap';
import { engineConformance, runtimeConformance } from '@abaco/core/conformance';
import { PodmanRuntime } from '../src/index.js';

// Needs the Podman service at CONTAINER_HOST with the test images (`source .ci/engines.sh start` makes both).
const reachable = await PodmanRuntime.connect().then((r) => r.close().then(() => true), (e: Error) => e.message);

if (reachable !== true && process.env.CI) {
  t.fail(`In CI the Podman engine must be reachable: ${reachable}`);
} else if (reachable !== true) {
  t.test('Podman engine tests', { skip: `skipped: ${reachable} (start one with: source .ci/engines.sh start)` }, async () => {});
} else {
  runtimeConformance('podman', async () => ({ runtime: await PodmanRuntime.connect(), shellImage: 'abaco-test/busybox', mountRoot: '' }));
  engineConformance('podman', {
    connect: (options) => PodmanRuntime.connect(options),
    missingHost: 'unix:///nonexistent/podman.sock',
    limitsImage: 'abaco-test/memory',
    sleepImage: 'abaco-test/sleep',
    shellImage: 'abaco-test/busybox',
  });
}
