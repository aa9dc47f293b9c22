import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { storeConformance } from '../src/conformance/index.js';
import { LevelStore } from '../src/store/level-store.js';

storeConformance('level in memory (memory-level)', async () => ({ store: await LevelStore.memory() }));

storeConformance('level on disk (classic-level)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return { store: await LevelStore.open(dir), reopen: () => LevelStore.open(dir) };
});

t.test('scans answer what the store holds now, through every write, whether or not they were read before', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const store = await LevelStore.open(dir);
  t.teardown(() => store.close());
  const list = async (prefix: string) => {
    const found: [string, unknown][] = [];
    for await (const entry of store.scan(prefix)) found.push(entry);
    return found;
  };
  await store.batch([{ type: 'put', key: 'w/T/a1/w1', value: { status: 'READY' } }]);
  t.same(await list('w/T/a1/'), [['w/T/a1/w1', { status: 'READY' }]]);
  t.same(await list('w/T/a1/'), [['w/T/a1/w1', { status: 'READY' }]], 'read again');
  await store.update('w/T/a1/w1', () => ({ status: 'BUSY' }));
  t.same(await list('w/T/a1/'), [['w/T/a1/w1', { status: 'BUSY' }]], 'after an update');
  await store.batch([{ type: 'put', key: 'w/T/a1/w2', value: { status: 'REQUESTED' } }, { type: 'put', key: 'w/T/a2/w3', value: {} }]);
  t.same((await list('w/T/a1/')).map(([key]) => key), ['w/T/a1/w1', 'w/T/a1/w2'], 'after a put');
  const first = (await list('w/T/a1/'))[0]![1] as { status: string };
  first.status = 'changed by the caller';
  t.same((await list('w/T/a1/'))[0]![1], { status: 'BUSY' }, 'each scan answers copies');
  // A write made while a scan of the same prefix is reading: the next scan sees it.
  for await (const [key] of store.scan('w/T/a1/')) if (key === 'w/T/a1/w1') await store.batch([{ type: 'del', key: 'w/T/a1/w2' }]);
  t.same((await list('w/T/a1/')).map(([key]) => key), ['w/T/a1/w1'], 'after a delete made during a scan');
  await store.clear('w/T/');
  t.same(await list('w/T/a1/'), [], 'after clear');
});
