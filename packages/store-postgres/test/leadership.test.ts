import t from 'tap';
import pg from 'pg';
import { PostgresDatabase, PostgresLeadership } from '../src/index.js';
import { freshSchema, url, withPostgres } from './postgres.js';

/** Waits until `done()` holds (checking every 50 ms, up to 15 s); false if it never does. */
async function until(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  return done();
}

await withPostgres('PostgreSQL leadership', () => {
  t.test('of the nodes on one schema exactly one leads; when it stops another takes over; another schema has its own leader', async (t) => {
    const schema = freshSchema();
    const dbs = [await PostgresDatabase.connect(url!, { schema }), await PostgresDatabase.connect(url!, { schema }), await PostgresDatabase.connect(url!, { schema: freshSchema() })];
    const [a, b, elsewhere] = [await PostgresLeadership.start(dbs[0]!, { retryMs: 100 }), await PostgresLeadership.start(dbs[1]!, { retryMs: 100 }), await PostgresLeadership.start(dbs[2]!, { retryMs: 100 })];
    t.teardown(async () => {
      await Promise.all([a.close(), b.close(), elsewhere.close()]);
      await Promise.all(dbs.map((db) => db.close()));
    });
    t.same([a.isLeader, b.isLeader, elsewhere.isLeader], [true, false, true], 'the first to try leads its schema');
    const changes: boolean[] = [];
    b.onChange((leading) => changes.push(leading));
    await new Promise((r) => setTimeout(r, 300));
    t.same([a.isLeader, b.isLeader], [true, false], 'the other keeps trying, in vain, while the leader holds');
    await a.close();
    t.equal(a.isLeader, false);
    t.ok(await until(() => b.isLeader), 'the other node takes over');
    t.same(changes, [true], 'and is told once');
  });

  t.test('a leader whose session is lost stops leading at once; then exactly one node leads', async (t) => {
    const schema = freshSchema();
    const dbs = [await PostgresDatabase.connect(url!, { schema }), await PostgresDatabase.connect(url!, { schema })];
    // a node id no other test file running at the same time uses: its leader's session is found by it
    const nodeA = `node-a-${schema}`;
    const a = await PostgresLeadership.start(dbs[0]!, { retryMs: 100, nodeId: nodeA });
    const b = await PostgresLeadership.start(dbs[1]!, { retryMs: 100, nodeId: 'node-b' });
    t.teardown(async () => {
      await Promise.all([a.close(), b.close()]);
      await Promise.all(dbs.map((db) => db.close()));
    });
    t.ok(a.isLeader);
    const told: boolean[] = [];
    a.onChange((leading) => told.push(leading));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    t.teardown(() => admin.end());
    const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`abaco leader ${nodeA}`]);
    t.equal(rowCount, 1, 'the leader holds its lock on a session named after its node');
    t.ok(await until(() => told.length > 0), 'the leader is told');
    t.equal(told[0], false, 'that it lost the leadership');
    t.ok(await until(() => a.isLeader !== b.isLeader), 'then one of the two (whichever tried first) leads');
    await new Promise((r) => setTimeout(r, 300));
    t.not(a.isLeader, b.isLeader, 'and only one');
  });
});
