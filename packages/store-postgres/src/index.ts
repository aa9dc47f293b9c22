export { PostgresDatabase, type PostgresOptions } from './database.js';
export { PostgresStore } from './postgres-store.js';
