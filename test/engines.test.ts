import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import { DockerRuntime } from '@abaco/backend-docker';
import { PodmanRuntime } from '@abaco/backend-podman';
import { startServe } from './serve-helpers.js';

// The same scenario through `abaco serve --runtime docker` and `--runtime podman`, over HTTP, with
// the test images that `.ci/engines.sh start` builds (abaco-test/*).
const engines = { docker: () => DockerRuntime.connect(), podman: () => PodmanRuntime.connect() };

for (const [name, connect] of Object.entries(engines)) {
  const reachable = await connect().then((r) => r.close().then(() => true), (e: Error) => e.message);
  if (reachable !== true) {
    if (process.env.CI) t.fail(`In CI the ${name} engine must be reachable: ${reachable}`);
    else t.test(`abaco serve --runtime ${name}`, { skip: `skipped: ${reachable} (start the engines with: source .ci/engines.sh start)` }, async () => {});
    continue;
  }
  t.test(`abaco serve --runtime ${name}: the user guide's scenario in real containers`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), `abaco-${name}-`));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    // Containers run as a non-root user, as the owner's uid:gid would be in a deployment.
    writeFileSync(join(dir, 'abaco.json'), JSON.stringify({ settings: { userIds: { admin: '4001:4002' } } }));
    writeFileSync(join(dir, 'users.json'), JSON.stringify({ tokens: { 'alice-token': { user: 'alice', tenant: 'TACC', roles: ['user'] } } }));
    const server = await startServe(['--runtime', name, '--config', 'abaco.json', '--users', 'users.json'], dir);
    t.teardown(() => server.stop());
    t.match(server.lines.join('\n'), new RegExp(`runtime: ${name}`));
    const token = readFileSync(join(dir, 'abaco-data', 'admin-token'), 'utf8').trim();
    const call = async (method: string, path: string, body?: { form?: Record<string, string>; json?: unknown; bytes?: Buffer; token?: string }) => {
      const headers: Record<string, string> = { authorization: `Bearer ${body?.token ?? token}` };
      let payload: string | Buffer | undefined;
      if (body?.form) (headers['content-type'] = 'application/x-www-form-urlencoded'), (payload = new URLSearchParams(body.form).toString());
      if (body?.json) (headers['content-type'] = 'application/json'), (payload = JSON.stringify(body.json));
      if (body?.bytes) (headers['content-type'] = 'application/octet-stream'), (payload = body.bytes);
      const response = await request(`${server.url}${path}`, { method: method as 'GET', headers, body: payload });
      const bytes = Buffer.from(await response.body.arrayBuffer());
      const json = String(response.headers['content-type']).includes('json') ? JSON.parse(bytes.toString()) : undefined;
      return { status: response.statusCode, bytes, json };
    };
    const register = async (image: string, more: Record<string, unknown> = {}, as = token) => (await call('POST', '/actors/v2', { json: { image, ...more }, token: as })).json.result.id as string;
    const send = async (actor: string, body: Parameters<typeof call>[2]) => (await call('POST', `/actors/v2/${actor}/messages`, body)).json.result.execution_id as string;
    const finished = async (actor: string, execution: string) => {
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
        const e = (await call('GET', `/actors/v2/${actor}/executions/${execution}`)).json.result;
        if (e.status === 'COMPLETE' || e.status === 'ERROR') return e;
      }
      throw new Error(`execution ${execution} did not finish`);
    };
    const logs = async (actor: string, execution: string) => (await call('GET', `/actors/v2/${actor}/executions/${execution}/logs`)).json.result.logs as string;

    t.test('the word-count actor, run as the owner\'s uid:gid', async (t) => {
      const who = await register('abaco-test/id');
      const idRun = await send(who, { form: { message: 'x' } });
      await finished(who, idRun);
      t.equal(await logs(who, idRun), '4001:4002\n');
      const wc = await register('abaco-test/wc');
      const execution = await send(wc, { form: { message: 'Actor, please count these words.' } });
      const done = await finished(wc, execution);
      t.match(done, { status: 'COMPLETE', exit_code: 0, final_state: { Status: 'exited', ExitCode: 0 } });
      t.ok(done.worker_id);
      t.equal(await logs(wc, execution), 'Number of words is: 5\n');
      const sync = await call('POST', `/actors/v2/${wc}/messages?_abaco_synchronous=true`, { form: { message: 'one two' } });
      t.equal(sync.bytes.toString(), 'Number of words is: 2\n', 'a synchronous message answers with the logs');
    });

    t.test('a binary message through the FIFO', async (t) => {
      const actor = await register('abaco-test/binary');
      const data = randomBytes(1024 * 1024);
      const execution = await send(actor, { bytes: data });
      await finished(actor, execution);
      t.equal(await logs(actor, execution), `${data.length}\n${createHash('sha256').update(data).digest('hex')}  -\n`);
    });

    t.test('results through the socket, and as the answer of a synchronous message', async (t) => {
      const actor = await register('abaco-test/results');
      const execution = await send(actor, { form: { message: 'go' } });
      await finished(actor, execution);
      t.equal((await call('GET', `/actors/v2/${actor}/executions/${execution}/results`)).bytes.toString(), 'first');
      t.equal((await call('GET', `/actors/v2/${actor}/executions/${execution}/results`)).bytes.toString(), 'second');
      const sync = await call('POST', `/actors/v2/${actor}/messages?_abaco_synchronous=true`, { form: { message: 'go' } });
      t.equal(sync.bytes.toString(), 'first');
    });

    t.test('halt of a sleeping container', async (t) => {
      const actor = await register('abaco-test/sleep');
      const execution = await send(actor, { form: { message: 'z' } });
      for (let e; (e = (await call('GET', `/actors/v2/${actor}/executions/${execution}`)).json.result).status !== 'RUNNING'; ) await new Promise((r) => setTimeout(r, 50));
      const before = Date.now();
      t.equal((await call('DELETE', `/actors/v2/${actor}/executions/${execution}`)).status, 200);
      const done = await finished(actor, execution);
      t.ok(Date.now() - before < 10_000, 'it stopped long before its 60 s sleep');
      t.match(done, { status: 'COMPLETE', status_message: 'Execution was halted (force quit).' });
    });

    t.test('the memory limit is visible inside', async (t) => {
      const actor = await register('abaco-test/memory', { memLimit: '64m', maxCpus: 500000000 });
      const execution = await send(actor, { form: { message: 'x' } });
      await finished(actor, execution);
      t.match(await logs(actor, execution), /^67108864\n(50000|50000 100000)\n$/);
    });

    t.test('an actor of a user without userIds runs as nobody, with the default memory and CPU limits', async (t) => {
      const who = await register('abaco-test/id', {}, 'alice-token');
      const idRun = await send(who, { form: { message: 'x' }, token: 'alice-token' });
      await finished(who, idRun);
      t.equal(await logs(who, idRun), '65534:65534\n');
      const limits = await register('abaco-test/memory', {}, 'alice-token');
      const limitsRun = await send(limits, { form: { message: 'x' }, token: 'alice-token' });
      await finished(limits, limitsRun);
      t.match(await logs(limits, limitsRun), /^2147483648\n(100000|100000 100000)\n$/, '2g and one CPU');
    });

    t.test('an image that does not exist puts the actor in ERROR with a readable message', async (t) => {
      const actor = await register('abaco-test/does-not-exist');
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
        const a = (await call('GET', `/actors/v2/${actor}`)).json.result;
        if (a.status === 'ERROR') {
          t.match(a.status_message, new RegExp(`Image abaco-test/does-not-exist is not present and cannot be pulled \\(engine: ${name} at unix://`));
          return;
        }
      }
      t.fail('the actor did not go to ERROR');
    });
  });
}
