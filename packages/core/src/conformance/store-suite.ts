import t, { type Test } from 'tap';
import { UNCHANGED, WithWrites, type Store } from '../store/store.js';

export interface StoreUnderTest {
  store: Store;
  /** For stores that persist: closes nothing, opens the same data again as a new Store. */
  reopen?: () => Promise<Store>;
}

/**
 * The conformance suite of the Store port. Every Store implementation runs it unchanged:
 * `storeConformance('my store', async () => ({ store: await MyStore.open(...) }))`.
 */
export function storeConformance(name: string, make: () => Promise<StoreUnderTest>): void {
  t.test(`Store conformance: ${name}`, async (t) => {
    const fresh = async (t: Test) => {
      const made = await make();
      t.teardown(() => made.store.close());
      return made;
    };

    t.test('get returns what batch put, and undefined once deleted or never written', async (t) => {
      const { store } = await fresh(t);
      t.equal(await store.get('nothing'), undefined);
      await store.batch([
        { type: 'put', key: 'a', value: { n: 1, list: [1, 'two', null], nested: { ok: true } } },
        { type: 'put', key: 'b', value: 'text' },
      ]);
      t.same(await store.get('a'), { n: 1, list: [1, 'two', null], nested: { ok: true } });
      t.equal(await store.get('b'), 'text');
      await store.batch([{ type: 'del', key: 'a' }]);
      t.equal(await store.get('a'), undefined);
    });

    t.test('keys of characters of several bytes: each reads its own record, never one whose key it starts with', async (t) => {
      const { store } = await fresh(t);
      // classic-level 3.0's getSync copies a text key into a buffer sized by the first key read (here
      // 3 bytes + 64), and cut longer keys short at a character that did not fit: 68 bytes read as 65.
      t.equal(await store.get('k/a'), undefined);
      const stem = `k/abc${'€'.repeat(20)}`;
      await store.batch([{ type: 'put', key: stem, value: 'twenty' }]);
      t.equal(await store.get(`${stem}€`), undefined, 'a longer key reads nothing');
      t.equal(await store.get(stem), 'twenty');
    });

    t.test('100 concurrent read-modify-write increments of one record end at exactly 100', async (t) => {
      const { store } = await fresh(t);
      await Promise.all(
        Array.from({ length: 100 }, () =>
          store.update<number>('counter', async (n) => {
            await new Promise((r) => setImmediate(r)); // widen the race window
            return (n ?? 0) + 1;
          }),
        ),
      );
      t.equal(await store.get('counter'), 100);
    });

    t.test('add: numbers added to a counter record, field by field, by batches and updates racing, none lost', async (t) => {
      const { store } = await fresh(t);
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          i % 2 === 0
            ? store.batch([{ type: 'put', key: `job/${i}`, value: i }, { type: 'add', key: 'count', value: { jobs: 1, size: i } }])
            : store.update<number>(`job/${i}`, async () => {
                await new Promise((r) => setImmediate(r)); // widen the race window
                return new WithWrites(i, [{ type: 'add', key: 'count', value: { jobs: 1, size: i, odd: 1 } }]);
              }),
        ),
      );
      t.same(await store.get('count'), { jobs: 100, size: 4950, odd: 50 });
      await store.batch([{ type: 'add', key: 'count', value: { jobs: -100, size: 0 } }]);
      t.same(await store.get('count'), { jobs: 0, size: 4950, odd: 50 }, 'subtracts too; a field that reaches 0 stays');
      await t.rejects(store.batch([{ type: 'put', key: 'bad', value: 1n }, { type: 'add', key: 'count', value: { jobs: 1 } }]));
      t.same(await store.get('count'), { jobs: 0, size: 4950, odd: 50 }, 'an add in a batch that fails is not made');
    });

    t.test('add after a put or a delete of the same record in one batch applies to what they left', async (t) => {
      const { store } = await fresh(t);
      await store.batch([{ type: 'add', key: 'c', value: { n: 5 } }, { type: 'add', key: 'c', value: { n: 1, m: 2 } }]);
      t.same(await store.get('c'), { n: 6, m: 2 }, 'adds fold together');
      await store.batch([{ type: 'put', key: 'c', value: { n: 10 } }, { type: 'add', key: 'c', value: { n: 1 } }]);
      t.same(await store.get('c'), { n: 11 });
      await store.batch([{ type: 'del', key: 'c' }, { type: 'add', key: 'c', value: { n: 3 } }]);
      t.same(await store.get('c'), { n: 3 });
      await store.batch([{ type: 'add', key: 'c', value: { n: 3 } }, { type: 'del', key: 'c' }]);
      t.equal(await store.get('c'), undefined, 'a delete after an add wins');
    });

    t.test('update: a throw writes nothing, UNCHANGED writes nothing, undefined deletes', async (t) => {
      const { store } = await fresh(t);
      await store.batch([{ type: 'put', key: 'k', value: 1 }]);
      await t.rejects(
        store.update('k', () => {
          throw new Error('refused');
        }),
        { message: 'refused' },
      );
      t.equal(await store.get('k'), 1);
      t.equal(await store.update('k', () => UNCHANGED), 1);
      t.equal(await store.get('k'), 1);
      t.equal(await store.update('k', () => undefined), undefined);
      t.equal(await store.get('k'), undefined);
    });

    t.test('update with other writes lands them in the same batch', async (t) => {
      const { store } = await fresh(t);
      await store.batch([{ type: 'put', key: 'gone', value: true }]);
      const stored = await store.update<number>('main', () => new WithWrites(7, [
        { type: 'put', key: 'side', value: 'x' },
        { type: 'del', key: 'gone' },
      ]));
      t.equal(stored, 7);
      t.equal(await store.get('main'), 7);
      t.equal(await store.get('side'), 'x');
      t.equal(await store.get('gone'), undefined);
    });

    t.test('a batch that cannot be written writes none of its records', async (t) => {
      const { store } = await fresh(t);
      await store.batch([{ type: 'put', key: 'x', value: 'before' }]);
      await t.rejects(
        store.batch([
          { type: 'put', key: 'x', value: 'after' },
          { type: 'put', key: 'y', value: 1n }, // a BigInt is not JSON
        ]),
      );
      t.equal(await store.get('x'), 'before');
      t.equal(await store.get('y'), undefined);
    });

    t.test('a record read reads back as last written, whatever wrote it; a failed write leaves it as it was', async (t) => {
      const { store } = await fresh(t);
      t.equal(await store.get('r'), undefined, 'read while missing');
      await store.batch([{ type: 'put', key: 'r', value: { v: 1 } }]);
      t.same(await store.get('r'), { v: 1 }, 'put by a batch');
      await store.update<{ v: number }>('r', (r) => ({ v: r!.v + 1 }));
      t.same(await store.get('r'), { v: 2 }, 'changed by an update');
      await store.update('other', () => new WithWrites(1, [{ type: 'put', key: 'r', value: { v: 3 } }]));
      t.same(await store.get('r'), { v: 3 }, 'written alongside an update of another record');
      await t.rejects(store.batch([{ type: 'put', key: 'r', value: { v: 4 } }, { type: 'put', key: 'bad', value: 1n }]));
      t.same(await store.get('r'), { v: 3 }, 'a batch that failed');
      await store.clear('r');
      t.equal(await store.get('r'), undefined, 'cleared');
    });

    t.test('a record read while it is written reads back, once both are done, as written', async (t) => {
      const { store } = await fresh(t);
      let stale = 0;
      for (let i = 0; i < 200; i++) {
        const key = `x${i}`;
        if (i % 2) await store.batch([{ type: 'put', key, value: 'before' }]);
        const [read] = await Promise.all([store.get(key), store.batch([{ type: 'put', key, value: i }])]);
        t.ok(read === i || read === (i % 2 ? 'before' : undefined), 'the read saw one of the values written');
        if ((await store.get(key)) !== i) stale++;
      }
      t.equal(stale, 0, 'no read after both were done saw an old value');
    });

    t.test('each read is a copy: changing what was read changes nothing stored', async (t) => {
      const { store } = await fresh(t);
      await store.batch([{ type: 'put', key: 'o', value: { list: [1], n: 1 } }]);
      const first = await store.get<{ list: number[]; n: number }>('o');
      first!.list.push(2);
      first!.n = 99;
      t.same(await store.get('o'), { list: [1], n: 1 });
      const updated = await store.update<{ n: number }>('o', (o) => ({ ...o!, n: 2 }));
      updated!.n = 100;
      t.same(await store.get('o'), { list: [1], n: 2 });
    });

    t.test('scan: prefix bounds, key order, reverse, limit and paging', async (t) => {
      const { store } = await fresh(t);
      const keys = ['p/b', 'p/a', 'p/c/1', 'p/c', 'pa', 'p', 'q/a', 'o/z'];
      await store.batch(keys.map((key) => ({ type: 'put' as const, key, value: key.toUpperCase() })));
      const scanned = async (prefix: string, options?: Parameters<Store['scan']>[1]) => {
        const out: [string, unknown][] = [];
        for await (const entry of store.scan(prefix, options)) out.push(entry);
        return out;
      };
      t.same(await scanned('p/'), [['p/a', 'P/A'], ['p/b', 'P/B'], ['p/c', 'P/C'], ['p/c/1', 'P/C/1']]);
      t.same((await scanned('p/', { reverse: true })).map(([k]) => k), ['p/c/1', 'p/c', 'p/b', 'p/a']);
      t.same((await scanned('p/', { limit: 2 })).map(([k]) => k), ['p/a', 'p/b']);
      t.same((await scanned('p/', { after: 'p/b' })).map(([k]) => k), ['p/c', 'p/c/1']);
      t.same((await scanned('p/', { after: 'p/c', reverse: true })).map(([k]) => k), ['p/b', 'p/a']);
      t.same(await scanned('none/'), []);
    });

    t.test('clear removes exactly the keys under a prefix', async (t) => {
      const { store } = await fresh(t);
      const ops = Array.from({ length: 2500 }, (_, i) => ({ type: 'put' as const, key: `c/${i}`, value: i }));
      await store.batch([...ops, { type: 'put', key: 'c0', value: 'kept' }, { type: 'put', key: 'b/1', value: 'kept' }]);
      t.equal(await store.clear('c/'), 2500);
      t.equal(await store.get('c/7'), undefined);
      t.equal(await store.get('c0'), 'kept');
      t.equal(await store.get('b/1'), 'kept');
    });

    t.test('a persistent store, closed and opened again, returns everything written', async (t) => {
      const made = await make();
      if (!made.reopen) {
        await made.store.close();
        t.pass('this store keeps nothing across opens by design (in memory)');
        return;
      }
      await made.store.batch(Array.from({ length: 50 }, (_, i) => ({ type: 'put' as const, key: `r/${String(i).padStart(2, '0')}`, value: { i } })));
      await made.store.update<number>('r-count', () => 50);
      await made.store.close();
      const again = await made.reopen();
      t.teardown(() => again.close());
      const seen: unknown[] = [];
      for await (const [, value] of again.scan('r/')) seen.push(value);
      t.same(seen, Array.from({ length: 50 }, (_, i) => ({ i })));
      t.equal(await again.get('r-count'), 50);
    });
  });
}
