import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startApi } from './api-helpers.js';
import { ABACO_BIN } from './serve-helpers.js';

/** Polls until `check` holds (at most 20 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 20_000; !(await check()); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline) throw new Error('condition not met in 20 s');
  }
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

t.test('the abaco CLI against a real server', async (t) => {
  const api = await startApi(t, {
    engine: {},
    settings: { secretKey: 'c'.repeat(64) },
  });
  const home = mkdtempSync(join(tmpdir(), 'abaco-cli-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const abaco = (args: string[], env: Record<string, string> = {}): Promise<Ran> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [ABACO_BIN, ...args], { env: { ...process.env, XDG_CONFIG_HOME: home, ABACO_URL: '', ABACO_TOKEN: '', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const json = async (args: string[], env?: Record<string, string>) => {
    const ran = await abaco([...args, '--json'], env);
    t.equal(ran.code, 0, `abaco ${args.join(' ')}: ${ran.stderr}`);
    return JSON.parse(ran.stdout);
  };

  const noServer = await abaco(['actors', 'list']);
  t.equal(noServer.code, 1);
  t.match(noServer.stderr, /No server to talk to: run "abaco login/);

  t.match(await abaco(['login', '--url', api.url, '--token', 'wrong']), { code: 1, stderr: /Invalid token/ });
  const login = await abaco(['login', '--url', api.url, '--token', 'alice-token']);
  t.equal(login.code, 0);
  t.match(login.stdout, /Logged in to http:\/\/127\.0\.0\.1:\d+ as profile default/);
  t.match((await json(['whoami'])), { profile: 'default', url: api.url, accepted: true });

  // the images the server runs: the user guide's samples, then those of its own map
  const images = await json(['images']);
  t.match(images, { runtime: 'process', isolated: false });
  t.same(images.images.slice(0, 4), ['abacosamples/wc', 'abacosamples/test', 'jstubbs/abaco_test', 'abacosamples/sleep_loop']);
  t.ok(images.images.includes('test/sleep'), "and the server's own images");
  t.match((await abaco(['images'])).stdout, /^Images of the process runtime \(host processes, no isolation\):\n {2}abacosamples\/wc\n[\s\S]*\n {2}test\/sleep\n/);
  t.equal((await abaco(['images', '-q'])).stdout, `${images.images.join('\n')}\n`);

  // create the word-count actor, run it synchronously and asynchronously
  const actor = await json(['actors', 'create', '--image', 'abacosamples/wc', '--name', 'word_counter', '-e', 'LANG=en', '--hint', 'sync']);
  t.match(actor, { name: 'word_counter', default_environment: { LANG: 'en' }, hints: ['sync'], owner: 'alice' });
  const listed = await abaco(['actors', 'list']);
  t.match(listed.stdout, /^ID\s+NAME\s+IMAGE\s+STATUS\s+OWNER\s+CREATED\n/);
  t.match(listed.stdout, new RegExp(`${actor.id}\\s+word_counter\\s+abacosamples/wc`));
  t.equal((await abaco(['actors', 'list', '-q'])).stdout.trim(), actor.id);

  const ran = await abaco(['run', actor.id, 'Actor, please count these words.']);
  t.same(ran, { code: 0, stdout: 'Number of words is: 5\n', stderr: '' });
  const submitted = await abaco(['submit', actor.id, 'one two', '-q']);
  const executionId = submitted.stdout.trim();
  t.match(executionId, /^[0-9A-Za-z]{13}$/);
  const waited = await abaco(['submit', actor.id, 'a b c', '--wait']);
  t.match(waited.stdout, /Execution \w+ COMPLETE, exit code 0\./);
  const logs = await json(['executions', 'logs', actor.id, executionId]);
  t.equal(logs.logs, 'Number of words is: 2\n');
  const executions = await json(['executions', 'list', actor.id]);
  t.equal(executions.total_executions, 3);
  const jsonMessage = await json(['submit', actor.id, '{"words": 3}']);
  t.same(jsonMessage.msg, { words: 3 }, '--json sends the message as JSON');

  // follow the logs of a running execution
  const slow = await json(['actors', 'create', '--image', 'test/sleep']);
  const slowRun = (await abaco(['submit', slow.id, 'x', '-q'])).stdout.trim();
  const following = abaco(['executions', 'logs', slow.id, slowRun, '--follow']);
  await until(async () => (await api.call('GET', `/actors/v2/${slow.id}/executions/${slowRun}/logs`, { as: 'alice' })).json!.result.logs === 'started\n');
  t.equal((await abaco(['executions', 'halt', slow.id, slowRun])).code, 0);
  const followed = await following;
  t.same(followed, { code: 0, stdout: 'started\n', stderr: '' }, '--follow printed the output and ended with the execution');

  // the workers of an actor, and the pool the autoscaler wants for it
  const busy = await json(['actors', 'create', '--image', 'test/sleep']);
  for (let i = 0; i < 3; i++) t.equal((await abaco(['submit', busy.id, `m${i}`])).code, 0);
  const workers = await abaco(['workers', 'list', busy.id]);
  t.match(workers.stdout, /^ID\s+STATUS\s+IMAGE\s+LOCATION\s+CREATED\s+LAST EXECUTION\n/);
  t.equal(workers.stdout.match(/ test\/sleep +process /g)?.length, 3, 'three messages running: three workers');
  t.match(workers.stdout, /\nAutoscaler target: 3 workers\n$/);
  t.equal((await json(['workers', 'list', busy.id])).length, 3, '--json prints the workers as the server gives them');

  // a result, and binary input
  const results = await json(['actors', 'create', '--image', 'test/results']);
  const resultRun = (await abaco(['submit', results.id, 'go', '-q', '--wait'])).stdout.trim();
  const result = await abaco(['executions', 'results', results.id, resultRun]);
  t.same(Buffer.from(result.stdout, 'latin1'), Buffer.from('\x00\x01binary result', 'latin1'));
  const binary = await json(['actors', 'create', '--image', 'test/binary']);
  const file = join(home, 'data.bin');
  writeFileSync(file, Buffer.alloc(12345, 1));
  t.equal((await abaco(['run', binary.id, '--binary', file])).stdout, '12345\n');

  // share with another user, and a nonce whose use runs out
  const bobSees = await abaco(['actors', 'show', actor.id, '--token', 'bob-token']);
  t.match(bobSees, { code: 1, stderr: /do not have access to this actor/ });
  t.equal((await abaco(['permissions', 'grant', actor.id, 'bob', 'READ'])).code, 0);
  t.match((await json(['permissions', 'list', actor.id])), { alice: 'UPDATE', bob: 'READ' });
  t.equal((await json(['actors', 'show', actor.id, '--token', 'bob-token'])).id, actor.id);
  const nonce = (await abaco(['nonces', 'create', actor.id, '--level', 'EXECUTE', '--max-uses', '1', '-q'])).stdout.trim();
  t.equal((await abaco(['login', '--url', api.url, '--nonce', nonce, '--profile', 'portal'])).code, 0);
  t.equal((await abaco(['submit', actor.id, 'with a nonce', '--profile', 'portal'])).code, 0);
  t.match(await abaco(['submit', actor.id, 'again', '--profile', 'portal']), { code: 1, stderr: /No remaining uses left for this nonce/ });

  // aliases, state, configs
  t.equal((await abaco(['aliases', 'create', 'counter', actor.id, '--profile', 'default'])).code, 0);
  t.equal((await json(['actors', 'show', 'counter', '--profile', 'default'])).id, actor.id);
  const stateful = await json(['actors', 'create', '--image', 'test/env', '--no-stateless', '--profile', 'default']);
  t.equal((await abaco(['state', 'set', stateful.id, '{"count": 1}', '--profile', 'default'])).code, 0);
  t.same((await json(['state', 'get', stateful.id, '--profile', 'default'])).state, { count: 1 });
  t.equal((await abaco(['configs', 'create', 'pw', '--value', 'hunter2', '--actors', stateful.id, '--secret', '--profile', 'default'])).code, 0);
  t.notMatch((await abaco(['configs', 'show', 'pw', '--profile', 'default'])).stdout, /hunter2/);

  // purge, delete
  const sleeper = await json(['actors', 'create', '--image', 'test/sleep', '--no-stateless', '--profile', 'default']);
  for (let i = 0; i < 3; i++) await abaco(['submit', sleeper.id, `m${i}`, '--profile', 'default']);
  await until(async () => (await abaco(['messages', 'count', sleeper.id, '--profile', 'default'])).stdout.trim() === '2');
  t.pass('two messages wait while the first runs');
  t.equal((await abaco(['messages', 'purge', sleeper.id, '--profile', 'default'])).code, 0);
  t.equal((await abaco(['messages', 'count', sleeper.id, '--profile', 'default'])).stdout.trim(), '0');
  t.equal((await abaco(['actors', 'delete', actor.id, '--profile', 'default'])).code, 0);
  t.match(await abaco(['actors', 'show', actor.id, '--profile', 'default']), { code: 1, stderr: /not found/ });

  // errors: the server's message, an unreachable server names its URL, a failing execution's exit code
  const unreachable = await abaco(['actors', 'list', '--url', 'http://127.0.0.1:1', '--token', 'x']);
  t.match(unreachable, { code: 1, stderr: /Could not reach the Abaco server at http:\/\/127\.0\.0\.1:1/ });
  t.notMatch(unreachable.stderr, /at .*\.js:\d+/, 'no stack trace without --debug');
  const failing = await json(['actors', 'create', '--image', 'test/fail', '--profile', 'default']);
  t.match(await abaco(['run', failing.id, 'x', '--profile', 'default']), { code: 3, stdout: 'failing\n' }, 'run exits with the execution\'s exit code');
});

t.test('abaco --help and every command\'s --help document their flags with examples', async (t) => {
  const help = (args: string[]) =>
    new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [ABACO_BIN, ...args]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', () => resolve(out));
    });
  t.match(await help(['--help']), /TOPICS[\s\S]*actors[\s\S]*COMMANDS[\s\S]*serve/);
  for (const command of ['actors create', 'submit', 'run', 'executions logs', 'nonces create', 'permissions grant', 'search', 'images', 'serve']) {
    const text = await help([...command.split(' '), '--help']);
    t.match(text, /EXAMPLES/, `${command} has examples`);
    t.match(text, /FLAGS|GLOBAL FLAGS/, `${command} documents its flags`);
  }
});
