import t from 'tap';
import { GroupCommit } from '../src/store/group-commit.js';

/** A write that records its groups and finishes when the test says. */
function recorder() {
  const groups: string[][] = [];
  const finish: (() => void)[] = [];
  let fail = (_item: string) => false;
  const write = (key: string, items: string[]) => {
    groups.push(items.map((i) => `${key}:${i}`));
    return new Promise<void>((resolve, reject) => finish.push(() => (items.some(fail) ? reject(new Error('bad item')) : resolve())));
  };
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)); // let the next group start
    finish.splice(0).forEach((go) => go());
  };
  return { groups, write, settle, failOn: (f: (item: string) => boolean) => (fail = f) };
}

t.test('items that come together are written together; those that come meanwhile, in the next write, in order', async (t) => {
  const r = recorder();
  const commit = new GroupCommit(r.write);
  const done: string[] = [];
  const submit = (key: string, item: string) => commit.submit(key, item).then(() => done.push(`${key}:${item}`));
  const first = ['a', 'b', 'c'].map((i) => submit('k', i));
  const other = submit('other', 'z');
  await new Promise((r) => setImmediate(r));
  t.same(r.groups, [['k:a', 'k:b', 'k:c'], ['other:z']], 'one write per key for what came in the same turn');
  const later = ['d', 'e'].map((i) => submit('k', i));
  await new Promise((r) => setImmediate(r));
  t.equal(r.groups.length, 2, 'no second write of a key while one is in flight');
  t.same(done, [], 'nobody is answered before their write is done');
  await r.settle();
  await Promise.all([...first, other]);
  t.same(r.groups[2], ['k:d', 'k:e']);
  await r.settle();
  await Promise.all(later);
  t.same(done, ['k:a', 'k:b', 'k:c', 'other:z', 'k:d', 'k:e']);
});

t.test('a write that fails is tried again item by item: only the bad item fails', async (t) => {
  const r = recorder();
  r.failOn((item) => item === 'bad');
  const commit = new GroupCommit(r.write);
  const outcomes = Promise.allSettled(['a', 'bad', 'c'].map((i) => commit.submit('k', i)));
  for (let i = 0; i < 4; i++) await r.settle();
  t.same((await outcomes).map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  t.same(r.groups, [['k:a', 'k:bad', 'k:c'], ['k:a'], ['k:bad'], ['k:c']]);
});

t.test('groups hold at most maxGroup items', async (t) => {
  const r = recorder();
  const commit = new GroupCommit(r.write, 2);
  const all = Promise.all(['a', 'b', 'c'].map((i) => commit.submit('k', i)));
  for (let i = 0; i < 2; i++) await r.settle();
  await all;
  t.same(r.groups, [['k:a', 'k:b'], ['k:c']]);
});
