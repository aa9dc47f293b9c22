import t from 'tap';
import pg from 'pg';
import { SecretBox } from '@abaco/core';
import { busConformance } from '@abaco/core/conformance';
import { PostgresBus } from '../src/index.js';
import { freshDatabase, freshSchema, url, withPostgres } from './postgres.js';

/** Waits until `done()` holds, publishing again each time (a notification sent while no one listened is gone); false if it never does. */
async function until(done: () => boolean, publish: () => Promise<void>): Promise<boolean> {
  for (let i = 0; i < 100 && !done(); i++) {
    await publish();
    await new Promise((r) => setTimeout(r, 100));
  }
  return done();
}

await withPostgres('PostgreSQL Bus', () => {
  busConformance('postgres', async () => PostgresBus.open(url!, { schema: freshSchema() }));
  busConformance('postgres, sealed with the nodes\' key', async () => PostgresBus.open(url!, { schema: freshSchema(), secretKey: SecretBox.newKey() }));

  t.test('sealed with the nodes\' key, a notification is read only by buses with that key, and one from whoever else may connect is dropped', async (t) => {
    const key = SecretBox.newKey();
    const db = await freshDatabase();
    const [a, b, other] = [await PostgresBus.listen(db, { secretKey: key }), await PostgresBus.listen(db, { secretKey: key }), await PostgresBus.listen(db, { secretKey: SecretBox.newKey() })];
    t.teardown(async () => (await Promise.all([a.close(), b.close(), other.close()]), await db.close()));
    const [onB, onOther]: unknown[][] = [[], []];
    await b.subscribe('workers/stop', (p) => onB.push(p));
    await other.subscribe('workers/stop', (p) => onOther.push(p));
    // A stranger with a connection to the database sends a stop in the clear, and listens.
    const stranger = new pg.Client({ connectionString: url });
    await stranger.connect();
    t.teardown(() => stranger.end());
    const overheard: string[] = [];
    stranger.on('notification', (n) => overheard.push(n.payload ?? ''));
    await stranger.query(`LISTEN ${db.schema}`);
    await stranger.query('SELECT pg_notify($1, $2)', [db.schema, JSON.stringify({ topic: 'workers/stop', payload: { workerId: 'w1', kill: true } })]);
    await a.publish('workers/stop', { workerId: 'w2', kill: false });
    t.ok(await until(() => onB.length > 0 && overheard.length >= 2, async () => {}), 'the node with the key heard its peer');
    await new Promise((r) => setTimeout(r, 300));
    t.same(onB, [{ workerId: 'w2', kill: false }], 'and only its peer: the stranger\'s stop was dropped');
    t.same(onOther, [], 'a bus with another key acts on nothing');
    // (in the clear, the notification holds `"w2"`; sealed, it is base64, which has no quotes, but may hold w2 by chance)
    t.notOk(overheard.some((text) => text.includes('"w2"')), 'the stranger cannot read what the nodes said');
  });

  t.test('a notification reaches every bus on the same database and schema, and no other', async (t) => {
    const db = await freshDatabase();
    const [a, b] = [await PostgresBus.listen(db), await PostgresBus.listen(db)];
    const elsewhere = await PostgresBus.open(url!, { schema: freshSchema() });
    t.teardown(async () => (await Promise.all([a.close(), b.close(), elsewhere.close()]), await db.close()));
    const [onA, onB, onElsewhere]: unknown[][] = [[], [], []];
    await a.subscribe('inbox/X_1', (p) => onA.push(p));
    await b.subscribe('inbox/X_1', (p) => onB.push(p));
    await elsewhere.subscribe('inbox/X_1', (p) => onElsewhere.push(p));
    await a.publish('inbox/X_1', { from: 'a' });
    t.ok(await until(() => onA.length > 0 && onB.length > 0, async () => {}), 'both buses heard it');
    await elsewhere.publish('inbox/X_1', { from: 'elsewhere' });
    t.ok(await until(() => onElsewhere.length > 0, async () => {}));
    t.same([onA, onB, onElsewhere], [[{ from: 'a' }], [{ from: 'a' }], [{ from: 'elsewhere' }]]);
  });

  t.test('after its listening connection is lost, a bus listens again', async (t) => {
    const schema = freshSchema();
    const bus = await PostgresBus.open(url!, { schema });
    t.teardown(() => bus.close());
    const got: unknown[] = [];
    await bus.subscribe('halt/X_2/e1', (p) => got.push(p));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    t.teardown(() => admin.end());
    const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1', [`LISTEN ${schema}`]);
    t.equal(rowCount, 1, 'its listening connection was cut');
    t.ok(await until(() => got.length > 0, () => bus.publish('halt/X_2/e1', 'again')), 'a notification sent later arrives');
  });

  t.test('a payload too large for NOTIFY is refused with the reason', async (t) => {
    const bus = await PostgresBus.open(url!, { schema: freshSchema() });
    t.teardown(() => bus.close());
    await t.rejects(bus.publish('finished/X_3/e1', 'x'.repeat(8000)), { message: /The notification on finished\/X_3\/e1 takes \d+ bytes; PostgreSQL's NOTIFY carries at most 7999/ });
  });
});
