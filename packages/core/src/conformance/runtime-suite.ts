import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ImageUnavailableError, type ContainerRuntime, type ContainerSpec, type RunningContainer } from '../runtime/runtime.js';

export interface RuntimeUnderTest {
  runtime: ContainerRuntime;
  /** An image that has `sh` and the usual tools (busybox will do); the suite overrides its command. */
  shellImage: string;
  /** Where mounts appear inside, as a shell expression: '' for containers, '$ABACO_ROOT' for processes. */
  mountRoot: string;
}

/**
 * The conformance suite of the ContainerRuntime port. Every runtime runs it unchanged:
 * `runtimeConformance('docker', async () => ({ runtime, shellImage: 'busybox', mountRoot: '' }))`.
 */
export function runtimeConformance(name: string, make: () => Promise<RuntimeUnderTest>): void {
  t.test(`ContainerRuntime conformance: ${name}`, async (t) => {
    const { runtime, shellImage, mountRoot } = await make();
    t.teardown(() => runtime.close());
    const spec = (script: string, more: Partial<ContainerSpec> = {}): ContainerSpec => ({
      image: shellImage,
      command: ['sh', '-c', script],
      env: {},
      mounts: [],
      privileged: false,
      labels: { 'abaco.test': 'conformance' },
      ...more,
    });
    const collect = async (c: RunningContainer) => {
      let out = '';
      let err = '';
      for await (const chunk of c.logs) chunk.stream === 'stdout' ? (out += chunk.text) : (err += chunk.text);
      return { out, err };
    };
    const runToEnd = async (s: ContainerSpec) => {
      const c = await runtime.run(s);
      t.teardown(() => c.remove());
      const logs = await collect(c);
      return { ...logs, exit: await c.wait(), container: c };
    };

    t.test('an image that is present is accepted; a missing one is refused with its name', async (t) => {
      await runtime.ensureImage(shellImage);
      const missing = 'abaco-test/no-such-image:never';
      const refusal = await runtime.ensureImage(missing).then(() => undefined, (e: unknown) => e);
      t.ok(refusal instanceof ImageUnavailableError, 'an ImageUnavailableError');
      t.match((refusal as Error).message, missing, 'naming the image');
      t.match((refusal as Error).message, runtime.name, 'and the runtime');
    });

    t.test('environment in, stdout and stderr out, exit code and final state', async (t) => {
      const { out, err, exit } = await runToEnd(spec('echo "msg=$MSG"; echo "weird=$W"; echo oops >&2; exit 7', { env: { MSG: 'hello world', W: "it's \"quoted\" $HOME" } }));
      t.equal(out, `msg=hello world\nweird=it's "quoted" $HOME\n`);
      t.equal(err, 'oops\n');
      t.equal(exit.exitCode, 7);
      t.match(exit, { oomKilled: false, killed: false, finalState: { Status: 'exited', Running: false, ExitCode: 7, OOMKilled: false } });
      const started = Date.parse(exit.finalState.StartedAt);
      const ended = Date.parse(exit.finalState.FinishedAt);
      // Docker may report FinishedAt a fraction of a millisecond before StartedAt for a container that exits at once.
      t.ok(started > 0 && ended >= started - 5, 'StartedAt and FinishedAt are times, in order');
    });

    t.test('logs arrive while the container still runs', async (t) => {
      const c = await runtime.run(spec('echo first; sleep 1.5; echo second'));
      t.teardown(() => c.remove());
      const iterator = c.logs[Symbol.asyncIterator]();
      const first = await iterator.next();
      let exited = false;
      void c.wait().then(() => (exited = true), () => {});
      t.match(first.value?.text, /first/);
      t.notOk(exited, 'the first line came before the container ended');
      let rest = '';
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest += next.value.text;
      t.match(rest, /second/);
    });

    t.test('bind mounts: read-only files in, read-write folders out', async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'abaco-mount-'));
      t.teardown(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(join(dir, 'input.txt'), 'from the host');
      const out = mkdtempSync(join(tmpdir(), 'abaco-out-'));
      t.teardown(() => rmSync(out, { recursive: true, force: true }));
      const { out: stdout, exit } = await runToEnd(
        spec(`cat ${mountRoot}/data/input.txt; echo written > ${mountRoot}/out/file.txt`, {
          mounts: [
            { hostPath: join(dir, 'input.txt'), containerPath: '/data/input.txt', readOnly: true },
            { hostPath: out, containerPath: '/out', readOnly: false },
          ],
        }),
      );
      t.equal(exit.exitCode, 0);
      t.equal(stdout, 'from the host');
      t.equal(readFileSync(join(out, 'file.txt'), 'utf8'), 'written\n');
    });

    t.test('runs as the user given', async (t) => {
      const { out } = await runToEnd(spec('id -u; id -g', { user: '4321:1234' }));
      t.equal(out, '4321\n1234\n');
    });

    t.test('kill stops a running container at once', async (t) => {
      const c = await runtime.run(spec('echo up; sleep 60'));
      t.teardown(() => c.remove());
      const iterator = c.logs[Symbol.asyncIterator]();
      await iterator.next();
      const before = Date.now();
      await c.kill();
      const exit = await c.wait();
      t.ok(Date.now() - before < 5000, 'it ended within 5 s');
      t.equal(exit.killed, true);
      t.not(exit.exitCode, 0);
    });

    t.test('CPU time of a busy container is counted', async (t) => {
      const { container } = await runToEnd(spec('i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done; echo done'));
      const usage = await container.usage();
      t.ok(usage.cpu > 0, `cpu ${usage.cpu} ns`);
      t.ok(usage.io >= 0, `io ${usage.io} bytes`);
    });

    t.test('a container that cannot start is refused by run', async (t) => {
      await t.rejects(runtime.run({ ...spec('true'), command: ['/no/such/program'] }));
    });
  });
}
