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
