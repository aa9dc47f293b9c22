import type { BatchOp } from './store.js';

/** What the cache keeps for a record known not to exist (JSON text is never empty). */
const ABSENT = '';

/**
 * Values by key, least recently used first out once their sizes add up past `maxSize`; `onChange`
 * is told of each key kept (+1) or dropped (-1).
 */
class SizedLru<V> {
  private readonly entries = new Map<string, V>();
  private size = 0;

  constructor(
    private readonly maxSize: number,
    private readonly sizeOf: (key: string, value: V) => number,
    private readonly onChange: (key: string, by: 1 | -1) => void = () => {},
  ) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The value of `key`, which becomes the most recently used. */
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    this.entries.set(key, value);
    this.size += this.sizeOf(key, value);
    this.onChange(key, 1);
    for (const [oldest] of this.entries) {
      if (this.size <= this.maxSize) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.size -= this.sizeOf(key, value);
    this.onChange(key, -1);
  }
}

/**
 * The records read lately, as their JSON text, for a store whose every write passes by `wrote`
 * (a level database is opened by one process only). A hit costs a `JSON.parse` instead of a trip to
 * the database; each hit is a fresh object. Records known to be missing are kept too. Only what is
 * read is kept (a write updates a record already kept, and keeps no new one), least recently used
 * first out, up to `maxChars` characters in all; a record longer than `maxRecordChars` is never kept.
 */
export class ReadCache {
  private readonly entries: SizedLru<string>;
  /** Keys being read from the database, and whether they were written meanwhile (then the read may be stale). */
  private readonly loading = new Map<string, { readers: number; written: boolean }>();

  constructor(
    maxChars = 4_000_000,
    private readonly maxRecordChars = 64_000,
  ) {
    this.entries = new SizedLru(maxChars, (key, text) => key.length + text.length);
  }

  /** The record under `key`: kept, or read as JSON text by `load` (undefined when missing) and kept. */
  async get(key: string, load: () => Promise<string | undefined>): Promise<unknown> {
    const kept = this.entries.get(key);
    if (kept !== undefined) return kept === ABSENT ? undefined : JSON.parse(kept);
    const pending = this.loading.get(key) ?? { readers: 0, written: false };
    pending.readers++;
    this.loading.set(key, pending);
    let text: string | undefined;
    try {
      text = await load();
    } finally {
      if (--pending.readers === 0 && this.loading.get(key) === pending) this.loading.delete(key);
    }
    if (!pending.written) this.keep(key, text ?? ABSENT);
    return text === undefined ? undefined : JSON.parse(text);
  }

  /** After a batch was written (`texts`: the JSON text of each put, by key): kept records take their new values. */
  wrote(ops: BatchOp[], texts: Map<string, string>): void {
    for (const op of ops) {
      this.written(op.key);
      if (this.entries.has(op.key)) this.keep(op.key, op.type === 'put' ? texts.get(op.key)! : ABSENT);
    }
  }

  /** After a write that may or may not have landed: forgets what it touched. */
  unsure(keys: string[]): void {
    for (const key of keys) {
      this.written(key);
      this.entries.delete(key);
    }
  }

  private written(key: string): void {
    const pending = this.loading.get(key);
    if (pending) pending.written = true;
  }

  private keep(key: string, text: string): void {
    if (text.length > this.maxRecordChars) this.entries.delete(key);
    else this.entries.set(key, text);
  }
}

/** What a key or prefix starts with, up to its first '/' ('w/', 't/', ...). */
const rootOf = (key: string): string => key.slice(0, key.indexOf('/') + 1);

/**
 * Short scans read lately, for a store whose every write passes by `wrote` (as for ReadCache): the
 * entries (key and JSON text) of a prefix ending in '/', read whole, when it holds at most
 * `maxEntries`. A write of any key under a kept prefix drops it, and a scan that was reading from
 * the database when such a write landed is not kept, so a kept scan is always what reading it again
 * would answer. Least recently used first out, up to `maxChars` characters in all.
 */
export class ScanCache {
  private readonly kept: SizedLru<[string, string][]>;
  /** Prefixes being read from the database, and whether a write under them landed meanwhile. */
  private readonly reading = new Map<string, { readers: number; written: boolean }>();
  /** How many prefixes are kept or being read under each root: a write elsewhere costs one lookup. */
  private readonly roots = new Map<string, number>();

  constructor(
    readonly maxEntries = 100,
    maxChars = 1_000_000,
  ) {
    this.kept = new SizedLru(maxChars, (prefix, entries) => prefix.length + size(entries), (prefix, by) => this.count(prefix, by));
  }

  /** Whether scans of `prefix` may be kept (see the class). */
  static keeps(prefix: string): boolean {
    return prefix.endsWith('/');
  }

  /** The entries of `prefix`, if kept. */
  get(prefix: string): readonly [string, string][] | undefined {
    return this.kept.get(prefix);
  }

  /**
   * Marks a read of `prefix` from the database begun (before it starts); call what it returns when
   * it ends: with every entry of the prefix if it read them all (they are kept unless a write under
   * the prefix landed meanwhile), else with nothing. Calls after the first do nothing.
   */
  begin(prefix: string): (entries?: [string, string][]) => void {
    let state = this.reading.get(prefix);
    if (!state) {
      state = { readers: 0, written: false };
      this.reading.set(prefix, state);
      this.count(prefix, 1);
    }
    state.readers++;
    const read = state;
    let open = true;
    return (entries) => {
      if (!open) return;
      open = false;
      if (--read.readers === 0 && this.reading.get(prefix) === read) {
        this.reading.delete(prefix);
        this.count(prefix, -1);
      }
      if (entries && !read.written && entries.length <= this.maxEntries) this.kept.set(prefix, entries);
    };
  }

  /** After a write of these keys landed (or may have): the scans they fall under are dropped. */
  wrote(keys: Iterable<string>): void {
    if (this.roots.size === 0) return;
    for (const key of keys) {
      if (!this.roots.has(rootOf(key))) continue;
      for (let i = key.indexOf('/'); i !== -1; i = key.indexOf('/', i + 1)) {
        const prefix = key.slice(0, i + 1);
        this.kept.delete(prefix);
        const state = this.reading.get(prefix);
        if (state) state.written = true;
      }
    }
  }

  private count(prefix: string, by: number): void {
    const root = rootOf(prefix);
    const n = (this.roots.get(root) ?? 0) + by;
    if (n === 0) this.roots.delete(root);
    else this.roots.set(root, n);
  }
}

const size = (entries: [string, string][]): number => entries.reduce((sum, [key, text]) => sum + key.length + text.length, 0);
