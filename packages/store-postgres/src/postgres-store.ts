import type pg from 'pg';
import { KeyLock, UNCHANGED, WithWrites, type BatchOp, type ScanOptions, type Store, type UpdateFn } from '@abaco/core';
import { PostgresDatabase, type PostgresOptions } from './database.js';
import { RecordWrites } from './record-writes.js';
import { PostgresSearch } from './postgres-search.js';

/** Rows fetched per round trip of a scan. */
const PAGE = 500;

/**
 * The Store on PostgreSQL: one table of JSON records keyed by text compared bytewise. `update` is a
 * transaction that locks the record (`SELECT … FOR UPDATE`, or for a missing record the row it
 * inserts, which no one else sees until the transaction ends), so it is atomic across processes;
 * `batch` is one statement; `scan` pages through the primary key's index in key order.
 * Inside this process, the writes of one key are also made in the order they were asked for.
 * Searches run as SQL on the same table (`searchIndex`, found by core's search).
 */
export class PostgresStore implements Store {
  private readonly order = new KeyLock();
  private readonly records: string;
  /** The search port of core (search/search-index.ts): searches as SQL with indexes. */
  readonly searchIndex: PostgresSearch;

  /** A Store over `db`; with `ownsDatabase`, closing the store closes the database. */
  constructor(
    private readonly db: PostgresDatabase,
    private readonly ownsDatabase = false,
  ) {
    this.records = db.table('records');
    this.searchIndex = new PostgresSearch(db);
  }

  /** Connects to `connectionString`, creating or migrating the schema; the store owns the connection. */
  static async open(connectionString: string, options?: PostgresOptions): Promise<PostgresStore> {
    return new PostgresStore(await PostgresDatabase.connect(connectionString, options), true);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const { rows } = await this.db.query<{ value: T }>(`SELECT value FROM ${this.records} WHERE key = $1`, [key]);
    return rows[0]?.value;
  }

  async batch(ops: BatchOp[]): Promise<void> {
    const writes = new RecordWrites(ops);
    if (writes.empty) return;
    await this.inOrder(writes.keys, () => this.write(this.db.statements, writes));
  }

  async update<T>(key: string, fn: UpdateFn<T>): Promise<T | undefined> {
    return this.inOrder([key], async () => {
      const client = await this.db.transactions.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const current = await this.lock<T>(client, key);
        const result = await fn(current);
        if (result === UNCHANGED) {
          await client.query('ROLLBACK');
          return current;
        }
        const next = result instanceof WithWrites ? result.value : result;
        const own: BatchOp = next === undefined ? { type: 'del', key } : { type: 'put', key, value: next };
        await this.write(client, new RecordWrites([own, ...(result instanceof WithWrites ? result.also : [])]));
        await client.query('COMMIT');
        return next;
      } catch (e) {
        await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
        throw e;
      } finally {
        client.release(broken);
      }
    });
  }

  /**
   * Locks `key`'s record for the transaction and returns its value. A missing record is inserted
   * (as a placeholder no one else sees), which locks its key just the same: anyone else creating it
   * waits for this transaction. If another transaction created or deleted it meanwhile, try again.
   */
  private async lock<T>(client: pg.ClientBase, key: string): Promise<T | undefined> {
    for (;;) {
      const found = await client.query<{ value: T }>(`SELECT value FROM ${this.records} WHERE key = $1 FOR UPDATE`, [key]);
      if (found.rows.length > 0) return found.rows[0]!.value;
      const made = await client.query(`INSERT INTO ${this.records} (key, value) VALUES ($1, 'null') ON CONFLICT (key) DO NOTHING`, [key]);
      if (made.rowCount === 1) return undefined;
    }
  }

  /** Makes a batch's writes in one statement. */
  private async write(on: pg.Pool | pg.ClientBase, writes: RecordWrites): Promise<void> {
    const params: unknown[] = [];
    await on.query(`WITH ${writes.ctes(this.records, params).join(', ')} SELECT 1`, params);
  }

  /** Runs `fn` once every write of these keys asked for before it in this process is done. */
  private inOrder<R>(keys: string[], fn: () => Promise<R>): Promise<R> {
    return this.order.with(keys, fn);
  }

  async *scan<T>(prefix: string, options: ScanOptions = {}): AsyncIterable<[string, T]> {
    const direction = options.reverse ? 'DESC' : 'ASC';
    const beyond = options.reverse ? '<' : '>';
    let after = options.after;
    let remaining = options.limit ?? Infinity;
    while (remaining > 0) {
      const page = Math.min(PAGE, remaining);
      const params: unknown[] = [likePrefix(prefix), page];
      if (after !== undefined) params.push(after);
      const { rows } = await this.db.query<{ key: string; value: T }>(
        `SELECT key, value FROM ${this.records} WHERE key LIKE $1${after === undefined ? '' : ` AND key ${beyond} $3`} ORDER BY key ${direction} LIMIT $2`,
        params,
      );
      for (const row of rows) yield [row.key, row.value];
      if (rows.length < page) return;
      after = rows[rows.length - 1]!.key;
      remaining -= rows.length;
    }
  }

  async clear(prefix: string): Promise<number> {
    const { rowCount } = await this.db.query(`DELETE FROM ${this.records} WHERE key LIKE $1`, [likePrefix(prefix)]);
    return rowCount ?? 0;
  }

  async close(): Promise<void> {
    if (this.ownsDatabase) await this.db.close();
  }
}

/** A LIKE pattern for the keys that start with `prefix` (on a "C" column, an index range). */
export function likePrefix(prefix: string): string {
  return likeEscape(prefix) + '%';
}

/** Text for a LIKE pattern that matches it as it is (its backslashes, `%` and `_` escaped). */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}
