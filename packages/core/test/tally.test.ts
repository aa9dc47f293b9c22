import t from 'tap';
import { LevelStore } from '../src/store/level-store.js';
import { Tally } from '../src/store/tally.js';

t.test('a tally counts what the batches that carry its changes wrote, and only those that landed', async (t) => {
  const store = await LevelStore.memory();
  t.teardown(() => store.close());
  const tally = new Tally(store);
  t.same(await tally.read('jobs'), {}, 'nothing counted yet');
  await Promise.all(
    Array.from({ length: 200 }, (_, i) => store.batch([{ type: 'put', key: `job/${i}`, value: i }, ...Tally.deltaOps('jobs', { done: 1, size: i })])),
  );
  await t.rejects(store.batch([{ type: 'put', key: 'job/bad', value: 1n }, ...Tally.deltaOps('jobs', { done: 1 })]), 'a batch that fails');
  t.same(await tally.read('jobs'), { done: 200, size: 19_900 });
  t.same(Tally.deltaOps('jobs', { done: 0 }), [], 'a change of nothing writes nothing');
  await store.batch(Tally.deltaOps('jobs', { done: -1, size: -199 }));
  t.same(await tally.read('jobs'), { done: 199, size: 19_701 });
  t.same(await tally.read('other'), {}, 'tallies are apart');
});

t.test('reads fold the journal while changes keep coming: nothing is lost or counted twice', async (t) => {
  const store = await LevelStore.memory();
  t.teardown(() => store.close());
  const tally = new Tally(store);
  const writes: Promise<void>[] = [];
  const reads: Promise<unknown>[] = [];
  for (let i = 0; i < 12_000; i++) {
    writes.push(store.batch(Tally.deltaOps('n', { n: 1 })));
    if (i % 1000 === 0) reads.push(tally.read('n'));
  }
  await Promise.all([...writes, ...reads]);
  t.same(await tally.read('n'), { n: 12_000 });
  const journal: string[] = [];
  for await (const [key] of store.scan('tallyj/')) journal.push(key);
  t.same(journal, [], 'the journal is empty once read');
  await tally.clear('n');
  t.same(await tally.read('n'), {});
});
