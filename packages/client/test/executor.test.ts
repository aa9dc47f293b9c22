import t from 'tap';
import { AbacoExecutor, AbacoFuture, CancelledError, NoResultError, NotFoundError, RemoteError } from '../src/index.js';
import { executorServer } from './executor-helpers.js';

// AbacoExecutor against a real server whose process runtime runs the built-in abacosamples/node_func:
// every call is a fresh Node process on this machine.

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

t.test('map over 200 inputs: each call in a fresh process, results in input order', async (t) => {
  const { client } = await executorServer(t);
  const executor = await AbacoExecutor.create(client, { maxWorkers: 4 });
  t.teardown(() => executor.close());
  const inputs = Array.from({ length: 200 }, (_, i) => i);
  const results: { square: number; pid: number }[] = [];
  for await (const result of executor.map((x: number) => ({ square: x * x, pid: process.pid }), inputs, { concurrency: 8 })) results.push(result);
  t.same(results.map((r) => r.square), inputs.map((x) => x * x), 'in input order');
  t.equal(new Set(results.map((r) => r.pid)).size, 200, 'one process per call');
  t.equal(await executor.blockingCall((a: number, b: string, c: { n: number[] }) => `${a}-${b}-${c.n.join('+')}`, 1, 'two', { n: [3, 4] }), '1-two-3+4', 'several JSON arguments');
  const asynchronous = await executor.submit(async (ms: number) => {
    const { setTimeout: wait } = await import('node:timers/promises');
    await wait(ms);
    console.log('waited', ms);
    return require('node:os').platform();
  }, 20);
  t.equal(await asynchronous.result(), process.platform, 'an async function, with built-in modules by import() and require()');
  // the result comes through the results socket, before the execution is recorded as finished: wait for that
  await client.executions.wait(asynchronous.actorId, asynchronous.executionId, { intervalMs: 20 });
  t.equal(await asynchronous.done(), true);
  t.equal(await asynchronous.logs(), 'waited 20\n', 'what it printed is in its logs');
  t.equal(await executor.blockingCall(() => undefined), undefined, 'undefined comes back as undefined');
});

t.test('a throw rejects the future with the remote name, message and stack', async (t) => {
  const { client } = await executorServer(t);
  const executor = await AbacoExecutor.create(client);
  t.teardown(() => executor.close());
  const future = await executor.submit((limit: number) => {
    throw new RangeError(`over the limit of ${limit}`);
  }, 3);
  const error = await future.result().then(() => undefined, (e: unknown) => e);
  t.type(error, RemoteError);
  t.match(error, { remoteName: 'RangeError', message: 'over the limit of 3', executionId: future.executionId });
  t.match((error as RemoteError).remoteStack, /^RangeError: over the limit of 3\n\s+at /, "the remote stack");
  t.equal((await future.execution()).exitCode, 1, 'the execution shows the failure');
  await t.rejects(executor.blockingCall(() => 10n), { name: 'RemoteError', remoteName: 'TypeError', message: /BigInt/ }, 'a value JSON cannot carry is refused remotely');
  await t.rejects(executor.blockingCall(() => {
    throw 'a string';
  }), { name: 'RemoteError', message: 'A non-Error value was thrown: a string' });
  await t.rejects(executor.blockingCall(() => process.exit(0)), NoResultError, 'a call that exits without answering');
  const seen: number[] = [];
  const mapping = async () => {
    const fails = (x: number) => {
      if (x === 3) throw new Error('three');
      return x;
    };
    for await (const value of executor.map(fails, [0, 1, 2, 3, 4, 5, 6, 7], { concurrency: 3 })) seen.push(value);
  };
  await t.rejects(mapping(), { name: 'RemoteError', message: 'three' }, 'map throws the first failure in its turn');
  t.same(seen, [0, 1, 2], 'after the results before it');
});

t.test('a large result is split into parts and joined; past maxResultBytes it is refused', async (t) => {
  const { client } = await executorServer(t);
  const executor = await AbacoExecutor.create(client, { maxResultBytes: 2_000_000 });
  t.teardown(() => executor.close());
  const big = await executor.blockingCall((n: number) => Array.from({ length: n }, (_, i) => `item ${i} é`), 100_000);
  t.equal(big.length, 100_000);
  t.equal(big[99_999], 'item 99999 é', 'about 1.4 MB of JSON, in 11 datagrams, joined (UTF-8 split across parts)');
  await t.rejects(executor.blockingCall(() => 'x'.repeat(2_100_000)), { name: 'RemoteError', remoteName: 'ResultTooLargeError', message: /more than the limit of 2000000/ });
});

t.test('halting a long call: the future rejects as cancelled and its process is gone', async (t) => {
  const { client } = await executorServer(t);
  const executor = await AbacoExecutor.create(client);
  t.teardown(() => executor.close());
  const long = await executor.submit(() => {
    console.log(process.pid);
    return new Promise((resolve) => setTimeout(resolve, 60_000));
  });
  let pid = 0;
  while (!(pid = Number(await long.logs()))) await new Promise((r) => setTimeout(r, 20));
  t.ok(running(pid), 'the call runs');
  t.equal(await long.cancel(), true);
  await t.rejects(long.result(), CancelledError);
  while (!(await long.done())) await new Promise((r) => setTimeout(r, 20));
  t.match(await long.execution(), { status: 'COMPLETE', statusMessage: /halted/ });
  t.notOk(running(pid), 'its process was killed');
  const quick = await executor.submit(() => 1);
  await quick.result();
  t.equal(await quick.cancel(), false, 'a call that has answered cannot be cancelled');
  t.equal(await quick.result(), 1);
});

t.test('close() deletes the actor it registered and ends its calls, leaving no worker and no process', async (t) => {
  const { client, admin } = await executorServer(t);
  const workersOnNode = async () => (await admin.admin.nodes()).nodes[0]!.workers;
  const executor = await AbacoExecutor.create(client, { maxWorkers: 2 });
  const pending = await executor.submit(() => {
    console.log(process.pid);
    return new Promise(() => setInterval(() => {}, 1000));
  });
  let pid = 0;
  while (!(pid = Number(await pending.logs()))) await new Promise((r) => setTimeout(r, 20));
  t.ok(await workersOnNode(), 'the actor has workers');
  await executor.close();
  await t.rejects(pending.result(), CancelledError, 'a call still out is cancelled');
  await t.rejects(client.actors.get(executor.actorId), NotFoundError, 'the actor is gone');
  t.equal(await workersOnNode(), 0, 'no worker is left');
  t.notOk(running(pid), 'no process is left');
  await t.rejects(executor.submit(() => 1), { message: 'The executor is closed.' });
});

t.test('an executor on an existing actor leaves it when closed', async (t) => {
  const { client } = await executorServer(t);
  const owner = await AbacoExecutor.create(client);
  t.teardown(() => owner.close());
  const guest = await AbacoExecutor.create(client, { actorId: owner.actorId });
  t.equal(await guest.blockingCall((s: string) => s.toUpperCase(), 'shared'), 'SHARED');
  await guest.close();
  t.equal((await client.actors.get(owner.actorId)).status, 'READY', 'the actor is still there');
  t.equal(await owner.blockingCall(() => 'still runs'), 'still runs');
  await t.rejects(AbacoExecutor.create(client, { image: 'no/such-image' }), { message: /failed: .*no\/such-image.*not present/ }, 'an image the runtime lacks');
});

t.test('what cannot travel is refused before anything is sent', async (t) => {
  const { client } = await executorServer(t);
  const executor = await AbacoExecutor.create(client);
  t.teardown(() => executor.close());
  const methods = { twice(x: number) { return 2 * x; } };
  await t.rejects(executor.submit(methods.twice, 1), { name: 'TypeError', message: /method shorthand/ });
  await t.rejects(executor.submit(Math.max, 1, 2), { name: 'TypeError', message: /built-in or bound/ });
  await t.rejects(executor.submit((s: string) => s.length, 'x'.repeat(100_001)), { name: 'RangeError', message: /more than 100000/ });
  t.equal((await client.executions.list(executor.actorId)).totalExecutions, 0, 'no message was sent');
  const offset = 5;
  await t.rejects(executor.blockingCall((x: number) => x + offset, 1), { name: 'RemoteError', remoteName: 'ReferenceError', message: 'offset is not defined' }, 'a closure over a local variable fails remotely');
});

t.test('the runner takes the message as data; the client checks what comes back before reading more', async (t) => {
  const { client } = await executorServer(t);
  const executor = await AbacoExecutor.create(client);
  t.teardown(() => executor.close());
  t.equal(await executor.blockingCall((code: string) => typeof code, 'process.exit(7)'), 'string', 'arguments are JSON, never evaluated');
  for (const message of [{ abaco_executor: 1, fn: 'x => x', args: 'process.exit(7)' }, { fn: '() => 1', args: [] }, 'process.exit(7)']) {
    const sent = typeof message === 'string' ? await client.messages.send(executor.actorId, message) : await client.messages.sendJson(executor.actorId, message);
    const done = await client.executions.wait(executor.actorId, sent.executionId, { intervalMs: 20 });
    t.equal(done.exitCode, 1, `refused: ${JSON.stringify(message)}`);
    t.match(new TextDecoder().decode(await client.executions.result(executor.actorId, sent.executionId)), /^ABX1 1 1\n\{"ok":false,"error":\{"name":"BadMessageError"/);
  }

  // An actor whose results are not a runner's, read as if they were.
  const forged = await client.actors.create({ image: 'test/forged-results' });
  const cases: [string, string, RegExp][] = [
    ['ABX1 1 999999\n{"ok":true}', 'ResultFormatError', /a result of 999999 parts, more than the 9 that maxResultBytes \(1048576\) allows/],
    ['ABX1 2 2\n{"ok":true}', 'ResultFormatError', /part 2 first/],
    ['{"ok":true,"value":1}', 'ResultFormatError', /without the runner's header/],
    ['ABX1 1 1\n{"ok":', 'ResultFormatError', /not UTF-8 JSON/],
    ['ABX1 1 2\n{"ok":', 'NoResultError', /ended \(COMPLETE, exit code 0\) without part 2 of 2 of its result/],
  ];
  for (const [datagram, name, message] of cases) {
    const sent = await client.messages.sendJson(forged.id, { abaco_executor: 1 }, { env: { FORGED: datagram } });
    const future = new AbacoFuture(client, forged.id, sent.executionId, { maxResultBytes: 1024 * 1024, pollMs: 50 });
    await t.rejects(future.result(), { name, message }, JSON.stringify(datagram));
  }
});
