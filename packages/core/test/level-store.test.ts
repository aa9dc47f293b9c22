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
