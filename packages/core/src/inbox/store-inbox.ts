import { newId } from '../ids.js';
import type { QueuedMessage } from '../model/execution.js';
import { GroupCommit } from '../store/group-commit.js';
import { UNCHANGED, WithWrites, type BatchOp, type Store } from '../store/store.js';
import { lapsed, type Inbox, type Lease, type LeaseOptions } from './inbox.js';

interface Meta {
  queued: number;
  leased: number;
  /** The sequence number of the oldest queued message, when known: a lease then reads it without a scan. */
  head?: string;
}
/** A leased message as kept: its lease, and whether it was taken exclusively. */
interface LeaseRecord extends Lease {
  exclusive: boolean;
}
interface Push {
  seq: string;
  message: QueuedMessage;
  also: BatchOp[];
}

/**
 * The embedded Inbox, kept in the Store. Every change of an inbox is one atomic update of its
 * meta record (queued and leased counts), so pushes, leases and acks of one inbox are serialised
 * by the Store's read-modify-write and land with the records written alongside them. A lease keeps
 * its fencing token and expiry in its record (expiry by this process's clock); an exclusive lease
 * is taken only while the meta record counts no lease. Pushes to
 * one inbox are committed in groups: those that come while a write is in flight go together in the
 * next one (one meta update for all), each answered when its group is written.
 *
 * Layout: `ibm/<inbox>` meta, `ib/<inbox>/q/<seq>` queued, `ib/<inbox>/l/<seq>` leased. Sequence
 * numbers grow with time, so a scan of `q/` yields the oldest message first without loading the rest.
 * The meta record also names the oldest queued message when a push or a release makes it known
 * (the queue was empty, or what it puts goes before the known head), and forgets it when that
 * message is leased and others wait: the next lease then scans for it.
 */
export class StoreInbox implements Inbox {
  private lastSeq = 0;
  private readonly pushes = new GroupCommit<Push>((inbox, group) => this.append(inbox, group));

  constructor(private readonly store: Store) {}

  push(inbox: string, message: QueuedMessage, also: BatchOp[] = []): Promise<void> {
    return this.pushes.submit(inbox, { seq: this.nextSeq(), message, also });
  }

  /** Writes a group of pushes and the meta record of their inbox in one atomic batch. */
  private async append(inbox: string, group: Push[]): Promise<void> {
    const ops = group.flatMap(({ seq, message, also }): BatchOp[] => [{ type: 'put', key: queuedKey(inbox, seq), value: message }, ...also]);
    await this.store.update<Meta>(metaKey(inbox), (meta = empty()) => new WithWrites(queue(meta, group.length, group[0]!.seq), ops));
  }

  async lease(inbox: string, holder: string, options: LeaseOptions = {}): Promise<Lease | undefined> {
    let leased: Lease | undefined;
    await this.store.update<Meta>(metaKey(inbox), async (meta) => {
      if (!meta || meta.queued === 0 || (options.exclusive && meta.leased > 0)) return UNCHANGED;
      const head = await this.head(inbox, meta);
      if (!head) return UNCHANGED;
      const { seq, message } = head;
      const expiresAt = options.ttlMs === undefined ? null : Date.now() + options.ttlMs;
      leased = { seq, holder, message, token: newId(), expiresAt };
      return new WithWrites({ queued: meta.queued - 1, leased: meta.leased + 1 }, [
        { type: 'del', key: queuedKey(inbox, seq) },
        { type: 'put', key: leasedKey(inbox, seq), value: { ...leased, exclusive: options.exclusive ?? false } satisfies LeaseRecord },
      ]);
    });
    return leased;
  }

  /** The oldest queued message: the one the meta record names, else the first of a scan. */
  private async head(inbox: string, meta: Meta): Promise<{ seq: string; message: QueuedMessage } | undefined> {
    const named = meta.head === undefined ? undefined : await this.store.get<QueuedMessage>(queuedKey(inbox, meta.head));
    if (named) return { seq: meta.head!, message: named };
    for await (const [key, message] of this.store.scan<QueuedMessage>(`ib/${inbox}/q/`, { limit: 1 })) return { seq: key.slice(key.lastIndexOf('/') + 1), message };
    return undefined;
  }

  async ack(inbox: string, lease: Lease, also: BatchOp[] = []): Promise<boolean> {
    let acked = false;
    await this.store.update<Meta>(metaKey(inbox), async (meta = empty()) => {
      if (!(await this.held(inbox, lease))) return UNCHANGED;
      acked = true;
      return new WithWrites(settle({ ...meta, leased: meta.leased - 1 }), [{ type: 'del', key: leasedKey(inbox, lease.seq) }, ...also]);
    });
    return acked;
  }

  async release(inbox: string, lease: Lease): Promise<boolean> {
    let released = false;
    await this.store.update<Meta>(metaKey(inbox), async (meta = empty()) => {
      const held = await this.held(inbox, lease);
      if (!held || (held.expiresAt !== null && lease.expiresAt !== null && held.expiresAt > lease.expiresAt)) return UNCHANGED;
      released = true;
      return new WithWrites(queue({ ...meta, leased: meta.leased - 1 }, 1, lease.seq), [
        { type: 'del', key: leasedKey(inbox, lease.seq) },
        { type: 'put', key: queuedKey(inbox, lease.seq), value: held.message },
      ]);
    });
    return released;
  }

  async extend(inbox: string, lease: Lease, ttlMs: number, also: BatchOp[] = []): Promise<boolean> {
    let extended = false;
    await this.store.update<Meta>(metaKey(inbox), async (meta) => {
      const held = await this.held(inbox, lease);
      if (!held || !meta) return UNCHANGED;
      extended = true;
      return new WithWrites(meta, [{ type: 'put', key: leasedKey(inbox, lease.seq), value: { ...held, expiresAt: Date.now() + ttlMs } satisfies LeaseRecord }, ...also]);
    });
    return extended;
  }

  /** The record of a leased message if `lease` is its current lease (same fencing token). */
  private async held(inbox: string, lease: Lease): Promise<LeaseRecord | undefined> {
    const held = await this.store.get<LeaseRecord>(leasedKey(inbox, lease.seq));
    return held?.token === lease.token ? held : undefined;
  }

  async length(inbox: string): Promise<number> {
    return (await this.counts(inbox)).queued;
  }

  async counts(inbox: string): Promise<{ queued: number; leased: number }> {
    const { queued, leased } = (await this.store.get<Meta>(metaKey(inbox))) ?? empty();
    return { queued, leased };
  }

  async purge(inbox: string): Promise<QueuedMessage[]> {
    const purged: QueuedMessage[] = [];
    await this.store.update<Meta>(metaKey(inbox), async (meta) => {
      if (!meta || meta.queued === 0) return UNCHANGED;
      const ops: BatchOp[] = [];
      for await (const [key, message] of this.store.scan<QueuedMessage>(`ib/${inbox}/q/`)) {
        purged.push(message);
        ops.push({ type: 'del', key });
      }
      return new WithWrites(settle({ queued: 0, leased: meta.leased }), ops);
    });
    return purged;
  }

  async drop(inbox: string): Promise<void> {
    await this.store.update<Meta>(metaKey(inbox), async (meta) => {
      if (!meta) return UNCHANGED;
      const ops: BatchOp[] = [];
      for await (const [key] of this.store.scan(`ib/${inbox}/`)) ops.push({ type: 'del', key });
      return new WithWrites<Meta>(undefined, ops);
    });
  }

  async leases(inbox: string): Promise<Lease[]> {
    const held: Lease[] = [];
    for await (const [, { exclusive: _, ...lease }] of this.store.scan<LeaseRecord>(`ib/${inbox}/l/`)) held.push(lease);
    return held;
  }

  async redeliver(inbox: string, isAlive: (holder: string) => boolean): Promise<number> {
    let count = 0;
    for (const lease of await this.leases(inbox)) {
      if (isAlive(lease.holder) && !lapsed(lease, Date.now())) continue;
      if (await this.release(inbox, lease)) count++;
    }
    return count;
  }

  async inboxes(): Promise<string[]> {
    const names: string[] = [];
    for await (const [key] of this.store.scan('ibm/')) names.push(key.slice(4));
    return names;
  }

  /** Sequence numbers: microseconds since the epoch, strictly increasing in this process. */
  private nextSeq(): string {
    this.lastSeq = Math.max(Date.now() * 1000, this.lastSeq + 1);
    return String(this.lastSeq).padStart(17, '0');
  }
}

const empty = (): Meta => ({ queued: 0, leased: 0 });
/**
 * The meta record once `count` messages are queued, the oldest at `seq`: the head is `seq` when
 * the queue was empty or `seq` goes before the head known; else it stays as it was (known or not).
 */
function queue(meta: Meta, count: number, seq: string): Meta {
  const head = meta.queued === 0 || (meta.head !== undefined && seq < meta.head) ? seq : meta.head;
  return { queued: meta.queued + count, leased: meta.leased, ...(head === undefined ? {} : { head }) };
}
/** An empty inbox's meta is deleted, so `inboxes()` lists only inboxes that hold something. */
const settle = (meta: Meta): Meta | undefined => (meta.queued === 0 && meta.leased === 0 ? undefined : meta);
const metaKey = (inbox: string) => `ibm/${inbox}`;
const queuedKey = (inbox: string, seq: string) => `ib/${inbox}/q/${seq}`;
const leasedKey = (inbox: string, seq: string) => `ib/${inbox}/l/${seq}`;
