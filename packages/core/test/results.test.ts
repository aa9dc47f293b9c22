import t from 'tap';
import { pino } from 'pino';
import { defaultSettings } from '../src/engine/settings.js';
import type { EngineContext } from '../src/engine/context.js';
import { LogStore } from '../src/execution/logs.js';
import { ResultQueue } from '../src/execution/results.js';
import type { Actor } from '../src/model/actor.js';
import { LevelStore } from '../src/store/level-store.js';

t.test('results nobody reads are swept once expired; read ones leave nothing behind', async (t) => {
  const store = await LevelStore.memory();
  t.teardown(() => store.close());
  let now = Date.parse('2026-01-01T00:00:00Z');
  const ctx: EngineContext = { store, settings: { ...defaultSettings(), resultTtlMs: 60_000 }, now: () => new Date(now), log: pino({ level: 'silent' }), runtime: { name: 'none', isolated: true, images: null } };
  const results = new ResultQueue(ctx);
  const sweeper = new LogStore(ctx);
  const actor = { tenant: 'T', id: 'A1' } as Actor;
  const everything = async () => {
    const keys: string[] = [];
    for await (const [key] of store.scan('')) keys.push(key);
    return keys;
  };

  await results.push(actor, 'read', Buffer.from('one'));
  t.same(await results.pop(actor, 'read'), Buffer.from('one'));
  t.equal(await results.pop(actor, 'read'), undefined, 'a result is read once');
  t.same(await everything(), [], 'a result read leaves nothing behind');

  for (const text of ['a', 'b', 'c']) await results.push(actor, 'unread', Buffer.from(text));
  now += 30_000;
  t.equal(await sweeper.sweep(), 0, 'nothing is due yet');
  t.same(await results.pop(actor, 'unread'), Buffer.from('a'));
  now += 31_000;
  t.equal(await sweeper.sweep(), 2, 'the two results nobody read are removed when their time is up');
  t.same(await everything(), []);
});
