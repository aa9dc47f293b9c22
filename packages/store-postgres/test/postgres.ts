import t from 'tap';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { PostgresDatabase } from '../src/index.js';

/** The PostgreSQL the tests use (`source .ci/postgres.sh start` starts one and sets it). */
export const url = process.env.ABACO_TEST_POSTGRES_URL;

/**
 * Runs `tests` when the test PostgreSQL answers; otherwise skips them with the reason on a laptop,
 * and fails under CI, where it must be there.
 */
export async function withPostgres(name: string, tests: () => void): Promise<void> {
  const reachable = url === undefined ? 'ABACO_TEST_POSTGRES_URL is not set' : await answers(url);
  if (reachable === true) {
    tests();
    t.teardown(dropSchemas);
  } else if (process.env.CI) {
    t.fail(`In CI the test PostgreSQL must be reachable: ${reachable}`);
  } else {
    t.test(name, { skip: `skipped: ${reachable} (start one with: source .ci/postgres.sh start)` }, async () => {});
  }
}

async function answers(url: string): Promise<true | string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (e) {
    return `PostgreSQL at ${url} does not answer: ${(e as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

const schemas: string[] = [];

/** A schema name of its own for one test, dropped when the test file ends. */
export function freshSchema(): string {
  const schema = `abaco_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

/** Connects to the test PostgreSQL in a schema of its own. */
export function freshDatabase(): Promise<PostgresDatabase> {
  return PostgresDatabase.connect(url!, { schema: freshSchema() });
}

async function dropSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
