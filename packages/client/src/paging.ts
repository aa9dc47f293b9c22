/** One page of records and how many there are in all. */
export interface Page<T> {
  records: T[];
  total: number;
}

/**
 * The records of every page, in order, fetching each page when the one before is used up
 * (`skip` grows by the records received). It stops at the total the server counts, or at a short
 * or empty page. Records added while paging may shift later pages: a record can then be seen twice.
 */
export async function* paged<T>(fetchPage: (skip: number, limit: number) => Promise<Page<T>>, pageSize = 100): AsyncGenerator<T, void, undefined> {
  for (let skip = 0; ; ) {
    const { records, total } = await fetchPage(skip, pageSize);
    yield* records;
    skip += records.length;
    if (records.length < pageSize || skip >= total) return;
  }
}
