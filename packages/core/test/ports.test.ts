import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { busConformance, inboxConformance, runtimeConformance } from '../src/conformance/index.js';
import { MqemitterBus } from '../src/bus/mqemitter-bus.js';
import { StoreInbox } from '../src/inbox/store-inbox.js';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import { LevelStore } from '../src/store/level-store.js';

inboxConformance('kept in a level store on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-inbox-'));
  const store = await LevelStore.open(dir);
  return { inbox: new StoreInbox(store), store, close: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
});

busConformance('mqemitter', async () => new MqemitterBus());

runtimeConformance('process', async () => ({ runtime: new ProcessRuntime(), shellImage: '/bin/sh', mountRoot: '$ABACO_ROOT' }));

t.test('the process runtime: what an image names', async (t) => {
  const runtime = new ProcessRuntime({ images: { 'abacosamples/wc': ['sh', '-c', 'echo hi'] } });
  await runtime.ensureImage('abacosamples/wc');
  await runtime.ensureImage('/bin/sh');
  await t.rejects(runtime.ensureImage('busybox'), { message: /Image busybox is not present and cannot be pulled \(runtime: process\)/ });
  await t.rejects(runtime.ensureImage('/etc/passwd'), { name: 'ImageUnavailableError' }, 'a file that is not executable is not an image');
});
