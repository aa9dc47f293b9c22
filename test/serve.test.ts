import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import { startServe } from './serve-helpers.js';

async function call(url: string, token: string, method: string, path: string, form?: Record<string, string>) {
  const response = await request(`${url}${path}`, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${token}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  return { status: response.statusCode, json: (await response.body.json()) as any };
}

t.test('abaco serve: works with no flags, keeps its admin token, stops cleanly and loses nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-serve-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'abaco.json'), JSON.stringify({ runtime: 'process', images: { 'test/sleep': ['sh', '-c', 'sleep 0.5; echo "slept $MSG"'] }, settings: { autoscaleIntervalMs: 200 } }));

  const first = await startServe(['--config', 'abaco.json'], dir);
  t.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'binds to loopback by default');
  const tokenLine = first.lines.find((l) => l.startsWith('admin token'));
  const token = readFileSync(join(dir, 'abaco-data', 'admin-token'), 'utf8').trim();
  t.ok(tokenLine?.endsWith(token), 'the admin token is printed at the first start and kept in the data directory');
  t.equal((await call(first.url, 'wrong', 'GET', '/actors/v2')).status, 401);
  const actor = (await call(first.url, token, 'POST', '/actors/v2', { image: 'test/sleep', stateless: 'false' })).json.result;
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await call(first.url, token, 'POST', `/actors/v2/${actor.id}/messages`, { message: `m${i}` })).json.result.execution_id);
  t.equal(await first.stop('SIGTERM'), 0, 'SIGTERM stops it with exit code 0');
  t.match(first.lines.join('\n'), /SIGTERM: stopping[\s\S]*stopped/);

  const second = await startServe(['--config', 'abaco.json'], dir);
  t.notOk(second.lines.some((l) => l.startsWith('admin token')), 'the token is not printed again');
  const deadline = Date.now() + 20_000;
  let executions: { id: string; status: string }[] = [];
  while (Date.now() < deadline) {
    executions = (await call(second.url, token, 'GET', `/actors/v2/${actor.id}/executions`)).json.result.executions;
    if (executions.every((e) => e.status === 'COMPLETE' || e.status === 'ERROR')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.same(executions.map((e) => e.id).sort(), [...ids].sort());
  t.ok(executions.every((e) => e.status === 'COMPLETE'), 'every message accepted before the stop ran, after the restart if not before');
  t.equal(await second.stop('SIGINT'), 0);
});

t.test('abaco serve --runtime auto without an engine warns loudly that actors run as host processes, and says what they may run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-serve-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'abaco.json'), JSON.stringify({ images: { 'test/hello': ['sh', '-c', 'echo hello'], 'test/env': ['env'] } }));
  const noEngines = ['--docker-host', join(dir, 'no-docker.sock'), '--podman-host', join(dir, 'no-podman.sock')];

  const server = await startServe(['--config', 'abaco.json', ...noEngines], dir);
  t.teardown(() => server.stop());
  const warning = server.stderr();
  t.match(warning, /^WARNING: actors run as host processes, with NO ISOLATION: no container engine is reachable\.$/m);
  t.match(warning, /no-docker\.sock[\s\S]*no-podman\.sock/, 'naming the engines it tried');
  t.match(warning, process.getuid!() === 0 ? /running as the uid:gid that the "userIds" setting gives the actor's owner, else as "defaultContainerUser"/ : /running as \S+ \(uid \d+\), the user running abaco serve/, 'saying as whom actors run');
  t.match(warning, /images: abacosamples\/wc, abacosamples\/test, jstubbs\/abaco_test, abacosamples\/sleep_loop, abacosamples\/node_func, test\/hello, test\/env \(add others with an \"images\" map in the --config file\); absolute paths of host executables: refused/);
  t.match(warning, /start Docker or Podman/);
  t.match(warning, /--runtime process/, 'and how to silence it');
  t.ok(server.lines.includes('runtime: process (host processes, no isolation); images: abacosamples/wc, abacosamples/test, jstubbs/abaco_test, abacosamples/sleep_loop, abacosamples/node_func, test/hello, test/env (add others with an "images" map in the --config file); absolute paths of host executables: refused'), 'the start lines name the runtime and its images');

  const token = readFileSync(join(dir, 'abaco-data', 'admin-token'), 'utf8').trim();
  const refused = (await call(server.url, token, 'POST', '/actors/v2', { image: '/bin/sh' })).json.result;
  let actor = refused;
  for (const deadline = Date.now() + 10_000; actor.status !== 'ERROR' && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    actor = (await call(server.url, token, 'GET', `/actors/v2/${refused.id}`)).json.result;
  }
  t.equal(actor.status, 'ERROR', 'an absolute path of a host executable does not run');
  t.match(actor.status_message, /--allow-host-executables/, 'and the actor says how to allow it');
  await server.stop();

  const allowed = await startServe(['--config', 'abaco.json', '--runtime', 'process', '--allow-host-executables'], dir);
  t.teardown(() => allowed.stop());
  t.notMatch(allowed.stderr(), /WARNING/, '--runtime process: no warning');
  t.ok(allowed.lines.includes('runtime: process (host processes, no isolation); images: abacosamples/wc, abacosamples/test, jstubbs/abaco_test, abacosamples/sleep_loop, abacosamples/node_func, test/hello, test/env (add others with an "images" map in the --config file); absolute paths of host executables: allowed (--allow-host-executables)'));
  const env = (await call(allowed.url, token, 'POST', '/actors/v2', { image: '/usr/bin/env' })).json.result;
  const executionId = (await call(allowed.url, token, 'POST', `/actors/v2/${env.id}/messages`, { message: 'ran on the host' })).json.result.execution_id;
  let execution: any;
  for (const deadline = Date.now() + 10_000; execution?.status !== 'COMPLETE' && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    execution = (await call(allowed.url, token, 'GET', `/actors/v2/${env.id}/executions/${executionId}`)).json.result;
  }
  t.equal(execution.status, 'COMPLETE', 'with --allow-host-executables a host executable runs');
  const logs = (await call(allowed.url, token, 'GET', `/actors/v2/${env.id}/executions/${executionId}/logs`)).json.result.logs;
  t.match(logs, /^MSG=ran on the host$/m);
});
