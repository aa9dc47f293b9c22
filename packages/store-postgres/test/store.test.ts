import { storeConformance } from '@abaco/core/conformance';
import { PostgresStore } from '../src/index.js';
import { freshSchema, url, withPostgres } from './postgres.js';

await withPostgres('PostgreSQL Store', () => {
  storeConformance('postgres', async () => {
    const schema = freshSchema();
    return { store: await PostgresStore.open(url!, { schema }), reopen: () => PostgresStore.open(url!, { schema }) };
  });
});
