import t from 'tap';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import type { ContainerSpec } from '../src/runtime/runtime.js';
import { admin, alice, engine } from './helpers.js';
import { eventually, finished, runningEngine } from './pipeline-helpers.js';

const SAMPLES = ['abacosamples/wc', 'abacosamples/test', 'jstubbs/abaco_test', 'abacosamples/sleep_loop', 'abacosamples/node_func'];

/** Runs `image` on a process runtime with no image map of its own; resolves with its output and exit code. */
async function run(image: string, env: Record<string, string>, runtime = new ProcessRuntime()): Promise<{ out: string; exitCode: number }> {
  const spec: ContainerSpec = { image, env, mounts: [], privileged: false, labels: {} };
  const c = await runtime.run(spec);
  let out = '';
  for await (const chunk of c.logs) out += chunk.text;
  const { exitCode } = await c.wait();
  await c.remove();
  return { out, exitCode };
}

t.test("the user guide's quickstart runs on a process runtime given no images, as the default container user", async (t) => {
  const abaco = await runningEngine(t, { runtime: new ProcessRuntime() });
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/wc', name: 'word_counter' });
  const { sync } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'Actor, please count these words.' }, { synchronous: true });
  t.same(sync, { kind: 'logs', text: 'Number of words is: 5\n' }, process.getuid?.() === 0 ? 'run as nobody (65534), who cannot be assumed to read the package' : 'run as the engine user');
  t.equal((await run('abacosamples/wc', { MSG: 'two  spaces' })).out, 'Number of words is: 3\n', 'words are what splitting on single spaces gives, as in the guide');
});

t.test('abacosamples/test and jstubbs/abaco_test print the message and the environment, hiding credentials', async (t) => {
  const abaco = await runningEngine(t, { runtime: new ProcessRuntime() });
  for (const image of ['abacosamples/test', 'jstubbs/abaco_test']) {
    const actor = await abaco.actors.create(alice, { image, token: true, defaultEnvironment: { key1: 'value1', key2: 'value2' } });
    await abaco.configs.create(alice, { name: `config_${actor.id}`, value: 'not for the logs', actors: actor.id, isSecret: false });
    const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'hello there' }, { env: { extra: 'x y' } });
    await finished(abaco, alice, actor.id, execution.id);
    const { logs } = await abaco.executions.logs(alice, actor.id, execution.id);
    const [first, second, ...rest] = logs.trimEnd().split('\n');
    t.equal(first, 'Contents of MSG: hello there', image);
    t.equal(second, 'Environment:');
    const env = new Map(rest.map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]));
    t.match(Object.fromEntries(env), { MSG: 'hello there', key1: 'value1', key2: 'value2', extra: 'x y', _abaco_actor_id: actor.id, _abaco_execution_id: execution.id, _abaco_container_repo: image });
    t.equal(env.get('_abaco_access_token'), '(hidden)', 'the access token is a credential: not in the logs');
    t.equal(env.get('_actor_configs'), '(hidden)', 'configs may hold secrets: not in the logs');
    t.notMatch(logs, /not for the logs/);
  }
});

t.test('abacosamples/sleep_loop sleeps as a JSON message or variables say, printing as it goes, until halted', async (t) => {
  const abaco = await runningEngine(t, { runtime: new ProcessRuntime() });
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/sleep_loop' });
  const json = await abaco.messages.send(alice, actor.id, { kind: 'json', value: { iterations: 2, sleep: 0 } }, { synchronous: true });
  t.same(json.sync, { kind: 'logs', text: 'Sleeping 0.0 seconds, 2 times.\nIteration 1 of 2 done.\nIteration 2 of 2 done.\nSleep loop finished.\n' });
  const variables = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'plain text' }, { synchronous: true, env: { iterations: '1', sleep: '0.01' } });
  t.match(variables.sync, { kind: 'logs', text: /^Sleeping 0\.01 seconds, 1 times\.\nIteration 1 of 1 done\./ }, 'from variables');
  for (const [env, refusal] of [
    [{ iterations: 'many' }, "iterations must be a whole number from 0 to 1000000, not 'many'"],
    [{ MSG: '{"sleep": -1}' }, 'sleep must be a number of seconds from 0 to 3600, not -1'],
  ] as const) {
    t.same(await run('abacosamples/sleep_loop', env), { out: `sleep_loop: ${refusal}\n`, exitCode: 1 });
  }

  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'forever' }, { env: { sleep: '0.1', iterations: '100000' } });
  await eventually(async () => /Iteration 2 of 100000 done\.\n/.test((await abaco.executions.logs(alice, actor.id, execution.id)).logs));
  await abaco.executions.halt(alice, actor.id, execution.id);
  t.match(await finished(abaco, alice, actor.id, execution.id), { status: 'COMPLETE', statusMessage: /halted/ }, 'the logs came while it ran; halting stopped it');
});

t.test("a deployment's image map adds to the samples and may override them", async (t) => {
  const runtime = new ProcessRuntime({ images: { 'abacosamples/wc': ['sh', '-c', 'echo mine'], 'my/tool': ['sh', '-c', 'echo tool'] } });
  t.same(runtime.imageNames, [...SAMPLES, 'my/tool']);
  t.equal((await run('abacosamples/wc', { MSG: 'a b' }, runtime)).out, 'mine\n');
  t.equal((await run('abacosamples/test', { MSG: 'a b' }, runtime)).out.split('\n')[0], 'Contents of MSG: a b', 'the other samples stay');
  t.same(new ProcessRuntime().imageNames, SAMPLES, 'no map: the samples alone');
});

t.test('utilization names the images of the process runtime; none for an engine without a runtime', async (t) => {
  const processes = await runningEngine(t, { runtime: new ProcessRuntime({ images: { 'my/tool': ['true'] } }) });
  t.match(await processes.reports.utilization(alice), { runtime: 'process', isolated: false, images: [...SAMPLES, 'my/tool'] });
  const none = await engine(t);
  t.match(await none.reports.utilization(admin), { runtime: 'none', isolated: true, images: null });
});
