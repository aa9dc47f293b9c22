import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { pino } from 'pino';
import { Abaco } from '../src/engine/abaco.js';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import { admin } from './helpers.js';
import { eventually, finished } from './pipeline-helpers.js';
// @ts-expect-error a plain ES module of the fixtures, shared with the engine process
import { images } from './fixtures/crash-hygiene-images.mjs';

const engineScript = fileURLToPath(new URL('./fixtures/crash-engine.mjs', import.meta.url));
const hygieneScript = fileURLToPath(new URL('./fixtures/crash-hygiene-engine.mjs', import.meta.url));

t.test('an engine killed with SIGKILL mid-run recovers: every accepted message ends as exactly one COMPLETE or ERROR', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'abaco-crash-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [engineScript, dataDir, '40'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const accepted: string[] = [];
  let actorId = '';
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`engine exited early (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [word, id] = line.split(' ');
      if (word === 'actor') actorId = id!;
      if (word === 'accepted') accepted.push(id!);
      if (word === 'sent') resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 350)); // some executions finish, some run, most wait
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  t.equal(accepted.length, 40);

  const images = { 'test/slow': ['sh', '-c', 'sleep 0.2; echo "done $MSG"'] };
  const abaco = await Abaco.open({ dataDir, runtime: new ProcessRuntime({ images }), logger: pino({ level: 'error' }), settings: { autoscaleIntervalMs: 100, workerPollMs: 100 } });
  t.teardown(() => abaco.close({ kill: true }));
  const executions = await eventually(async () => {
    const { executions } = await abaco.executions.list(admin, actorId);
    return executions.every((e) => e.status === 'COMPLETE' || e.status === 'ERROR') && executions;
  }, 60_000);
  t.same(executions.map((e) => e.id).sort(), [...accepted].sort(), 'one execution for each accepted message, no more');
  t.equal((await abaco.messages.count(admin, actorId)).messages, 0, 'the inbox is empty');
  const complete = executions.filter((e) => e.status === 'COMPLETE');
  const errored = executions.filter((e) => e.status === 'ERROR');
  t.ok(complete.length >= 30, `${complete.length} COMPLETE, ${errored.length} ERROR`);
  for (const e of errored) t.match(e.statusMessage, /The engine stopped while this execution was running/);
  for (const e of complete) {
    const { logs } = await abaco.executions.logs(admin, actorId, e.id);
    t.match(logs, /^done m\d+\n$/, 'ran once');
  }
  t.same((await abaco.workers.list(admin, actorId)).workers.filter((w) => w.hostId !== abaco.engineId), [], 'stale workers were removed');
});

t.test('after SIGKILL, recovery cleans what dead executions left: no rerun, tokens revoked, logs expire, purged spool files go', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'abaco-crash-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [hygieneScript, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const seen: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`engine exited early (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [word, id] = line.split(' ');
      if (word === 'ready') resolve();
      else seen[word!] = id!;
    });
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const spooled = (id: string) => existsSync(join(dataDir, 'spool', `${id}.bin`));
  t.ok(spooled(seen.purged!) && spooled(seen.kept!), 'the killed engine left both spool files');

  let now = Date.now();
  const abaco = await Abaco.open({ dataDir, runtime: new ProcessRuntime({ images }), now: () => new Date(now), logger: pino({ level: 'error' }), settings: { workerPollMs: 100 } });
  t.teardown(() => abaco.close({ kill: true }));
  const hung = (await abaco.executions.get(admin, seen['actor-hang']!, seen.hang!)).execution;
  t.match(hung, { status: 'ERROR', statusMessage: /The engine stopped while this execution was running/ }, 'the execution whose container started is not run again');
  t.equal((await abaco.executions.logs(admin, seen['actor-hang']!, seen.hang!)).logs, '');
  await t.rejects(abaco.nonces.redeem(seen.token!, seen['actor-hang']!, 'READ'), { message: 'Nonce does not exist.' }, 'its access token was revoked');

  t.equal((await abaco.executions.get(admin, seen['actor-talk']!, seen.talk!)).execution.status, 'ERROR');
  t.equal((await abaco.executions.logs(admin, seen['actor-talk']!, seen.talk!)).logs, 'talking\n', 'the log of the execution cut short is kept for its logEx');
  now += 61_000;
  t.equal((await abaco.executions.logs(admin, seen['actor-talk']!, seen.talk!)).logs, '', 'and then expires');

  t.notOk(spooled(seen.purged!), 'the spool file of the purged message is removed');
  const kept = await finished(abaco, admin, seen['actor-kept']!, seen.kept!);
  t.equal(kept.status, 'COMPLETE');
  t.equal((await abaco.executions.logs(admin, seen['actor-kept']!, seen.kept!)).logs, '5\n', 'the queued binary message still had its bytes');
});
