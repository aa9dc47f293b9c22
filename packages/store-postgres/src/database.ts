import pg from 'pg';
import { BadRequestError } from '@abaco/core';
import { migrate, SCHEMA_NAME } from './schema.js';

/** PostgreSQL's code for a statement cancelled (here: past its statement_timeout). */
const QUERY_CANCELED = '57014';

export interface PostgresOptions {
  /** The PostgreSQL schema that holds Abaco's tables (created if missing). Default `abaco`. */
  schema?: string;
  /** Connections in each of the two pools (short statements; transactions). Default 10. */
  poolSize?: number;
  /** How long one statement of a search may run before PostgreSQL cancels it (ms). Default 5,000. */
  searchTimeoutMs?: number;
  /** Told of errors of connections, idle or in use (the pool drops them and opens others when needed). */
  onError?: (error: Error) => void;
}

/**
 * A PostgreSQL database holding Abaco's records, inboxes and notifications, in one schema. Three
 * pools: one for short statements (reads, batches, inbox operations, notifications), one for
 * transactions that hold a connection while the engine computes (`Store.update`), and a small one
 * for searches, whose statements PostgreSQL cancels past `searchTimeoutMs`. Reads never wait for a
 * transaction's connection, so an update whose function reads other records cannot starve the
 * pool; and costly searches never hold the connections that heartbeats, leases and messages use. Store, Inbox and Bus over one database share it; whoever opened it closes it.
 */
export class PostgresDatabase {
  private closed = false;

  private constructor(
    /** The schema's name, safe to put in SQL as is. */
    readonly schema: string,
    private readonly config: pg.ClientConfig,
    readonly statements: pg.Pool,
    readonly transactions: pg.Pool,
    /** Searches' statements (see `searchTimeoutMs`). */
    readonly searches: pg.Pool,
    readonly onError: (error: Error) => void,
  ) {}

  /** Connects to `connectionString` (`postgres://user@host:port/db`) and creates or migrates the schema. */
  static async connect(connectionString: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
    const schema = options.schema ?? 'abaco';
    if (!SCHEMA_NAME.test(schema)) throw new Error(`The schema name "${schema}" must be lower case letters, digits and underscores, starting with a letter or an underscore.`);
    const config: pg.ClientConfig = { connectionString, application_name: 'abaco' };
    const onError = options.onError ?? (() => {});
    // A connection the database closes (a restart) errs: idle ones through the pool, checked-out ones
    // through their own listener (without one, the error would end the process); their query fails, the pool opens others.
    const pool = (extra: pg.PoolConfig = {}) =>
      new pg.Pool({ ...config, max: options.poolSize ?? 10, ...extra }).on('error', onError).on('connect', (client) => void client.on('error', onError));
    const searches = pool({ max: Math.max(1, Math.floor((options.poolSize ?? 10) / 2)), statement_timeout: options.searchTimeoutMs ?? 5000 });
    const db = new PostgresDatabase(schema, config, pool(), pool(), searches, onError);
    try {
      const client = await db.statements.connect();
      try {
        await migrate(client, schema);
      } finally {
        client.release();
      }
    } catch (e) {
      await db.close();
      throw e;
    }
    return db;
  }

  /** The name of one of the schema's tables or sequences, qualified for SQL. */
  table(name: 'records' | 'inbox_messages' | 'fencing_tokens'): string {
    return `${this.schema}.${name}`;
  }

  /** Runs one statement on a pooled connection. */
  query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.statements.query<R>(sql, params);
  }

  /** Runs one statement of a search on the searches' pool; a statement cancelled past its time is a 400 that says so. */
  async search<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.searches.query<R>(sql, params);
    } catch (e) {
      if ((e as { code?: string }).code === QUERY_CANCELED) throw new BadRequestError('The search took too long and was stopped: narrow it (fewer conditions, an actor, a time range).');
      throw e;
    }
  }

  /** A connection of its own, outside the pools (for LISTEN, or to hold a session's lock), with `overrides` to its settings. */
  client(overrides: Partial<pg.ClientConfig> = {}): pg.Client {
    return new pg.Client({ ...this.config, ...overrides });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.statements.end(), this.transactions.end(), this.searches.end()]);
  }
}
