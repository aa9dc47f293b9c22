import type pg from 'pg';
import { SecretBox, type Bus } from '@abaco/core';
import { PostgresDatabase, type PostgresOptions } from './database.js';

/** The most a NOTIFY payload may hold, in bytes. */
const MAX_NOTIFICATION = 7999;

/** How long to wait before connecting again after the listening connection was lost, at most. */
const MAX_RETRY_MS = 5000;

export interface BusOptions {
  /** Closing the bus closes the database. */
  ownsDatabase?: boolean;
  /**
   * The nodes' shared secret key (as `SecretBox` takes it): every notification is sealed with it
   * (AES-256-GCM), so that whoever may merely connect to the database (LISTEN and NOTIFY need no
   * privilege) can neither read the notifications nor send one the nodes act on, such as a halt or
   * a worker's stop; a notification that does not open is dropped and reported.
   */
  secretKey?: string;
}

/**
 * The Bus across processes: PostgreSQL `LISTEN/NOTIFY` on one channel named after the schema, so
 * every bus on the same database and schema (every node) hears every notification, its own
 * included, and hands it to the handlers of its topic. A notification carries its topic and its
 * payload as JSON (sealed with the nodes' key when given one), at most 7999 bytes. When the listening connection is lost, the bus connects
 * again (backing off up to 5 s); notifications sent meanwhile are missed, which the Bus port
 * allows: they are never the only copy of anything.
 */
export class PostgresBus implements Bus {
  private readonly handlers = new Map<string, Set<(payload: unknown) => void>>();
  private listener: pg.Client | undefined;
  private closed = false;
  private readonly ownsDatabase: boolean;
  private readonly box: SecretBox | undefined;

  private constructor(
    private readonly db: PostgresDatabase,
    options: BusOptions,
  ) {
    this.ownsDatabase = options.ownsDatabase ?? false;
    this.box = options.secretKey === undefined ? undefined : new SecretBox(options.secretKey);
  }

  /** A bus over `db`, listening once this resolves. */
  static async listen(db: PostgresDatabase, options: BusOptions = {}): Promise<PostgresBus> {
    const bus = new PostgresBus(db, options);
    await bus.connect();
    return bus;
  }

  /** Connects to `connectionString` (creating or migrating the schema) and listens; the bus owns the connection. */
  static async open(connectionString: string, options: PostgresOptions & Pick<BusOptions, 'secretKey'> = {}): Promise<PostgresBus> {
    const { secretKey, ...database } = options;
    return PostgresBus.listen(await PostgresDatabase.connect(connectionString, database), { ownsDatabase: true, secretKey });
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    const note = { topic, payload };
    const text = this.box ? this.box.seal(note) : JSON.stringify(note);
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
      note = (this.box ? this.box.open(text ?? '') : JSON.parse(text ?? '')) as { topic: string; payload: unknown };
    } catch {
      const why = this.box ? 'it does not open with the nodes\' key' : 'it is not JSON';
      return this.db.onError(new Error(`A notification on channel ${this.db.schema} was dropped: ${why}.`));
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
