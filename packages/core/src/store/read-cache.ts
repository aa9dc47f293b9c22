import type { BatchOp } from './store.js';

/** What the cache keeps for a record known not to exist (JSON text is never empty). */
const ABSENT = '';

/**
 * The records read lately, as their JSON text, for a store whose every write passes by `wrote`
 * (a level database is opened by one process only). A hit costs a `JSON.parse` instead of a trip to
 * the database; each hit is a fresh object. Records known to be missing are kept too. Only what is
 * read is kept (a write updates a record already kept, and keeps no new one), least recently used
 * first out, up to `maxChars` characters in all; a record longer than `maxRecordChars` is never kept.
 */
export class ReadCache {
  private readonly entries = new Map<string, string>();
  private chars = 0;
  /** Keys being read from the database, and whether they were written meanwhile (then the read may be stale). */
  private readonly loading = new Map<string, { readers: number; written: boolean }>();

  constructor(
    private readonly maxChars = 4_000_000,
    private readonly maxRecordChars = 64_000,
  ) {}

  /** The record under `key`: kept, or read as JSON text by `load` (undefined when missing) and kept. */
  async get(key: string, load: () => Promise<string | undefined>): Promise<unknown> {
    const kept = this.entries.get(key);
    if (kept !== undefined) {
      this.entries.delete(key); // most recently used goes last
      this.entries.set(key, kept);
      return kept === ABSENT ? undefined : JSON.parse(kept);
    }
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
      this.drop(key);
    }
  }

  private written(key: string): void {
    const pending = this.loading.get(key);
    if (pending) pending.written = true;
  }

  private keep(key: string, text: string): void {
    this.drop(key);
    if (text.length > this.maxRecordChars) return;
    this.entries.set(key, text);
    this.chars += text.length + key.length;
    for (const [oldest] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const text = this.entries.get(key);
    if (text === undefined) return;
    this.entries.delete(key);
    this.chars -= text.length + key.length;
  }
}
