import { camel } from '../casing.js';
import { paged } from '../paging.js';
import type { Collection, SearchPage, SearchRecords } from '../records.js';
import type { Query, Transport } from '../transport.js';
import { seg } from './path.js';

/** The search answer as the server shows it. */
interface Shown {
  search: Record<string, unknown>[];
  _metadata: Record<string, unknown>;
}

/** A search answer with its records and metadata in camelCase. */
export function searchPage<C extends Collection>(shown: Shown): SearchPage<C> {
  return { search: shown.search.map((record) => camel<SearchRecords[C]>(record)), metadata: camel(shown._metadata) };
}

/**
 * The search of the user guide over actors, workers, executions and logs: `<field>.<op>=<value>`
 * conditions (op eq, neq, gt, gte, lt, lte, in, nin, like, nlike, between), `search`, `exactsearch`,
 * `limit` and `skip`.
 */
export class Search {
  constructor(private readonly transport: Transport) {}

  /** One page of a search. */
  async page<C extends Collection>(collection: C, query: Query = {}): Promise<SearchPage<C>> {
    return searchPage<C>(await this.transport.result<Shown>({ method: 'GET', path: `/search/${seg(collection)}`, query }));
  }

  /** Every record a search finds, page by page (`pageSize` records a request). */
  all<C extends Collection>(collection: C, query: Query = {}, { pageSize = 100 } = {}): AsyncGenerator<SearchRecords[C], void, undefined> {
    return paged(async (skip, limit) => {
      const { search, metadata } = await this.page(collection, { ...query, skip, limit });
      return { records: search, total: metadata.totalCount };
    }, pageSize);
  }
}
