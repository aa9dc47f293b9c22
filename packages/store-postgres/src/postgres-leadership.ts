import type pg from 'pg';
import type { Leadership } from '@abaco/core';
import type { PostgresDatabase } from './database.js';

export interface LeadershipOptions {
  /** How often a node that does not lead tries to, and the leader checks its connection (ms). Default 2000. */
  retryMs?: number;
  /** Shown in `pg_stat_activity` as the lock holder's application name (`abaco leader <node>`). */
  nodeId?: string;
}

/**
 * The leadership of the nodes on one database and schema: a session advisory lock
 * (`pg_try_advisory_lock`) taken on a connection of its own. The node whose session holds it leads;
 * the others try again every `retryMs`. The leader checks its connection as often: a lost
 * connection, or a check that fails or takes longer than `retryMs`, is lost leadership (the
 * connection is dropped, and with the session the database releases the lock for another node).
 */
export class PostgresLeadership implements Leadership {
  private leading = false;
  private client: pg.Client | undefined;
  private readonly listeners: ((isLeader: boolean) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly db: PostgresDatabase,
    private readonly retryMs: number,
    private readonly nodeId: string,
  ) {}

  /** Seeks the leadership now (resolving once the first try is done), then every `retryMs`. */
  static async start(db: PostgresDatabase, options: LeadershipOptions = {}): Promise<PostgresLeadership> {
    const leadership = new PostgresLeadership(db, options.retryMs ?? 2000, options.nodeId ?? '');
    await leadership.tryNow();
    leadership.timer = setInterval(() => void leadership.tryNow(), leadership.retryMs);
    leadership.timer.unref();
    return leadership;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  onChange(listener: (isLeader: boolean) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.attempt;
    const client = this.client;
    this.client = undefined;
    this.set(false);
    // Ending the session releases the lock; unlocking first hands it over without waiting for the server to notice.
    await client?.query('SELECT pg_advisory_unlock_all()').catch(() => {});
    await client?.end().catch(() => {});
  }

  /** One try: take the lock if not leading, else check that the session holding it still answers. Tries never overlap. */
  private tryNow(): Promise<void> {
    this.attempt = this.attempt.then(async () => {
      if (this.closed) return;
      try {
        this.client ??= await this.connect();
        if (this.leading) {
          await this.client.query('SELECT 1');
          return;
        }
        const { rows } = await this.client.query<{ won: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS won', [`abaco leader ${this.db.schema}`]);
        if (rows[0]!.won && !this.closed) this.set(true);
      } catch (e) {
        this.db.onError(e as Error);
        this.drop(this.client);
      }
    });
    return this.attempt;
  }

  private async connect(): Promise<pg.Client> {
    // The server probes this session too (TCP keepalives), so that a leader cut off from the database
    // loses the lock within about 25 s rather than when the system's default (hours) notices.
    const client = this.db.client({
      application_name: `abaco leader ${this.nodeId}`.trim(),
      query_timeout: this.retryMs,
      connectionTimeoutMillis: this.retryMs,
      keepAlive: true,
      options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3',
    });
    client.on('error', (e) => {
      this.db.onError(e);
      this.drop(client);
    });
    client.on('end', () => this.drop(client));
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    return client;
  }

  /** The session of `client` is lost (or no longer trusted): drop it, and the leadership with it. */
  private drop(client: pg.Client | undefined): void {
    if (client === undefined || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => {});
    this.set(false);
  }

  private set(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    for (const listener of this.listeners) listener(leading);
  }
}
