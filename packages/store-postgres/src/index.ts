export { PostgresDatabase, type PostgresOptions } from './database.js';
export { PostgresStore } from './postgres-store.js';
export { PostgresInbox } from './postgres-inbox.js';
export { PostgresBus, type BusOptions } from './postgres-bus.js';
export { PostgresLeadership, type LeadershipOptions } from './postgres-leadership.js';
export { PostgresSearch } from './postgres-search.js';
