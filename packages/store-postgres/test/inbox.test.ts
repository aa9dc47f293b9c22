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
});
