import { Level as DiskLevel } from 'level';
import { MemoryLevel } from 'memory-level';
import type { AbstractLevel } from 'abstract-level';
import { KeyLock } from './key-lock.js';
import { UNCHANGED, WithWrites, type BatchOp, type ScanOptions, type Store, type UpdateFn } from './store.js';

type Level = AbstractLevel<string | Buffer | Uint8Array, string, unknown>;

/** Highest code unit: `prefix + END` bounds every key that starts with `prefix`. */
const END = '\uffff';

/** The embedded Store: level on disk (classic-level, through `level`) or in memory (memory-level). */
export class LevelStore implements Store {
  private readonly lock = new KeyLock();

  private constructor(private readonly db: Level) {}

  /** Opens (creating if needed) a store in a directory on disk. */
  static async open(directory: string): Promise<LevelStore> {
    const db = new DiskLevel<string, unknown>(directory, { valueEncoding: 'json' });
    await db.open();
    return new LevelStore(db as unknown as Level);
  }

  /** A store that lives in memory only, for tests and throw-away engines. */
  static async memory(): Promise<LevelStore> {
    const db = new MemoryLevel<string, unknown>({ valueEncoding: 'json' });
    await db.open();
    return new LevelStore(db as unknown as Level);
  }

  async get<T>(key: string): Promise<T | undefined> {
    return (await this.db.get(key)) as T | undefined;
  }

  async batch(ops: BatchOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.lock.with(ops.map((op) => op.key), () => this.db.batch(ops));
  }

  async update<T>(key: string, fn: UpdateFn<T>): Promise<T | undefined> {
    return this.lock.with([key], async () => {
      const current = (await this.db.get(key)) as T | undefined;
      const result = await fn(current);
      if (result === UNCHANGED) return current;
      const next = result instanceof WithWrites ? result.value : result;
      const own: BatchOp = next === undefined ? { type: 'del', key } : { type: 'put', key, value: next };
      const also = result instanceof WithWrites ? result.also : [];
      await this.db.batch([own, ...also]);
      return next;
    });
  }

  async *scan<T>(prefix: string, options: ScanOptions = {}): AsyncIterable<[string, T]> {
    const range: { gt?: string; gte?: string; lt?: string; lte?: string } = { gte: prefix, lt: prefix + END };
    if (options.after !== undefined) {
      if (options.reverse) range.lt = options.after;
      else {
        delete range.gte;
        range.gt = options.after;
      }
    }
    const iterator = this.db.iterator({ ...range, reverse: options.reverse ?? false, limit: options.limit ?? -1 });
    try {
      for await (const [key, value] of iterator) yield [key as string, value as T];
    } finally {
      await iterator.close();
    }
  }

  async clear(prefix: string): Promise<number> {
    let count = 0;
    let chunk: BatchOp[] = [];
    for await (const key of this.db.keys({ gte: prefix, lt: prefix + END })) {
      chunk.push({ type: 'del', key: key as string });
      count++;
      if (chunk.length === 1000) {
        await this.batch(chunk);
        chunk = [];
      }
    }
    await this.batch(chunk);
    return count;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
