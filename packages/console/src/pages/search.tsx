import { useState } from 'preact/hooks';
import type { AbacoClient, Collection } from '@abaco/client';
import { useAction } from '../async.js';
import { ErrorNote } from '../common.js';
import { href } from '../route.js';

const COLLECTIONS: Collection[] = ['actors', 'executions', 'workers', 'logs'];
const PAGE = 20;

/** The search of the user guide: a collection and a query (`status=ERROR&image.like=wc`, `search=text`). */
export function SearchPage({ client }: { client: AbacoClient }) {
  const [collection, setCollection] = useState<Collection>('actors');
  const [query, setQuery] = useState('');
  const [skip, setSkip] = useState(0);
  const [found, setFound] = useState<{ records: Record<string, unknown>[]; total: number } | null>(null);
  const action = useAction();

  const run = (from: number) =>
    action.run(async () => {
      const params = Object.fromEntries(new URLSearchParams(query.trim().includes('=') ? query.trim() : query.trim() ? `search=${encodeURIComponent(query.trim())}` : ''));
      const page = await client.search.page(collection, { ...params, skip: from, limit: PAGE });
      setSkip(from);
      setFound({ records: page.search as Record<string, unknown>[], total: page.metadata.totalCount });
    });

  const link = (r: Record<string, unknown>) => {
    const actor = String(r.actorId ?? r.id ?? '');
    if (collection === 'actors') return href('actors', actor);
    if (collection === 'executions') return href('actors', actor, 'executions', String(r.id));
    if (collection === 'logs') return href('actors', actor, 'executions', String(r.executionId));
    return href('actors', actor);
  };

  return (
    <main>
      <h1>Search</h1>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(0);
        }}
      >
        <label for="search-collection">In</label>
        <select id="search-collection" value={collection} onChange={(e) => setCollection(e.currentTarget.value as Collection)}>
          {COLLECTIONS.map((c) => (
            <option value={c}>{c}</option>
          ))}
        </select>
        <label for="search-query">Query</label>
        <input id="search-query" class="wide" value={query} placeholder="text, or status=ERROR&amp;image.like=wc" onInput={(e) => setQuery(e.currentTarget.value)} aria-describedby="search-help" />
        <button type="submit" disabled={action.busy}>
          Search
        </button>
      </form>
      <p id="search-help" class="hint">
        Plain text is searched in every field; <code>field.op=value</code> conditions (eq, neq, gt, gte, lt, lte, in, nin, like, nlike, between) are joined with &amp;.
      </p>
      <ErrorNote error={action.error} />
      {found && (
        <>
          <p role="status">
            {found.total} found{found.total > 0 ? `, showing ${skip + 1}–${skip + found.records.length}` : ''}.
          </p>
          <ul class="results">
            {found.records.map((r, i) => (
              <li key={i}>
                <a href={link(r)}>{String(r.name || r.id || r.executionId || '')}</a>{' '}
                <code>{JSON.stringify(r, (k, v) => (k === '_links' ? undefined : v)).slice(0, 300)}</code>
              </li>
            ))}
          </ul>
          <nav class="pager" aria-label="Search pages">
            <button type="button" class="secondary" disabled={skip === 0} onClick={() => run(Math.max(0, skip - PAGE))}>
              Previous
            </button>
            <button type="button" class="secondary" disabled={skip + PAGE >= found.total} onClick={() => run(skip + PAGE)}>
              Next
            </button>
          </nav>
        </>
      )}
    </main>
  );
}
