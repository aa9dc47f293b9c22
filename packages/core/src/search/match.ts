import type { Condition } from './query.js';
import { parseSearchTime } from './times.js';

/** The value at a path of a record (undefined when absent). */
export function valueAt(record: unknown, path: string[]): unknown {
  let value: unknown = record;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/**
 * A record's value made comparable with a condition's: a time (in a form search accepts, its
 * fraction of a second cut to milliseconds) becomes milliseconds. Nothing else is read as a time:
 * "52" stays a string, which compares with numbers as the number 52.
 */
function comparable(value: unknown, wanted: unknown): unknown {
  if (typeof wanted === 'number' && typeof value === 'string') return parseSearchTime(value.replace(/\.(\d{3})\d*(Z|[+-]\d{2}(?::?\d{2})?)?$/, '.$1$2')) ?? value;
  return value;
}

const equal = (value: unknown, wanted: unknown): boolean => {
  const v = comparable(value, wanted);
  if (v === wanted) return true;
  if (v === undefined || v === null || wanted === null) return (v ?? null) === wanted;
  return typeof v !== 'object' && String(v) === String(wanted);
};

const order = (value: unknown, wanted: unknown): number | undefined => {
  const v = comparable(value, wanted);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && typeof wanted === 'number') return v - wanted;
  if (typeof v === 'string' && typeof wanted === 'string') return v < wanted ? -1 : v > wanted ? 1 : 0;
  const n = Number(v);
  return typeof wanted === 'number' && !Number.isNaN(n) ? n - wanted : undefined;
};

/** Whether a record satisfies one comparison (`like` and `nlike` patterns are matched in patterns.ts). */
export function matches(record: unknown, c: Condition): boolean {
  const value = valueAt(record, c.path);
  const cmp = (wanted: unknown, test: (d: number) => boolean) => {
    const d = order(value, wanted);
    return d !== undefined && test(d);
  };
  switch (c.op) {
    case 'eq':
      return equal(value, c.value);
    case 'neq':
      return !equal(value, c.value);
    case 'gt':
      return cmp(c.value, (d) => d > 0);
    case 'gte':
      return cmp(c.value, (d) => d >= 0);
    case 'lt':
      return cmp(c.value, (d) => d < 0);
    case 'lte':
      return cmp(c.value, (d) => d <= 0);
    case 'in':
      return (c.value as unknown[]).some((w) => equal(value, w));
    case 'nin':
      return !(c.value as unknown[]).some((w) => equal(value, w));
    case 'between': {
      const [low, high] = c.value as [unknown, unknown];
      return cmp(low, (d) => d >= 0) && cmp(high, (d) => d <= 0);
    }
  }
}

/** Every string in a record, for full-text search. */
function texts(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => texts(v, out));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => texts(v, out));
  return out;
}

const words = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean);

/** Within one edit (insert, delete, replace) of each other. */
function nearlyEqual(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
}

/**
 * How well a record matches a fuzzy full-text search: each word of the search found in the record
 * counts 2 (as a whole word) or 1 (inside a word, or one typo away for words of 4 letters or more).
 * 0 means no match.
 */
export function textScore(record: unknown, search: string): number {
  const recordWords = new Set(texts(record).flatMap(words));
  const list = [...recordWords];
  let score = 0;
  for (const word of new Set(words(search))) {
    if (recordWords.has(word)) score += 2;
    else if (list.some((w) => w.includes(word) || (word.length >= 4 && nearlyEqual(w, word)))) score += 1;
  }
  return score;
}

/** Whether the exact phrase occurs in one of the record's strings. */
export function hasPhrase(record: unknown, phrase: string): boolean {
  return texts(record).some((t) => t.includes(phrase));
}
