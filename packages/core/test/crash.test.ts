import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { pino } from 'pino';
import { Abaco } from '../src/engine/abaco.js';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import { admin } from './helpers.js';
import { eventually } from './pipeline-helpers.js';

const engineScript = fileURLToPath(new URL('./fixtures/crash-engine.mjs', import.meta.url));

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
