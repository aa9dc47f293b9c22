import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { pino } from 'pino';
import { Abaco } from '../src/engine/abaco.js';
import { SUMMARY_LIMIT } from '../src/execution/executions.js';
import type { Execution } from '../src/model/execution.js';
import { keys } from '../src/store/keys.js';
import { LevelStore } from '../src/store/level-store.js';
import { admin, alice, engine } from './helpers.js';
import { finished, runningEngine } from './pipeline-helpers.js';

t.test('the summary lists the most recent executions, oldest first, with the totals of all of them', async (t) => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const abaco = await engine(t, { now: () => new Date((now += 1000)) }); // no runtime: messages stay queued
  const actor = await abaco.actors.create(alice, { image: 'x/y' });
  const sent: string[] = [];
  for (let i = 0; i < SUMMARY_LIMIT + 30; i++) sent.push((await abaco.messages.send(alice, actor.id, { kind: 'str', text: `${i}` })).execution.id);
  const summary = await abaco.executions.list(alice, actor.id);
  t.equal(summary.totalExecutions, SUMMARY_LIMIT + 30);
  t.same(summary.executions.map((e) => e.id), sent.slice(30), `the last ${SUMMARY_LIMIT}, oldest first`);
  await abaco.messages.purge(alice, actor.id);
  const [counts] = await abaco.reports.executions(admin);
  t.match(counts, { actorId: actor.id, total: SUMMARY_LIMIT + 30, byStatus: { ERROR: SUMMARY_LIMIT + 30 } });
  t.same((await abaco.reports.metrics()).executions, { ERROR: SUMMARY_LIMIT + 30 });
});

t.test('totals follow executions through their life: counts by status, CPU, IO and runtime', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'test/out', stateless: false }); // prints for a while: its usage is sampled
  const failing = await abaco.actors.create(alice, { image: 'test/fail', stateless: false });
  const ran: Execution[] = [];
  for (let i = 0; i < 2; i++) {
    const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'x' });
    ran.push(await finished(abaco, alice, actor.id, execution.id));
  }
  await finished(abaco, alice, failing.id, (await abaco.messages.send(alice, failing.id, { kind: 'str', text: 'x' })).execution.id);
  const summary = await abaco.executions.list(alice, actor.id);
  const sum = (field: 'cpu' | 'io' | 'runtime') => ran.reduce((n, e) => n + e[field], 0);
  t.match(summary, { totalExecutions: 2, totalCpu: sum('cpu'), totalIo: sum('io'), totalRuntime: sum('runtime') });
  t.ok(summary.totalIo > 0, 'the figures of the finished executions are in');
  t.same((await abaco.reports.metrics()).executions, { COMPLETE: 3 }, 'an execution that exits non-zero is COMPLETE, as upstream');
  await abaco.actors.delete(alice, actor.id);
  t.same((await abaco.reports.metrics()).executions, { COMPLETE: 1 }, 'a deleted actor takes its executions out of the figures');
});

t.test('an engine opening a store written before the tallies existed counts its executions first', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'abaco-tally-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await Abaco.open({ dataDir, logger: pino({ level: 'error' }) });
  const actor = await first.actors.create(alice, { image: 'x/y' });
  for (let i = 0; i < 5; i++) await first.messages.send(alice, actor.id, { kind: 'str', text: `${i}` });
  await first.close();
  const store = await LevelStore.open(dataDir);
  await store.clear('tally/'); // as a store written before the tallies existed
  await store.batch([{ type: 'del', key: keys.executionIndexBuilt }]);
  await store.close();
  const again = await Abaco.open({ dataDir, logger: pino({ level: 'error' }) });
  t.teardown(() => again.close());
  t.equal((await again.executions.list(alice, actor.id)).totalExecutions, 5);
  t.same((await again.reports.metrics()).executions, { SUBMITTED: 5 });
});
