import type { Router } from '../route.js';

/** The global search endpoint (the listing endpoints search too, when given parameters). */
export function searchRoutes(r: Router): void {
  r.route('GET', '/search/:collection', { action: 'actors.search' }, async (c) => {
    const result = await c.abaco.search.search(c.who, c.params.collection!, c.query);
    return c.ok('Search completed successfully.', c.present.searchResult(result));
  });
}
