import t from 'tap';
import { ReadCache, ScanCache } from '../src/store/read-cache.js';

/** A load the test finishes when it wants, counting how often the cache went to the database. */
function database(initial: Record<string, string>) {
  const data = new Map(Object.entries(initial));
  let loads = 0;
  const held: (() => void)[] = [];
  return {
    data,
    loads: () => loads,
    /** Reads now, answers when `release` is called (like a read whose answer comes late). */
    slow: (key: string) => () => {
      loads++;
      const text = data.get(key);
      return new Promise<string | undefined>((resolve) => held.push(() => resolve(text)));
    },
    fast: (key: string) => async () => (loads++, data.get(key)),
    release: () => held.splice(0).forEach((go) => go()),
  };
}

t.test('a record read is kept: the next read costs no trip, and each read is a copy', async (t) => {
  const db = database({ a: '{"n":1}' });
  const cache = new ReadCache();
  const first = (await cache.get('a', db.fast('a'))) as { n: number };
  first.n = 2;
  t.same(await cache.get('a', db.fast('a')), { n: 1 });
  t.equal(db.loads(), 1);
  t.equal(await cache.get('missing', db.fast('missing')), undefined);
  t.equal(await cache.get('missing', db.fast('missing')), undefined);
  t.equal(db.loads(), 2, 'a missing record is kept as missing');
});

t.test('a write updates a kept record, and keeps none that was not read', async (t) => {
  const db = database({ a: '1' });
  const cache = new ReadCache();
  await cache.get('a', db.fast('a'));
  cache.wrote([{ type: 'put', key: 'a', value: 2 }, { type: 'put', key: 'b', value: 3 }], new Map([['a', '2'], ['b', '3']]));
  t.equal(await cache.get('a', db.fast('a')), 2);
  t.equal(db.loads(), 1);
  db.data.set('b', '3');
  t.equal(await cache.get('b', db.fast('b')), 3);
  t.equal(db.loads(), 2, 'b was read from the database');
  cache.wrote([{ type: 'del', key: 'a' }], new Map());
  t.equal(await cache.get('a', db.fast('a')), undefined);
  t.equal(db.loads(), 2);
});

t.test('a read that was under way when the record was written is not kept (it may hold the old value)', async (t) => {
  const db = database({ a: '"old"' });
  const cache = new ReadCache();
  const reading = cache.get('a', db.slow('a'));
  db.data.set('a', '"new"');
  cache.wrote([{ type: 'put', key: 'a', value: 'new' }], new Map([['a', '"new"']]));
  db.release();
  t.equal(await reading, 'old', 'the read answers what it read');
  t.equal(await cache.get('a', db.fast('a')), 'new', 'the next read goes to the database');
  t.equal(await cache.get('a', db.fast('a')), 'new');
  t.equal(db.loads(), 2);
});

t.test('a write that may not have landed forgets the record', async (t) => {
  const db = database({ a: '1' });
  const cache = new ReadCache();
  await cache.get('a', db.fast('a'));
  cache.unsure(['a']);
  await cache.get('a', db.fast('a'));
  t.equal(db.loads(), 2);
});

t.test('the least recently used records go first when the cache is full; big records are never kept', async (t) => {
  const db = database({ a: `"${'a'.repeat(40)}"`, b: `"${'b'.repeat(40)}"`, c: `"${'c'.repeat(40)}"`, big: `"${'x'.repeat(200)}"` });
  const cache = new ReadCache(100, 50); // room for two of a, b, c (43 characters each with the key); not for 'big'
  for (const key of ['a', 'b', 'a', 'c']) await cache.get(key, db.fast(key));
  t.equal(db.loads(), 3);
  await cache.get('a', db.fast('a'));
  t.equal(db.loads(), 3, 'a, used last but one, is kept');
  await cache.get('b', db.fast('b'));
  t.equal(db.loads(), 4, 'b, used least lately, went');
  await cache.get('big', db.fast('big'));
  await cache.get('big', db.fast('big'));
  t.equal(db.loads(), 6);
});

const entries = (...keys: string[]): [string, string][] => keys.map((key) => [key, '1']);

t.test('a short scan read whole is kept until a key under its prefix is written; writes elsewhere leave it', async (t) => {
  const scans = new ScanCache();
  scans.begin('w/T/a1/')(entries('w/T/a1/x'));
  t.same(scans.get('w/T/a1/'), entries('w/T/a1/x'));
  scans.wrote(['w/T/a2/y', 'w/T/a1', 't/T/exec/a1/z']);
  t.same(scans.get('w/T/a1/'), entries('w/T/a1/x'), 'no key under the prefix was written');
  scans.wrote(['w/T/a1/y']);
  t.equal(scans.get('w/T/a1/'), undefined, 'a new key under the prefix drops it');
  scans.begin('w/T/')(entries('w/T/a1/x'));
  scans.wrote(['w/T/a1/x']);
  t.equal(scans.get('w/T/'), undefined, 'a key deeper under the prefix drops it too');
  t.notOk(ScanCache.keeps('w/T/a1'), 'a prefix that does not end with / is never kept');
});

t.test('a scan under way when a key under its prefix was written is not kept (it may hold the old entries)', async (t) => {
  const scans = new ScanCache();
  const done = scans.begin('w/T/a1/');
  scans.wrote(['w/T/a1/x']);
  done(entries('w/T/a1/old'));
  t.equal(scans.get('w/T/a1/'), undefined);
  const again = scans.begin('w/T/a1/');
  again(entries('w/T/a1/x'));
  again(entries('w/T/a1/other'));
  t.same(scans.get('w/T/a1/'), entries('w/T/a1/x'), 'the next scan is kept; calls after the first do nothing');
});

t.test('a scan with more entries than the limit is not kept; the least recently used go first when full', async (t) => {
  const scans = new ScanCache(2, 30); // each scan kept below is 10 characters (prefix, keys, texts): 3 fit
  scans.begin('a/')(entries('a/1', 'a/2', 'a/3'));
  t.equal(scans.get('a/'), undefined, 'three entries, two at most');
  for (const p of ['b/', 'c/', 'd/']) scans.begin(p)(entries(`${p}1`, `${p}2`));
  t.ok(scans.get('b/'), 'b is used');
  scans.begin('e/')(entries('e/1', 'e/2'));
  t.equal(scans.get('c/'), undefined, 'c, used least lately, went');
  t.ok(scans.get('b/') && scans.get('d/') && scans.get('e/'));
});
