import { createHash, randomBytes } from 'node:crypto';
import t from 'tap';
import { SecretBox } from '../src/registry/secrets.js';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import type { ContainerRuntime, ContainerSpec } from '../src/runtime/runtime.js';
import { alice, bob, priv } from './helpers.js';
import { eventually, finished, images, runningEngine } from './pipeline-helpers.js';

t.test('the quickstart: the word-count actor counts the words of its message', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/wc', name: 'word_counter' });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'Actor, please count these words.' });
  t.equal(execution.status, 'SUBMITTED');
  const done = await finished(abaco, alice, actor.id, execution.id);
  t.match(done, { status: 'COMPLETE', exitCode: 0, executor: 'alice', finalState: { Status: 'exited', ExitCode: 0, OOMKilled: false } });
  t.ok(done.workerId && done.startTime && done.finishTime);
  const { logs } = await abaco.executions.logs(alice, actor.id, execution.id);
  t.equal(logs, 'Number of words is: 5\n');
  t.equal((await abaco.actors.get(alice, actor.id)).status, 'READY');
  const summary = await abaco.executions.list(alice, actor.id);
  t.match(summary, { totalExecutions: 1, executions: [{ id: execution.id, status: 'COMPLETE' }] });
});

t.test('the context: every variable of the user guide, default environment, query parameters, configs', async (t) => {
  const abaco = await runningEngine(t, { settings: { secretKey: SecretBox.newKey(), apiServer: 'https://abaco.example.org' } });
  const actor = await abaco.actors.create(alice, {
    image: 'test/env', name: 'envy', stateless: false,
    defaultEnvironment: { key1: 'value1', overridden: 'default', nested: { a: [1, 'two'], b: true } },
  });
  await abaco.state.set(alice, actor.id, { count: 1 });
  await abaco.configs.create(alice, { name: 'config_name', value: '123', actors: actor.id, isSecret: false });
  await abaco.configs.create(alice, { name: 'pw', value: 'hunter2', actors: actor.id, isSecret: true });
  await abaco.permissions.grant(alice, { actor: actor.id }, { user: 'bob', level: 'EXECUTE' });
  const { execution } = await abaco.messages.send(bob, actor.id, { kind: 'json', value: { words: ['a', 'b'] } }, { env: { overridden: 'by query', extra: 'x y' } });
  await finished(abaco, alice, actor.id, execution.id);
  const env = Object.fromEntries((await abaco.executions.logs(alice, actor.id, execution.id)).logs.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  t.match(env, {
    _abaco_actor_id: actor.id,
    _abaco_actor_dbid: `TACC_${actor.id}`,
    _abaco_actor_name: 'envy',
    _abaco_container_repo: 'test/env',
    _abaco_execution_id: execution.id,
    _abaco_api_server: 'https://abaco.example.org',
    _abaco_actor_state: "{'count': 1}",
    _abaco_Content_Type: 'application/json',
    _abaco_username: 'bob',
    _abaco_access_token: '',
    MSG: "{'words': ['a', 'b']}",
    _abaco_raw_message: '{"words":["a","b"]}',
    key1: 'value1',
    overridden: 'by query',
    extra: 'x y',
    nested: "{'a': [1, 'two'], 'b': True}",
    _actor_configs: "{'config_name': '123', 'pw': 'hunter2'}",
  });
  t.match(env._abaco_worker_id, /^[0-9A-Za-z]{13}$/);
  await t.rejects(abaco.messages.send(alice, actor.id, { kind: 'str', text: 'x' }, { env: { 'bad name': '1' } }), { name: 'BadRequestError', message: /Invalid query parameter 'bad name'/ });
});

t.test('containers run as the uid:gid of the actor, else of its owner (setting userIds)', async (t) => {
  const ids = new ProcessRuntime({
    images: {
      'test/id': ['sh', '-c', 'echo "$(id -u):$(id -g)"'],
      'test/id-result': ['python3', '-c', 'import os, socket\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.sendto(str(os.getuid()).encode(), os.environ["ABACO_ROOT"] + "/_abaco_results.sock")'],
    },
  });
  const withIds = await runningEngine(t, { runtime: ids, settings: { userIds: { alice: '4001:4002' } } });
  const byOwner = await withIds.actors.create(alice, { image: 'test/id' });
  const own = await withIds.messages.send(alice, byOwner.id, { kind: 'str', text: '' }, { synchronous: true });
  t.same(own.sync, { kind: 'logs', text: '4001:4002\n' });
  const explicit = await withIds.actors.create(priv, { image: 'test/id', uid: '4100', gid: '4200' });
  const set = await withIds.messages.send(priv, explicit.id, { kind: 'str', text: '' }, { synchronous: true });
  t.same(set.sync, { kind: 'logs', text: '4100:4200\n' });
  const sender = await withIds.actors.create(alice, { image: 'test/id-result' });
  const sent = await withIds.messages.send(alice, sender.id, { kind: 'str', text: '' }, { synchronous: true });
  t.same(sent.sync, { kind: 'result', data: Buffer.from('4001') }, 'an actor running as another user reaches its results socket');
  const nobody = await withIds.actors.create(bob, { image: 'test/id' });
  const unnamed = await withIds.messages.send(bob, nobody.id, { kind: 'str', text: '' }, { synchronous: true });
  t.same(unnamed.sync, { kind: 'logs', text: '65534:65534\n' }, 'an owner without userIds runs as defaultContainerUser (nobody)');
  const imageUser = await withIds.actors.create(priv, { image: 'test/id', useContainerUid: true });
  const image = await withIds.messages.send(priv, imageUser.id, { kind: 'str', text: '' }, { synchronous: true });
  t.same(image.sync, { kind: 'logs', text: `${process.getuid!()}:${process.getgid!()}\n` }, 'useContainerUid: the image\'s (here the engine\'s) user');
});

t.test('results sockets made ahead: runs for four users in turn, twice over (the second time from spares), each get their own socket, as their user', async (t) => {
  const report = 'import os, socket\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\nst = os.stat(os.environ["ABACO_ROOT"] + "/_abaco_results.sock")\ns.sendto(("%d %d %o %s" % (os.getuid(), st.st_uid, st.st_mode & 0o777, os.environ["MSG"])).encode(), os.environ["ABACO_ROOT"] + "/_abaco_results.sock")';
  const abaco = await runningEngine(t, { runtime: new ProcessRuntime({ images: { 'test/report': ['python3', '-c', report] } }) });
  const uids = [4001, 4002, 4003, 4004];
  const actors = await Promise.all(uids.map((uid) => abaco.actors.create(priv, { image: 'test/report', uid: String(uid), gid: String(uid) })));
  for (const round of [1, 2]) {
    for (const [i, uid] of uids.entries()) {
      const { sync } = await abaco.messages.send(priv, actors[i]!.id, { kind: 'str', text: `r${round}` }, { synchronous: true });
      t.same(sync, { kind: 'result', data: Buffer.from(`${uid} ${uid} 600 r${round}`) }, `round ${round}, user ${uid}`);
    }
  }
});

t.test("the results socket and the FIFO belong to the container's user, mode 0600", async (t) => {
  const look = 'for f in _abaco_results.sock _abaco_binary_data; do [ -e "$ABACO_ROOT/$f" ] && stat -L -c "$f %a %u:%g" "$ABACO_ROOT/$f"; done; cat "$ABACO_ROOT/_abaco_binary_data" | wc -c';
  const abaco = await runningEngine(t, { runtime: new ProcessRuntime({ images: { 'test/look': ['sh', '-c', look] } }), settings: { userIds: { alice: '4001:4002' } } });
  const actor = await abaco.actors.create(alice, { image: 'test/look' });
  const { sync } = await abaco.messages.send(alice, actor.id, { kind: 'binary', data: Buffer.from('12345') }, { synchronous: true });
  t.same(sync, { kind: 'logs', text: '_abaco_results.sock 600 4001:4002\n_abaco_binary_data 600 4001:4002\n5\n' }, 'owned by 4001:4002, which reads the FIFO');
  const ownImage = await abaco.actors.create(priv, { image: 'test/look', useContainerUid: true });
  const open = await abaco.messages.send(priv, ownImage.id, { kind: 'binary', data: Buffer.from('12') }, { synchronous: true });
  t.same(open.sync, { kind: 'logs', text: `_abaco_results.sock 666 ${process.getuid!()}:${process.getgid!()}\n_abaco_binary_data 644 ${process.getuid!()}:${process.getgid!()}\n2\n` }, "the image's user is not known: the engine's files, open to it");
});

t.test('containers get the deployment limits unless a privileged user set their own; no capabilities unless privileged', async (t) => {
  const specs: ContainerSpec[] = [];
  const processes = new ProcessRuntime({ images });
  const recording: ContainerRuntime = {
    name: processes.name, isolated: processes.isolated, ensureImage: (image) => processes.ensureImage(image),
    run: (spec) => (specs.push(spec), processes.run(spec)), cleanup: () => processes.cleanup(), close: () => processes.close(),
  };
  const abaco = await runningEngine(t, { runtime: recording });
  const plain = await abaco.actors.create(alice, { image: 'abacosamples/wc' });
  await abaco.messages.send(alice, plain.id, { kind: 'str', text: 'x' }, { synchronous: true });
  t.match(specs.pop(), { user: '65534:65534', memoryBytes: 2 * 1024 ** 3, nanoCpus: 1e9, pidsLimit: 512, capabilities: [], noNewPrivileges: true, privileged: false });
  const own = await abaco.actors.create(priv, { image: 'abacosamples/wc', memLimit: '64m', maxCpus: 500_000_000, privileged: true });
  await abaco.messages.send(priv, own.id, { kind: 'str', text: 'x' }, { synchronous: true });
  const privileged = specs.pop()!;
  t.match(privileged, { memoryBytes: 64 * 1024 ** 2, nanoCpus: 500_000_000, pidsLimit: 512, privileged: true });
  t.equal(privileged.capabilities, undefined, "a privileged actor keeps the engine's privileged mode");
  t.equal(privileged.noNewPrivileges, undefined);

  const unlimited = await runningEngine(t, { runtime: recording, settings: { containerMemLimit: null, containerMaxCpus: null, containerPidsLimit: 64, defaultContainerUser: null } });
  const free = await unlimited.actors.create(alice, { image: 'abacosamples/wc' });
  await unlimited.messages.send(alice, free.id, { kind: 'str', text: 'x' }, { synchronous: true });
  t.match(specs.pop(), { user: undefined, memoryBytes: undefined, nanoCpus: undefined, pidsLimit: 64, capabilities: [] }, 'settings turn the defaults off, never the pids limit');
});

t.test('binary messages reach the actor through the FIFO, byte for byte', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/binary' });
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'binary', data });
  t.equal(execution.contentType, 'application/octet-stream');
  await finished(abaco, alice, actor.id, execution.id);
  const { logs } = await abaco.executions.logs(alice, actor.id, execution.id);
  t.equal(logs, `${data.length}\n${createHash('sha256').update(data).digest('hex')}  -\n`);
});

t.test('results: each datagram is one result, popped in order, up to 131072 bytes', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/results' });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'go' });
  await finished(abaco, alice, actor.id, execution.id);
  t.equal((await abaco.executions.result(alice, actor.id, execution.id)).toString(), 'first');
  t.equal((await abaco.executions.result(alice, actor.id, execution.id)).toString(), 'second');
  const big = await abaco.executions.result(alice, actor.id, execution.id);
  t.equal(big.length, 131072);
  t.ok(big.every((b) => b === 0x78));
  t.equal((await abaco.executions.result(alice, actor.id, execution.id)).length, 0, 'empty once all are read');
  await t.rejects(abaco.executions.result(bob, actor.id, execution.id), { name: 'ForbiddenError' });
});

t.test('a result can be read while its execution still runs', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/result-then-sleep' });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'go' });
  const early = await eventually(async () => {
    const r = await abaco.executions.result(alice, actor.id, execution.id);
    return r.length > 0 && r;
  });
  t.equal(early.toString(), 'early');
  t.equal((await abaco.executions.get(alice, actor.id, execution.id)).execution.status, 'RUNNING');
  await abaco.executions.halt(alice, actor.id, execution.id);
});

t.test('an actor with token: true gets an access token for its execution, valid for its actor only while it runs', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/token', token: true, stateless: false });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'x' });
  await finished(abaco, alice, actor.id, execution.id);
  const token = (await abaco.executions.logs(alice, actor.id, execution.id)).logs.trim();
  t.match(token, /^TACC_[0-9A-Za-z]{13}$/);
  await t.rejects(abaco.nonces.redeem(token, actor.id, 'UPDATE'), { message: 'Nonce does not exist.' }, 'revoked when the execution ended');
  const plain = await abaco.actors.create(alice, { image: 'test/token' });
  const second = await abaco.messages.send(alice, plain.id, { kind: 'str', text: 'x' });
  await finished(abaco, alice, plain.id, second.execution.id);
  t.equal((await abaco.executions.logs(alice, plain.id, second.execution.id)).logs, '\n', 'no token unless asked for');
});

t.test('synchronous messages answer with the first result, or the logs, or the execution on timeout', async (t) => {
  const abaco = await runningEngine(t);
  const results = await abaco.actors.create(alice, { image: 'test/results' });
  const withResult = await abaco.messages.send(alice, results.id, { kind: 'str', text: 'go' }, { synchronous: true });
  t.equal(withResult.execution.status, 'COMPLETE');
  t.same(withResult.sync, { kind: 'result', data: Buffer.from('first') });
  t.same(await abaco.executions.result(alice, results.id, withResult.execution.id), Buffer.from('second'), 'the answer took the first result only');

  const wc = await abaco.actors.create(alice, { image: 'abacosamples/wc' });
  const withLogs = await abaco.messages.send(alice, wc.id, { kind: 'str', text: 'one two three' }, { synchronous: true });
  t.same(withLogs.sync, { kind: 'logs', text: 'Number of words is: 3\n' });

  // Ended without its run telling how (it failed): the answer is read from the store.
  const broken = await runningEngine(t, { runtime: new ProcessRuntime({ images: { 'test/broken': ['/no/such/program'] } }) });
  const cannotStart = await broken.actors.create(priv, { image: 'test/broken' });
  const failed = await broken.messages.send(priv, cannotStart.id, { kind: 'str', text: 'x' }, { synchronous: true });
  t.equal(failed.execution.status, 'ERROR');
  t.match(failed.sync, { kind: 'logs', text: /^Could not start the container: Could not start \/no\/such\/program/ });

  const impatient = await runningEngine(t, { settings: { syncTimeoutMs: 1500 } });
  const sleeper = await impatient.actors.create(alice, { image: 'test/sleep' });
  const slow = await impatient.messages.send(alice, sleeper.id, { kind: 'str', text: 'z' }, { synchronous: true });
  t.same(slow.sync, { kind: 'timeout' });
  t.match(slow.execution.status, /SUBMITTED|RUNNING/);
});

t.test('a synchronous message is refused when more than 3 messages already wait', async (t) => {
  const abaco = await runningEngine(t);
  const sleeper = await abaco.actors.create(alice, { image: 'test/sleep', stateless: false });
  for (let i = 0; i < 5; i++) await abaco.messages.send(alice, sleeper.id, { kind: 'str', text: `m${i}` });
  await eventually(async () => (await abaco.messages.count(alice, sleeper.id)).messages === 4);
  await t.rejects(abaco.messages.send(alice, sleeper.id, { kind: 'str', text: 'sync' }, { synchronous: true }), { name: 'BadRequestError', message: /^Cannot issue synchronous execution when actor message queue > 3/ });
  t.equal((await abaco.messages.count(alice, sleeper.id)).messages, 4, 'the refused message was not queued');
});

t.test('halt kills a running execution; halting one that is not running is refused', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/sleep' });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'z' });
  await eventually(async () => (await abaco.executions.get(alice, actor.id, execution.id)).execution.status === 'RUNNING');
  await eventually(async () => (await abaco.executions.logs(alice, actor.id, execution.id)).logs.includes('started'));
  await t.rejects(abaco.executions.halt(bob, actor.id, execution.id), { name: 'ForbiddenError' });
  const before = Date.now();
  await abaco.executions.halt(alice, actor.id, execution.id);
  const done = await finished(abaco, alice, actor.id, execution.id);
  t.ok(Date.now() - before < 5000, 'it stopped at once, not after its 30 s sleep');
  t.match(done, { status: 'COMPLETE', statusMessage: 'Execution was halted (force quit).' });
  t.not(done.exitCode, 0);
  t.equal((await abaco.executions.logs(alice, actor.id, execution.id)).logs, 'started\n');
  await t.rejects(abaco.executions.halt(alice, actor.id, execution.id), { message: 'Cannot force quit an execution not in RUNNING status. Execution was found in status: COMPLETE' });
  await t.rejects(abaco.executions.get(alice, actor.id, 'nosuchexecution'), { message: `No executions found with actor id of ${actor.id} and execution id of nosuchexecution.` });
});

t.test('an execution is RUNNING before its container starts; halted then, the container is killed as soon as it is up', async (t) => {
  const processes = new ProcessRuntime({ images });
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const slowStart: ContainerRuntime = {
    name: processes.name, isolated: processes.isolated, ensureImage: (image) => processes.ensureImage(image),
    run: async (spec) => (await gate, processes.run(spec)), cleanup: () => processes.cleanup(), close: () => processes.close(),
  };
  const abaco = await runningEngine(t, { runtime: slowStart });
  const actor = await abaco.actors.create(alice, { image: 'test/sleep' });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'z' });
  const starting = await eventually(async () => {
    const { execution: e } = await abaco.executions.get(alice, actor.id, execution.id);
    return e.status === 'RUNNING' && e;
  });
  t.ok(starting.startTime && starting.workerId, 'with its start time and worker');
  await abaco.executions.halt(alice, actor.id, execution.id);
  open();
  const done = await finished(abaco, alice, actor.id, execution.id);
  t.match(done, { status: 'COMPLETE', statusMessage: 'Execution was halted (force quit).' });
  t.not(done.exitCode, 0, 'killed, not after its 30 s sleep');
});

t.test('logs: partial while running, cut past the limit with a marker', async (t) => {
  const abaco = await runningEngine(t, { settings: { logMaxChars: 40 } });
  const out = await abaco.actors.create(alice, { image: 'test/out' });
  const { execution } = await abaco.messages.send(alice, out.id, { kind: 'str', text: 'x' });
  const partial = await eventually(async () => {
    const { execution: e, logs } = await abaco.executions.logs(alice, out.id, execution.id);
    return e.status === 'RUNNING' && logs.length > 0 && logs;
  });
  t.match(partial, /^line 0\n/, `partial logs of a running execution: ${JSON.stringify(partial)}`);
  await finished(abaco, alice, out.id, execution.id);
  const { logs } = await abaco.executions.logs(alice, out.id, execution.id);
  t.equal(logs, 'line 0\nline 1\nline 2\nline 3\nline 4\n', 'all of it once finished (35 characters)');

  const env = await abaco.actors.create(alice, { image: 'test/env' });
  const big = await abaco.messages.send(alice, env.id, { kind: 'str', text: 'x' });
  await finished(abaco, alice, env.id, big.execution.id);
  const cut = (await abaco.executions.logs(alice, env.id, big.execution.id)).logs;
  t.equal(cut.length, 40 + ' LOG LIMIT EXCEEDED; this execution log was TRUNCATED!'.length);
  t.match(cut, / LOG LIMIT EXCEEDED; this execution log was TRUNCATED!$/);
});

t.test('logs expire after the actor\'s logEx, capped by the limit', async (t) => {
  let now = Date.now();
  const abaco = await runningEngine(t, { now: () => new Date(now), settings: { logExLimit: 3600 } });
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/wc', logEx: 60 });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'a b' });
  await finished(abaco, alice, actor.id, execution.id);
  const capped = await abaco.actors.create(alice, { image: 'abacosamples/wc', logEx: 999_999 });
  const second = await abaco.messages.send(alice, capped.id, { kind: 'str', text: 'a b c' });
  await finished(abaco, alice, capped.id, second.execution.id);
  now += 59_000;
  t.equal((await abaco.executions.logs(alice, actor.id, execution.id)).logs, 'Number of words is: 2\n');
  now += 2_000;
  t.equal((await abaco.executions.logs(alice, actor.id, execution.id)).logs, '', 'gone after 60 s');
  t.equal((await abaco.executions.logs(alice, capped.id, second.execution.id)).logs, 'Number of words is: 3\n');
  now += 3600_000;
  t.equal((await abaco.executions.logs(alice, capped.id, second.execution.id)).logs, '', 'an actor cannot keep logs past the limit');
  // @ts-expect-error the private log store's sweep removes expired records
  t.equal(await abaco.logs.sweep(), 2);
});

t.test('message count and purge; purged messages end as ERROR', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/sleep', stateless: false });
  const sent = [];
  for (let i = 0; i < 4; i++) sent.push((await abaco.messages.send(alice, actor.id, { kind: 'str', text: `${i}` })).execution);
  await eventually(async () => (await abaco.messages.count(alice, actor.id)).messages === 3);
  await t.rejects(abaco.messages.purge(bob, actor.id), { name: 'ForbiddenError' });
  t.equal((await abaco.messages.purge(alice, actor.id)).purged, 3);
  t.equal((await abaco.messages.count(alice, actor.id)).messages, 0);
  for (const e of sent.slice(1)) {
    t.match((await abaco.executions.get(alice, actor.id, e.id)).execution, { status: 'ERROR', statusMessage: /purged/ });
  }
});

t.test('an image that cannot be had puts the actor in ERROR with a readable message', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'no/such-image' });
  const errored = await eventually(async () => {
    const a = await abaco.actors.get(alice, actor.id);
    return a.status === 'ERROR' && a;
  });
  t.match(errored.statusMessage, /Image no\/such-image is not present and cannot be pulled \(runtime: process\)/);
  t.same((await abaco.workers.list(alice, actor.id)).workers, [], 'no worker is left');
  const fixed = await abaco.actors.update(alice, actor.id, { image: 'abacosamples/wc' });
  t.match(fixed, { status: 'SUBMITTED', revision: 2 });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'now it works' });
  t.equal((await finished(abaco, alice, actor.id, execution.id)).status, 'COMPLETE');
  t.equal((await abaco.actors.get(alice, actor.id)).status, 'READY');
});

t.test('containers that cannot start: the execution is ERROR with the reason; repeated, the actor is ERROR', async (t) => {
  const broken = await runningEngine(t, { runtime: new ProcessRuntime({ images: { 'test/broken': ['/no/such/program'] } }) });
  const actor = await broken.actors.create(priv, { image: 'test/broken', stateless: false });
  const sent = [];
  for (let i = 0; i < 4; i++) sent.push((await broken.messages.send(priv, actor.id, { kind: 'str', text: `${i}` })).execution);
  const first = await finished(broken, priv, actor.id, sent[0]!.id);
  t.match(first, { status: 'ERROR', statusMessage: /^Could not start the container: Could not start \/no\/such\/program/ });
  t.match((await broken.executions.logs(priv, actor.id, first.id)).logs, /Could not start the container/);
  const errored = await eventually(async () => {
    const a = await broken.actors.get(priv, actor.id);
    return a.status === 'ERROR' && a;
  });
  t.match(errored.statusMessage, /failed to start 3 times in a row/);
  t.equal((await broken.executions.get(priv, actor.id, sent[3]!.id)).execution.status, 'SUBMITTED', 'the fourth message waits for a fixed actor');
});
