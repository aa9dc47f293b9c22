import { GroupCommit, type BatchOp, type Inbox, type Lease, type LeaseOptions, type QueuedMessage } from '@abaco/core';
import { PostgresDatabase } from './database.js';
import { RecordWrites } from './record-writes.js';

interface MessageRow {
  seq: string;
  holder: string;
  token: string;
  leased_until: Date | null;
  message: QueuedMessage;
}

interface Push {
  message: QueuedMessage;
  also: BatchOp[];
}

/**
 * The Inbox on PostgreSQL: one table of messages, queued or leased, in order of a sequence. A push
 * and the records written with it are one statement (pushes to one inbox that come together share
 * it, in the order they came: group commit, so that counters written with them are locked once); a lease is taken with `FOR UPDATE SKIP LOCKED`
 * (concurrent consumers never wait for each other) and gets a new fencing token; an ack or release
 * must show the lease's token, so a holder whose lease was taken back changes nothing.
 * Records written with a push, an extension or an ack go to the Store's table of the same database.
 */
export class PostgresInbox implements Inbox {
  private readonly messages: string;
  private readonly records: string;
  private readonly pushes = new GroupCommit<Push>((inbox, group) => this.append(inbox, group));

  /** An Inbox over `db`; with `ownsDatabase`, `close` closes the database. */
  constructor(
    private readonly db: PostgresDatabase,
    private readonly ownsDatabase = false,
  ) {
    this.messages = db.table('inbox_messages');
    this.records = db.table('records');
  }

  push(inbox: string, message: QueuedMessage, also: BatchOp[] = []): Promise<void> {
    return this.pushes.submit(inbox, { message, also });
  }

  /** Appends a group of messages to an inbox, in order, with the records written with them, in one statement. */
  private async append(inbox: string, group: Push[]): Promise<void> {
    const writes = new RecordWrites(group.flatMap((push) => push.also));
    const params: unknown[] = [inbox, group.map((push) => JSON.stringify(push.message))];
    const insert = `m AS (INSERT INTO ${this.messages} (inbox, message) SELECT $1, u.m::json FROM unnest($2::text[]) WITH ORDINALITY AS u(m, n) ORDER BY u.n)`;
    await this.db.query(`WITH ${[insert, ...writes.ctes(this.records, params)].join(', ')} SELECT 1`, params);
  }

  /** Takes the lease; the database refuses two exclusive leases of one inbox (a partial unique index). */
  async lease(inbox: string, holder: string, options: LeaseOptions = {}): Promise<Lease | undefined> {
    const exclusive = options.exclusive ?? false;
    const head = `SELECT seq FROM ${this.messages} WHERE inbox = $1 AND holder IS NULL ORDER BY seq LIMIT 1 FOR UPDATE${exclusive ? '' : ' SKIP LOCKED'}`;
    const alone = exclusive ? ` AND NOT EXISTS (SELECT 1 FROM ${this.messages} WHERE inbox = $1 AND holder IS NOT NULL)` : '';
    try {
      const { rows } = await this.db.query<MessageRow>(
        `UPDATE ${this.messages} SET holder = $2, token = nextval('${this.db.table('fencing_tokens')}'), exclusive = $3, ` +
          `leased_until = now() + make_interval(secs => $4::float8 / 1000) ` +
          `WHERE seq = (${head})${alone} RETURNING seq, holder, token, leased_until, message`,
        [inbox, holder, exclusive, options.ttlMs ?? null],
      );
      return rows[0] && leaseOf(rows[0]);
    } catch (e) {
      if (exclusive && (e as { code?: string }).code === UNIQUE_VIOLATION) return undefined; // another exclusive lease won the race
      throw e;
    }
  }

  async ack(inbox: string, lease: Lease, also: BatchOp[] = []): Promise<boolean> {
    return this.whileHeld(`DELETE FROM ${this.messages} WHERE inbox = $1 AND seq = $2 AND token = $3 RETURNING 1`, [inbox, lease.seq, lease.token], also);
  }

  /**
   * Runs `change`, a statement on a lease's row that returns a row only if the lease is held, with
   * `also` written in the same statement only then; tells whether it was held.
   */
  private async whileHeld(change: string, params: unknown[], also: BatchOp[]): Promise<boolean> {
    const writes = new RecordWrites(also);
    const ctes = [`held AS (${change})`, ...writes.ctes(this.records, params, 'held')];
    const { rows } = await this.db.query<{ held: boolean }>(`WITH ${ctes.join(', ')} SELECT EXISTS (SELECT 1 FROM held) AS held`, params);
    return rows[0]!.held;
  }

  /**
   * A lease's expiry is read to the millisecond (a JavaScript Date, cut short) from a time kept to
   * the microsecond: the expiry read stands for that millisecond, and one later is a lease extended since.
   */
  async release(inbox: string, lease: Lease): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE ${this.messages} SET holder = NULL, token = NULL, exclusive = false, leased_until = NULL WHERE inbox = $1 AND seq = $2 AND token = $3 ` +
        `AND ($4::float8 IS NULL OR leased_until IS NULL OR leased_until < to_timestamp(($4::float8 + 1) / 1000))`,
      [inbox, lease.seq, lease.token, lease.expiresAt],
    );
    return rowCount === 1;
  }

  async extend(inbox: string, lease: Lease, ttlMs: number, also: BatchOp[] = []): Promise<boolean> {
    return this.whileHeld(
      `UPDATE ${this.messages} SET leased_until = now() + make_interval(secs => $4::float8 / 1000) WHERE inbox = $1 AND seq = $2 AND token = $3 RETURNING 1`,
      [inbox, lease.seq, lease.token, ttlMs],
      also,
    );
  }

  async length(inbox: string): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.messages} WHERE inbox = $1 AND holder IS NULL`, [inbox]);
    return Number(rows[0]!.n);
  }

  async counts(inbox: string): Promise<{ queued: number; leased: number }> {
    const { rows } = await this.db.query<{ queued: string; leased: string }>(
      `SELECT count(*) FILTER (WHERE holder IS NULL) AS queued, count(*) FILTER (WHERE holder IS NOT NULL) AS leased FROM ${this.messages} WHERE inbox = $1`,
      [inbox],
    );
    return { queued: Number(rows[0]!.queued), leased: Number(rows[0]!.leased) };
  }

  async purge(inbox: string): Promise<QueuedMessage[]> {
    const { rows } = await this.db.query<{ message: QueuedMessage }>(
      `WITH gone AS (DELETE FROM ${this.messages} WHERE inbox = $1 AND holder IS NULL RETURNING seq, message) SELECT message FROM gone ORDER BY seq`,
      [inbox],
    );
    return rows.map((row) => row.message);
  }

  async drop(inbox: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.messages} WHERE inbox = $1`, [inbox]);
  }

  async leases(inbox: string): Promise<Lease[]> {
    return (await this.leased(inbox)).map(leaseOf);
  }

  /** Lapsed by the database's clock. */
  async redeliver(inbox: string, isAlive: (holder: string) => boolean): Promise<number> {
    let count = 0;
    for (const row of await this.leased(inbox)) {
      if ((row.lapsed || !isAlive(row.holder)) && (await this.release(inbox, leaseOf(row)))) count++;
    }
    return count;
  }

  /** The leased messages of an inbox, oldest first, each saying whether its lease lapsed (by the database's clock). */
  private async leased(inbox: string): Promise<(MessageRow & { lapsed: boolean })[]> {
    const { rows } = await this.db.query<MessageRow & { lapsed: boolean | null }>(
      `SELECT seq, holder, token, leased_until, message, leased_until <= now() AS lapsed FROM ${this.messages} WHERE inbox = $1 AND holder IS NOT NULL ORDER BY seq`,
      [inbox],
    );
    return rows.map((row) => ({ ...row, lapsed: row.lapsed === true }));
  }

  async inboxes(): Promise<string[]> {
    const { rows } = await this.db.query<{ inbox: string }>(`SELECT DISTINCT inbox FROM ${this.messages} ORDER BY inbox`);
    return rows.map((row) => row.inbox);
  }

  async close(): Promise<void> {
    if (this.ownsDatabase) await this.db.close();
  }
}

const UNIQUE_VIOLATION = '23505';

const leaseOf = (row: MessageRow): Lease => ({ seq: row.seq, holder: row.holder, message: row.message, token: row.token, expiresAt: row.leased_until?.getTime() ?? null });
