import type { EngineContext } from '../engine/context.js';
import type { Actor } from '../model/actor.js';
import { keys } from '../store/keys.js';
import { UNCHANGED, WithWrites, type BatchOp } from '../store/store.js';

interface ResultRecord {
  data: string; // base64
  expiresAt: string;
}

/**
 * The results of executions: each datagram an actor sends to its results socket is one result,
 * read back one at a time (oldest first, each read removes it), kept `resultTtlMs` (60 minutes):
 * each is in the expiry index, whose sweep (`LogStore.sweep`) removes those nobody read in time.
 */
export class ResultQueue {
  private lastSeq = 0;

  constructor(private readonly ctx: EngineContext) {}

  async push(actor: Actor, executionId: string, data: Buffer): Promise<void> {
    this.lastSeq = Math.max(Date.now() * 1000, this.lastSeq + 1);
    const expiresAt = new Date(this.ctx.now().getTime() + this.ctx.settings.resultTtlMs).toISOString();
    const key = `${keys.results(actor.tenant, actor.id, executionId)}${String(this.lastSeq).padStart(17, '0')}`;
    await this.ctx.store.batch([
      { type: 'put', key, value: { data: data.toString('base64'), expiresAt } satisfies ResultRecord },
      { type: 'put', key: keys.expiry(expiresAt, key), value: key },
    ]);
  }

  /** Takes the oldest unexpired result, or undefined when there is none. Concurrent pops never share one. */
  async pop(actor: Actor, executionId: string): Promise<Buffer | undefined> {
    const prefix = keys.results(actor.tenant, actor.id, executionId);
    const now = this.ctx.now().toISOString();
    let found: Buffer | undefined;
    // None at all (the usual answer): no need to take the lock.
    const any = async () => {
      for await (const _ of this.ctx.store.scan(prefix, { limit: 1 })) return true;
      return false;
    };
    if (!(await any())) return undefined;
    // The record just before the prefix ('.../<exec>' without the slash) serialises pops.
    await this.ctx.store.update(prefix.slice(0, -1), async () => {
      const ops: BatchOp[] = [];
      for await (const [key, record] of this.ctx.store.scan<ResultRecord>(prefix)) {
        ops.push({ type: 'del', key }, { type: 'del', key: keys.expiry(record.expiresAt, key) });
        if (record.expiresAt > now) {
          found = Buffer.from(record.data, 'base64');
          break;
        }
      }
      return ops.length > 0 ? new WithWrites(undefined, ops) : UNCHANGED;
    });
    return found;
  }
}
