import t, { type Test } from 'tap';
import type { QueuedMessage } from '@abaco/core';
import { inboxConformance } from '@abaco/core/conformance';
import { PostgresInbox, PostgresStore, type PostgresDatabase } from '../src/index.js';
import { freshDatabase, withPostgres } from './postgres.js';

// The suite pushes 100,000 messages one at a time, a round trip to PostgreSQL each.
t.setTimeout(10 * 60_000);

const message = (executionId: string): QueuedMessage => ({ executionId, contentType: 'str', text: executionId, binaryPath: null, env: {}, executor: 'tester', synchronous: false });

async function fresh(t: Test): Promise<{ db: PostgresDatabase; inbox: PostgresInbox; store: PostgresStore }> {
  const db = await freshDatabase();
  t.teardown(() => db.close());
  return { db, inbox: new PostgresInbox(db), store: new PostgresStore(db) };
}

await withPostgres('PostgreSQL Inbox', () => {
  inboxConformance('postgres', async () => {
    const db = await freshDatabase();
    return { inbox: new PostgresInbox(db), store: new PostgresStore(db), close: () => db.close() };
  });

  t.test('a holder whose lease was taken back can neither ack nor release it: the message and its records stay as the new holder has them', async (t) => {
    const { inbox, store } = await fresh(t);
    await inbox.push('A_1', message('e1'), [{ type: 'put', key: 'exec/e1', value: 'SUBMITTED' }]);
    const stale = (await inbox.lease('A_1', 'lost-worker'))!;
    t.equal(await inbox.redeliver('A_1', (holder) => holder !== 'lost-worker'), 1);
    const current = (await inbox.lease('A_1', 'new-worker'))!;
    t.not(current.token, stale.token, 'the new lease has a new fencing token');
    await inbox.ack('A_1', stale, [{ type: 'put', key: 'exec/e1', value: 'COMPLETE from the lost worker' }]);
    await inbox.release('A_1', stale);
    t.equal(await store.get('exec/e1'), 'SUBMITTED', 'the stale ack wrote nothing');
    t.same((await inbox.leases('A_1')).map((l) => l.holder), ['new-worker'], 'the message is still leased to the new holder');
    await inbox.ack('A_1', current, [{ type: 'put', key: 'exec/e1', value: 'COMPLETE' }]);
    t.equal(await store.get('exec/e1'), 'COMPLETE');
    t.same(await inbox.inboxes(), []);
  });

  t.test('exclusive leases: one message at a time, in order, whoever asks at once', async (t) => {
    const { inbox } = await fresh(t);
    for (const id of ['a', 'b', 'c']) await inbox.push('S_1', message(id));
    const out: string[] = [];
    for (let round = 0; round < 3; round++) {
      const got = (await Promise.all(Array.from({ length: 8 }, (_, w) => inbox.lease('S_1', `w${w}`, { exclusive: true })))).filter((l) => l !== undefined);
      t.equal(got.length, 1, `round ${round}: one lease among 8 asking at once`);
      t.equal(await inbox.lease('S_1', 'late', { exclusive: true }), undefined, 'none while it is held');
      out.push(got[0]!.message.executionId);
      await inbox.ack('S_1', got[0]!);
    }
    t.same(out, ['a', 'b', 'c']);
  });

  t.test('the database itself refuses a second exclusive lease of an inbox', async (t) => {
    const { db, inbox } = await fresh(t);
    await inbox.push('S_2', message('a'));
    await inbox.push('S_2', message('b'));
    await inbox.lease('S_2', 'w1', { exclusive: true });
    await t.rejects(
      db.query(`UPDATE ${db.table('inbox_messages')} SET holder = 'w2', token = 0, exclusive = true WHERE inbox = 'S_2' AND holder IS NULL`),
      { code: '23505' },
    );
  });

  t.test('a lease with a time to live is redelivered once it lapses, unless extended; a lapsed holder cannot extend it', async (t) => {
    const { inbox } = await fresh(t);
    await inbox.push('A_2', message('e1'));
    const lease = (await inbox.lease('A_2', 'w', { ttlMs: 60_000 }))!;
    t.ok(lease.expiresAt && lease.expiresAt.getTime() > Date.now() + 30_000, 'it lapses a minute from now');
    t.equal(await inbox.redeliver('A_2', () => true), 0, 'a live holder within its time keeps it');
    t.ok(await inbox.extend('A_2', lease, 0), 'the holder may shorten it, here to nothing');
    t.equal(await inbox.redeliver('A_2', () => true), 1, 'a lapsed lease goes back, though its holder is alive');
    t.notOk(await inbox.extend('A_2', lease, 60_000), 'its holder can no longer extend it');
    t.equal((await inbox.lease('A_2', 'other'))?.message.executionId, 'e1');
  });
});
