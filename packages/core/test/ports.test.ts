import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { busConformance, inboxConformance, runtimeConformance } from '../src/conformance/index.js';
import { MqemitterBus } from '../src/bus/mqemitter-bus.js';
import { StoreInbox } from '../src/inbox/store-inbox.js';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import { LevelStore } from '../src/store/level-store.js';
import { eventually } from './pipeline-helpers.js';

inboxConformance('kept in a level store on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-inbox-'));
  const store = await LevelStore.open(dir);
  return { inbox: new StoreInbox(store), store, close: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
});

busConformance('mqemitter', async () => new MqemitterBus());

runtimeConformance('process', async () => ({ runtime: new ProcessRuntime({ images: { 'test/shell': ['sh'] } }), shellImage: 'test/shell', mountRoot: '$ABACO_ROOT' }));

t.test('the process runtime: what an image names', async (t) => {
  const runtime = new ProcessRuntime({ images: { 'abacosamples/wc': ['sh', '-c', 'echo hi'] } });
  await runtime.ensureImage('abacosamples/wc');
  await t.rejects(runtime.ensureImage('busybox'), { message: /Image busybox is not present and cannot be pulled \(runtime: process\)/ });
  for (const name of ['constructor', '__proto__', 'toString']) {
    await t.rejects(runtime.ensureImage(name), { name: 'ImageUnavailableError' }, `${name} is not an image`);
  }
});

t.test('the process runtime refuses absolute paths of host executables unless allowHostExecutables is set', async (t) => {
  const strict = new ProcessRuntime();
  await t.rejects(strict.ensureImage('/bin/sh'), {
    name: 'ImageUnavailableError',
    message: /Image \/bin\/sh is not present and cannot be pulled \(runtime: process\).*allowHostExecutables: true \(abaco serve --allow-host-executables\)/,
  });
  const spec = { image: '/bin/sh', env: {}, mounts: [], privileged: false, labels: {} };
  await t.rejects(strict.run(spec), { name: 'ImageUnavailableError' }, 'run refuses it too');
  await t.rejects(strict.run({ ...spec, command: ['sh', '-c', 'echo ran'] }), { name: 'ImageUnavailableError' }, 'even with a command override');

  const open = new ProcessRuntime({ allowHostExecutables: true });
  await open.ensureImage('/bin/sh');
  await t.rejects(open.ensureImage('/etc/passwd'), { name: 'ImageUnavailableError', message: /Image \/etc\/passwd .*not an executable file/ });
  const c = await open.run({ ...spec, command: ['sh', '-c', 'echo ran'] });
  t.teardown(() => c.remove());
  let out = '';
  for await (const chunk of c.logs) out += chunk.text;
  t.equal(out, 'ran\n');
  t.equal((await c.wait()).exitCode, 0);
});

t.test('the process runtime never passes loader variables to the process; other variables pass', async (t) => {
  const runtime = new ProcessRuntime({ images: { 'test/env': ['sh', '-c', 'env'] } });
  const given = {
    LD_PRELOAD: '/tmp/evil.so',
    LD_LIBRARY_PATH: '/tmp',
    BASH_ENV: '/tmp/evil.sh',
    ENV: '/tmp/evil.sh',
    NODE_OPTIONS: '--require /tmp/evil.js',
    PYTHONPATH: '/tmp',
    PERL5OPT: '-Mevil',
    BASH_FUNC_echo: '() { :; }',
    PATH: '/tmp/evil-bin',
    HOME: '/tmp',
    MSG: 'hello',
    ld_preload: 'lower case is not read by the loader',
    _abaco_actor_id: 'A1',
    LANG: 'C',
  };
  const c = await runtime.run({ image: 'test/env', env: given, mounts: [], privileged: false, labels: {} });
  t.teardown(() => c.remove());
  let out = '';
  for await (const chunk of c.logs) out += chunk.text;
  t.equal((await c.wait()).exitCode, 0);
  const seen = new Map(out.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  for (const name of ['LD_PRELOAD', 'LD_LIBRARY_PATH', 'BASH_ENV', 'ENV', 'PYTHONPATH', 'PERL5OPT', 'BASH_FUNC_echo', 'HOME']) {
    t.notOk(seen.has(name), `${name} does not reach the process`);
  }
  // tap instruments the processes its tests spawn through NODE_OPTIONS: what matters is that ours is not there.
  t.notMatch(seen.get('NODE_OPTIONS') ?? '', /evil/, 'the NODE_OPTIONS given does not reach the process');
  t.equal(seen.get('PATH'), process.env.PATH, "PATH is the host's");
  t.equal(seen.get('MSG'), 'hello');
  t.equal(seen.get('ld_preload'), 'lower case is not read by the loader');
  t.equal(seen.get('_abaco_actor_id'), 'A1');
  t.equal(seen.get('LANG'), 'C');
});

t.test('a process run as another user cannot reach the launcher: not its pipes, not its environment, not by tracing', { skip: process.getuid?.() !== 0 && 'users are switched only when the engine runs as root' }, async (t) => {
  const probe = [
    'import ctypes, os',
    'launcher = os.getppid()',
    'for path, mode in ((f"/proc/{launcher}/fd/1", "wb"), (f"/proc/{launcher}/fd/0", "rb"), (f"/proc/{launcher}/environ", "rb")):',
    '    try:',
    '        open(path, mode).close()',
    '        print(path.split("/", 3)[3], "opened")',
    '    except OSError as e:',
    '        print(path.split("/", 3)[3], "refused" if isinstance(e, PermissionError) else e.strerror)',
    'PTRACE_ATTACH = 16',
    'print("trace", "refused" if ctypes.CDLL(None).ptrace(PTRACE_ATTACH, launcher, 0, 0) != 0 else "attached")',
    'print("uid", os.getuid())',
  ].join('\n');
  const runtime = new ProcessRuntime({ images: { 'test/probe': ['python3', '-c', probe] } });
  t.teardown(() => runtime.close());
  const c = await runtime.run({ image: 'test/probe', env: {}, mounts: [], user: '65534:65534', privileged: false, labels: {} });
  t.teardown(() => c.remove());
  let out = '';
  for await (const chunk of c.logs) out += chunk.text;
  t.equal((await c.wait()).exitCode, 0, out);
  t.equal(out, 'fd/1 refused\nfd/0 refused\nenviron refused\ntrace refused\nuid 65534\n');
});

t.test("the process runtime removes each process's sandbox folder, and leaves nothing in workDir once closed", async (t) => {
  const workDir = mkdtempSync(join(tmpdir(), 'abaco-sandboxes-'));
  chmodSync(workDir, 0o711); // the users processes run as go through it to their folders
  t.teardown(() => rmSync(workDir, { recursive: true, force: true }));
  const runtime = new ProcessRuntime({ workDir, images: { 'test/root': ['sh', '-c', 'echo "$ABACO_ROOT"; echo data > "$ABACO_ROOT/made"'] } });
  const users = process.getuid?.() === 0 ? [undefined, '65534:65534'] : [undefined];
  for (const user of users) {
    const c = await runtime.run({ image: 'test/root', env: {}, mounts: [], user, privileged: false, labels: {} });
    let out = '';
    for await (const chunk of c.logs) out += chunk.text;
    t.equal((await c.wait()).exitCode, 0);
    const root = out.trim();
    t.ok(root.startsWith(workDir) && existsSync(join(root, 'made')), `${user ?? "the engine's user"}: it ran in a sandbox in workDir`);
    await c.remove();
    await eventually(async () => !existsSync(root));
    t.pass(`${user ?? "the engine's user"}: its sandbox is gone once removed`);
  }
  await runtime.close();
  t.same(readdirSync(workDir), [], 'nothing is left in workDir');
});

t.test('a process run as another user starts the same whether a spare was ready or not: ids, groups, argv, environment, folder; a command that cannot run is refused', { skip: process.getuid?.() !== 0 && 'users are switched only when the engine runs as root' }, async (t) => {
  const probe = 'import json, os, sys\nprint(json.dumps([os.getresuid(), os.getresgid(), sorted(set(os.getgroups()) - {os.getgid()}), sys.argv[1:], {k: v for k, v in os.environ.items() if k.startswith("T_")}, os.getcwd() == os.environ["ABACO_ROOT"]]))';
  const runtime = new ProcessRuntime({ images: { 'test/probe': ['python3', '-c', probe, 'two words', '', 'x=y'], 'test/missing': ['/nonexistent/program'] } });
  t.teardown(() => runtime.close());
  const env = { T_PLAIN: 'v', T_EMPTY: '', T_LINES: 'a\nb', T_EQUALS: 'k=v=w', T_UNICODE: 'é✓' };
  /** Runs the probe as 65534 and answers its output, then leaves the launcher time to make a spare. */
  const run = async (given: Record<string, string>) => {
    const c = await runtime.run({ image: 'test/probe', env: given, mounts: [], user: '65534:65534', privileged: false, labels: {} });
    let out = '';
    for await (const chunk of c.logs) out += chunk.text;
    t.equal((await c.wait()).exitCode, 0, out);
    await c.remove();
    await new Promise((resolve) => setTimeout(resolve, 100));
    return out;
  };
  const seen = [await run(env), await run(env), await run(env)];
  t.same(JSON.parse(seen[0]!), [[65534, 65534, 65534], [65534, 65534, 65534], [], ['two words', '', 'x=y'], env, true]);
  t.equal(seen[1], seen[0], 'the second run (from a spare) is the same as the first');
  t.equal(seen[2], seen[0], 'and the third');
  // each refusal comes once with a spare ready (made after the run before), once without
  for (const [image, given, refusal] of [
    ['test/probe', { T_NUL: 'a\0LD_PRELOAD\0/tmp/x.so' }, /Could not start python3: .*(NUL|null)/],
    ['test/missing', {}, /Could not start \/nonexistent\/program: .*No such file/],
  ] as const) {
    for (const ready of [true, false]) {
      if (ready) await run({});
      await t.rejects(runtime.run({ image, env: given, mounts: [], user: '65534:65534', privileged: false, labels: {} }), refusal, `${image} refused (spare ready: ${ready})`);
    }
  }
});
