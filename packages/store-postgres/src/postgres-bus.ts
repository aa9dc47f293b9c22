import type pg from 'pg';
import type { Bus } from '@abaco/core';
import { PostgresDatabase, type PostgresOptions } from './database.js';

/** The most a NOTIFY payload may hold, in bytes. */
const MAX_NOTIFICATION = 7999;

/** How long to wait before connecting again after the listening connection was lost, at most. */
const MAX_RETRY_MS = 5000;

/**
 * The Bus across processes: PostgreSQL `LISTEN/NOTIFY` on one channel named after the schema, so
 * every bus on the same database and schema (every node) hears every notification, its own
 * included, and hands it to the handlers of its topic. A notification carries its topic and its
 * payload as JSON, at most 7999 bytes. When the listening connection is lost, the bus connects
 * again (backing off up to 5 s); notifications sent meanwhile are missed, which the Bus port
 * allows: they are never the only copy of anything.
 */
export class PostgresBus implements Bus {
  private readonly handlers = new Map<string, Set<(payload: unknown) => void>>();
  private listener: pg.Client | undefined;
  private closed = false;

  private constructor(
    private readonly db: PostgresDatabase,
    private readonly ownsDatabase: boolean,
  ) {}

  /** A bus over `db`, listening once this resolves; with `ownsDatabase`, closing the bus closes the database. */
  static async listen(db: PostgresDatabase, ownsDatabase = false): Promise<PostgresBus> {
    const bus = new PostgresBus(db, ownsDatabase);
    await bus.connect();
    return bus;
  }

  /** Connects to `connectionString` (creating or migrating the schema) and listens; the bus owns the connection. */
  static async open(connectionString: string, options?: PostgresOptions): Promise<PostgresBus> {
    return PostgresBus.listen(await PostgresDatabase.connect(connectionString, options), true);
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    const text = JSON.stringify({ topic, payload });
    const size = Buffer.byteLength(text);
    if (size > MAX_NOTIFICATION) throw new Error(`The notification on ${topic} takes ${size} bytes; PostgreSQL's NOTIFY carries at most ${MAX_NOTIFICATION}.`);
    await this.db.query('SELECT pg_notify($1, $2)', [this.db.schema, text]);
  }

  async subscribe(topic: string, handler: (payload: unknown) => void): Promise<() => Promise<void>> {
    const mine = (payload: unknown) => handler(payload);
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(mine);
    return async () => {
      set.delete(mine);
      if (set.size === 0 && this.handlers.get(topic) === set) this.handlers.delete(topic);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end();
    if (this.ownsDatabase) await this.db.close();
  }

  /** Opens the listening connection. */
  private async connect(): Promise<void> {
    const client = this.db.client();
    client.on('notification', (notification) => this.deliver(notification.payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('The connection listening for notifications was closed.')));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.db.schema}`);
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    if (this.closed) return void (await client.end());
    this.listener = client;
  }

  /** Hands a notification to the handlers of its topic; a failing handler (or a stranger's payload) is reported, not thrown. */
  private deliver(text: string | undefined): void {
    let note: { topic: string; payload: unknown };
    try {
      note = JSON.parse(text ?? '') as { topic: string; payload: unknown };
    } catch {
      return this.db.onError(new Error(`A notification on channel ${this.db.schema} is not Abaco's: ${text}`));
    }
    for (const handler of this.handlers.get(note.topic) ?? []) {
      try {
        handler(note.payload);
      } catch (e) {
        this.db.onError(e as Error);
      }
    }
  }

  /** The listening connection failed or closed: connect again, unless the bus is closing. */
  private lost(client: pg.Client, error: Error): void {
    if (this.closed || this.listener !== client) return;
    this.listener = undefined;
    this.db.onError(error);
    client.end().catch(() => {});
    this.retry(100);
  }

  private retry(delay: number): void {
    setTimeout(() => {
      if (this.closed) return;
      this.connect().catch((e: Error) => {
        this.db.onError(e);
        this.retry(Math.min(delay * 2, MAX_RETRY_MS));
      });
    }, delay).unref();
  }
}
