/**
 * A record with its top-level keys in camelCase, whatever casing the server shows (its `[web] case`
 * setting): the server converts top-level keys only, so nested documents (state, a message, a
 * config's value, `_links`, `finalState`) are left as they are.
 */
export function camel<T>(record: unknown): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record as Record<string, unknown>)) {
    out[key.startsWith('_') ? key : key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  return out as T;
}
