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
