import type { IndexedRecord, IndexedSearch, SearchIndex, SearchRecord } from '../../core/src/search/search.js';
import type { PostgresDatabase } from './database.js';
import { SearchSql, Untranslatable } from './postgres-search-sql.js';

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
    const count = async () => search.totalCount ?? Number((await this.db.query<{ n: string }>(`SELECT count(*) AS n ${from}`, sql.params)).rows[0]!.n);
    const [skip, limit] = [sql.params.length + 1, sql.params.length + 2];
    const page = this.db.query<{ key: string; value: unknown }>(`SELECT key, value ${from} ORDER BY ${sql.order} OFFSET $${skip} LIMIT $${limit}`, [...sql.params, search.skip, search.limit]);
    const [totalCount, { rows }] = await Promise.all([count(), page]);
    return { records: rows.map((row) => sql.record(row.key, row.value) as SearchRecord), totalCount };
  }

  async *candidates(search: IndexedSearch): AsyncIterable<IndexedRecord[]> {
    const sql = new SearchSql(this.db.schema, search, false);
    const after = sql.bind('');
    const statement = `SELECT key, value FROM ${this.db.table('records')} WHERE ${sql.where} AND key > ${after} ORDER BY key LIMIT ${PAGE}`;
    const params = sql.params;
    const at = params.length - 1;
    for (;;) {
      const { rows } = await this.db.query<{ key: string; value: unknown }>(statement, params);
      yield rows.map(({ key, value }) => ({ key, record: sql.record(key, value) as SearchRecord }));
      if (rows.length < PAGE) return;
      params[at] = rows[rows.length - 1]!.key;
    }
  }
}
