/**
 * Records are stored and typed in camelCase. Callers may send either casing; the server shows one,
 * chosen by a single setting, like upstream's `[web] case`. Only top-level keys change case:
 * nested documents (a Docker `finalState`, a mount's `host_path`) are shown as they are.
 */
export type Casing = 'snake' | 'camel';

export const snakeToCamel = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const camelToSnake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Keys already converted, by casing: records have few field names, and each response shows a few records. */
const converted = { snake: new Map<string, string>(), camel: new Map<string, string>() };
/** The most keys kept converted per casing (the top-level keys of records are the engine's field names, but not only). */
const MAX_CONVERTED = 1000;

/** A copy of `record` with its top-level keys in the given casing; keys starting with '_' are kept. */
export function withCasing(record: Record<string, unknown>, casing: Casing): Record<string, unknown> {
  const convert = casing === 'snake' ? camelToSnake : snakeToCamel;
  const known = converted[casing];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    let name = known.get(key);
    if (name === undefined) {
      name = key.startsWith('_') ? key : convert(key);
      if (known.size < MAX_CONVERTED) known.set(key, name);
    }
    out[name] = value;
  }
  return out;
}
