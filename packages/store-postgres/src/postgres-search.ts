import type { IndexedRecord, IndexedSearch, SearchIndex, SearchRecord } from '@abaco/core';
import type pg from 'pg';
import type { PostgresDatabase } from './database.js';
import { SearchSql, STATUS, Untranslatable } from './postgres-search-sql.js';

/** Candidates are read this many at a time. */
const PAGE = 1000;

/**
 * Search as SQL on the records table (the Store's search index, see core's search/search-index.ts).
 * A search whose every condition and pattern translates exactly (postgres-search-sql.ts) is answered
 * by two statements: its page, in order, and its count (unless core knows it from its tallies); a full-text search, or a `like` that is more than
 * plain text with anchors, gets its candidates from SQL filtered by what does translate, and core
 * does the rest. Only records of the actors in reach are read: the permission filter is part of
 * every statement. Patterns become LIKE, never a regular expression in the database (no ReDoS).
 */
export class PostgresSearch implements SearchIndex {
  constructor(private readonly db: PostgresDatabase) {}

  async answer(search: IndexedSearch): Promise<{ records: SearchRecord[]; totalCount: number } | undefined> {
    let sql: SearchSql;
    try {
      sql = new SearchSql(this.db.schema, search, true);
    } catch (e) {
      if (e instanceof Untranslatable) return undefined;
      throw e;
    }
    const from = `FROM ${this.db.table('records')} WHERE ${sql.where}`;
    const count = async () => search.totalCount ?? Number((await this.db.search<{ n: string }>(`SELECT count(*) AS n ${from}`, sql.params)).rows[0]!.n);
    const [totalCount, { rows }] = await Promise.all([count(), this.page(sql, from)]);
    return { records: rows.map((row) => sql.record(row.key, row.value) as SearchRecord), totalCount };
  }

  /**
   * The page's rows. Executions of several statuses are read status by status, each in the order
   * of its index and no further than the page, then merged: an index gives one status's executions
   * in order, not several statuses' together.
   */
  private page(sql: SearchSql, from: string): Promise<pg.QueryResult<{ key: string; value: unknown }>> {
    const { skip, limit, range } = sql.search;
    const params = [...sql.params];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const statuses = range?.statuses ?? [];
    if (statuses.length < 2) return this.db.search(`SELECT key, value ${from} ORDER BY ${sql.order} OFFSET ${bind(skip)} LIMIT ${bind(limit)}`, params);
    const enough = bind(skip + limit);
    const branches = statuses.map((status) => `(SELECT key, value, ${sql.sortKey} AS sort_key ${from} AND ${STATUS} = ${bind(status)} ORDER BY ${sql.order} LIMIT ${enough})`);
    return this.db.search(`SELECT key, value FROM (${branches.join(' UNION ALL ')}) AS branches ORDER BY sort_key, key OFFSET ${bind(skip)} LIMIT ${bind(limit)}`, params);
  }

  async *candidates(search: IndexedSearch): AsyncIterable<IndexedRecord[]> {
    const sql = new SearchSql(this.db.schema, search, false);
    const after = sql.bind('');
    const statement = `SELECT key, value FROM ${this.db.table('records')} WHERE ${sql.where} AND key > ${after} ORDER BY key LIMIT ${PAGE}`;
    const params = sql.params;
    const at = params.length - 1;
    for (;;) {
      const { rows } = await this.db.search<{ key: string; value: unknown }>(statement, params);
      yield rows.map(({ key, value }) => ({ key, record: sql.record(key, value) as SearchRecord }));
      if (rows.length < PAGE) return;
      params[at] = rows[rows.length - 1]!.key;
    }
  }
}
