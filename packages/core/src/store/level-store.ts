import { Level as DiskLevel } from 'level';
import { MemoryLevel } from 'memory-level';
import type { AbstractLevel } from 'abstract-level';
import { KeyLock } from './key-lock.js';
import { mayBeLarge } from './keys.js';
import { ReadCache, ScanCache } from './read-cache.js';
import { UNCHANGED, WithWrites, addCounts, finalWrites, type BatchOp, type Counts, type ScanOptions, type Store, type UpdateFn } from './store.js';

type Level = AbstractLevel<string | Buffer | Uint8Array, string, string>;

type PutOrDel = Exclude<BatchOp, { type: 'add' }>;

/** Highest code unit: `prefix + END` bounds every key that starts with `prefix`. */
const END = '\uffff';
/** Entries a scan asks the database for at a time (it answers fewer past about 16 KB). */
const SCAN_CHUNK = 1000;

/**
 * The embedded Store: level on disk (classic-level, through `level`) or in memory (memory-level).
 * Values are kept as JSON text; the records and short scans read lately are also kept in memory
 * (`ReadCache`, `ScanCache`), which every write of this store keeps true (a level database is
 * opened by one process only).
 */
export class LevelStore implements Store {
  private readonly lock = new KeyLock();
  private readonly cache = new ReadCache();
  private readonly scans = new ScanCache();

  private constructor(private readonly db: Level) {}

  /** Opens (creating if needed) a store in a directory on disk. */
  static async open(directory: string): Promise<LevelStore> {
    const db = new DiskLevel<string, string>(directory, { valueEncoding: 'utf8' });
    await db.open();
    return new LevelStore(db as unknown as Level);
  }

  /** A store that lives in memory only, for tests and throw-away engines. */
  static async memory(): Promise<LevelStore> {
    const db = new MemoryLevel<string, string>({ valueEncoding: 'utf8' });
    await db.open();
    return new LevelStore(db as unknown as Level);
  }

  async get<T>(key: string): Promise<T | undefined> {
    // Read at once on this thread: a record comes from memory (LevelDB's memtable and block cache,
    // the system's page cache) in microseconds, where a trip to a thread of the pool and back costs
    // this machine 0.1–0.3 ms and two wake-ups; but not the records that may be megabytes. Scans and
    // writes still go to the pool. The key is given as bytes: classic-level's getSync may cut a text
    // key short at a character of several bytes (3.0.0), and then read another record.
    return (await this.cache.get(key, async () => (mayBeLarge(key) ? this.db.get(key) : this.db.getSync(Buffer.from(key), { keyEncoding: 'buffer' })))) as T | undefined;
  }

  async batch(ops: BatchOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.lock.with(ops.filter((op) => op.type !== 'add').map((op) => op.key), () => this.write(ops));
  }

  async update<T>(key: string, fn: UpdateFn<T>): Promise<T | undefined> {
    return this.lock.with([key], async () => {
      const current = await this.get<T>(key);
      const result = await fn(current);
      if (result === UNCHANGED) return current;
      const next = result instanceof WithWrites ? result.value : result;
      const own: BatchOp = next === undefined ? { type: 'del', key } : { type: 'put', key, value: next };
      const also = result instanceof WithWrites ? result.also : [];
      await this.write([own, ...also]);
      return next;
    });
  }

  /**
   * Writes a batch as JSON text (a value that is not JSON fails it before anything is written), and
   * tells the cache. Counters the batch adds to are locked here, last: whoever holds one of their
   * locks here waits for nothing else, and a counter is otherwise only deleted, alone (see BatchOp),
   * so taking them while holding other keys' locks cannot deadlock.
   */
  private async write(batch: BatchOp[]): Promise<void> {
    const ops = finalWrites(batch);
    const adds = ops.filter((op) => op.type === 'add');
    if (adds.length === 0) return this.encodeAndWrite(ops as PutOrDel[]);
    await this.lock.with(adds.map((op) => op.key), async () => {
      const puts: PutOrDel[] = [];
      for (const op of ops) puts.push(op.type === 'add' ? { type: 'put', key: op.key, value: addCounts(await this.get<Counts>(op.key), op.value) } : op);
      await this.encodeAndWrite(puts);
    });
  }

  private async encodeAndWrite(ops: PutOrDel[]): Promise<void> {
    const texts = new Map<string, string>();
    const encoded = ops.map((op) => {
      if (op.type === 'del') return op;
      const text = JSON.stringify(op.value) as string | undefined;
      if (text === undefined) throw new TypeError(`The value of ${op.key} is not JSON.`);
      texts.set(op.key, text);
      return { type: 'put' as const, key: op.key, value: text };
    });
    try {
      await this.db.batch(encoded);
    } catch (e) {
      this.cache.unsure(ops.map((op) => op.key));
      this.scans.wrote(ops.map((op) => op.key));
      throw e;
    }
    this.cache.wrote(ops, texts);
    this.scans.wrote(ops.map((op) => op.key));
  }

  async *scan<T>(prefix: string, options: ScanOptions = {}): AsyncIterable<[string, T]> {
    // A whole scan of a short prefix (the workers of an actor, looked at after every group of
    // queued messages) is answered from the scans read lately, which every write keeps true.
    const whole = options.after === undefined && options.limit === undefined && !options.reverse && ScanCache.keeps(prefix);
    const kept = whole ? this.scans.get(prefix) : undefined;
    if (kept) {
      for (const [key, text] of kept) yield [key, JSON.parse(text) as T];
      return;
    }
    const done = whole ? this.scans.begin(prefix) : undefined;
    let read: [string, string][] | undefined = whole ? [] : undefined;
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
      // Entries are read SCAN_CHUNK at a time: one trip to the database's thread reads a short
      // range to its end (`next()` would take two: one entry first, then the rest).
      for (let entries = await iterator.nextv(SCAN_CHUNK); entries.length > 0; entries = await iterator.nextv(SCAN_CHUNK)) {
        if (read) read = read.length + entries.length <= this.scans.maxEntries ? read.concat(entries) : undefined;
        for (const [key, value] of entries) yield [key, JSON.parse(value) as T];
      }
      done?.(read);
    } finally {
      done?.();
      // Not waited for, which would cost the scan another trip to the database's thread: the
      // iterator holds nothing the caller needs, and the database closes any still open when it closes.
      iterator.close().catch(() => {});
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
