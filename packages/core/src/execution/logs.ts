import type { EngineContext } from '../engine/context.js';
import type { Actor } from '../model/actor.js';
import { keys } from '../store/keys.js';
import { WithWrites, type BatchOp } from '../store/store.js';

interface LogRecord {
  logs: string;
  /** When the log is removed (ISO time); null while the execution runs. */
  expiresAt: string | null;
}

/** A log still being written: what its entry in the open-log index names. */
export interface OpenLog {
  tenant: string;
  actorId: string;
  executionId: string;
}

const TRUNCATED = ' LOG LIMIT EXCEEDED; this execution log was TRUNCATED!';
const FLUSH_MS = 250;

/** Execution logs: written while the container runs, cut past the size limit, removed after logEx. */
export class LogStore {
  constructor(private readonly ctx: EngineContext) {}

  /** A writer for one execution's log; readers see what it flushed (every 250 ms at most). */
  writer(actor: Actor, executionId: string): LogWriter {
    return new LogWriter(this.ctx, actor, executionId);
  }

  /** The log of an execution so far; empty when there is none or it expired. */
  async read(actor: Actor, executionId: string): Promise<string> {
    const record = await this.ctx.store.get<LogRecord>(keys.log(actor.tenant, actor.id, executionId));
    if (!record || (record.expiresAt !== null && record.expiresAt <= this.ctx.now().toISOString())) return '';
    return record.logs;
  }

  /** Removes every log whose time is up; returns how many. */
  async sweep(): Promise<number> {
    const now = this.ctx.now().toISOString();
    const ops: { type: 'del'; key: string }[] = [];
    for await (const [key, logKey] of this.ctx.store.scan<string>('exp/')) {
      if (key.slice(4, 4 + now.length) > now) break;
      ops.push({ type: 'del', key }, { type: 'del', key: logKey });
    }
    await this.ctx.store.batch(ops);
    return ops.length / 2;
  }

  /**
   * Gives each open log whose execution is no longer running (`running` answers) its expiry, as
   * its writer would have when the execution ended: the logs of executions cut short by a crash.
   * Returns how many.
   */
  async expireOrphans(running: (log: OpenLog) => Promise<boolean>): Promise<number> {
    let expired = 0;
    for await (const [marker, open] of this.ctx.store.scan<OpenLog>(keys.openLogs)) {
      if (await running(open)) continue;
      const actor = await this.ctx.store.get<Actor>(keys.actor(open.tenant, open.actorId));
      const key = keys.log(open.tenant, open.actorId, open.executionId);
      const expiresAt = expiryTime(this.ctx, actor ? this.ttlSeconds(actor) : 0);
      const unmark: BatchOp = { type: 'del', key: marker };
      await this.ctx.store.update<LogRecord>(key, (record) => {
        if (!record || record.expiresAt !== null) return new WithWrites(record, [unmark]);
        expired++;
        return new WithWrites({ ...record, expiresAt }, [unmark, { type: 'put', key: keys.expiry(expiresAt, key), value: key }]);
      });
    }
    return expired;
  }

  /** Seconds an actor's logs are kept: its logEx, or the default, capped by the limit. */
  ttlSeconds(actor: Actor): number {
    return Math.min(actor.logEx ?? this.ctx.settings.logExDefault, this.ctx.settings.logExLimit);
  }
}

export class LogWriter {
  private text = '';
  private full = false;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: EngineContext,
    private readonly actor: Actor,
    private readonly executionId: string,
  ) {}

  append(chunk: string): void {
    if (this.full) return;
    const room = this.ctx.settings.logMaxChars - this.text.length;
    if (chunk.length > room) {
      this.text += chunk.slice(0, room) + TRUNCATED;
      this.full = true;
    } else {
      this.text += chunk;
    }
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush(null);
    }, FLUSH_MS);
  }

  /** Writes the whole log; with `ttlSeconds`, also when it expires (the execution has ended). */
  async finish(ttlSeconds: number): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush(expiryTime(this.ctx, ttlSeconds), true);
  }

  /** Writes the log; while it has no expiry it is in the open-log index, then in the expiry index. */
  private flush(expiresAt: string | null, always = false): Promise<void> {
    if (!this.dirty && !always) return this.flushing;
    this.dirty = false;
    const key = keys.log(this.actor.tenant, this.actor.id, this.executionId);
    const record: LogRecord = { logs: this.text, expiresAt };
    const open: OpenLog = { tenant: this.actor.tenant, actorId: this.actor.id, executionId: this.executionId };
    const ops: BatchOp[] = [
      { type: 'put', key, value: record },
      ...(expiresAt
        ? [{ type: 'put', key: keys.expiry(expiresAt, key), value: key } as const, { type: 'del', key: keys.openLog(key) } as const]
        : [{ type: 'put', key: keys.openLog(key), value: open } as const]),
    ];
    this.flushing = this.flushing.then(() => this.ctx.store.batch(ops)).catch((e: Error) => this.ctx.log.error({ err: e }, 'writing a log'));
    return this.flushing;
  }
}

function expiryTime(ctx: EngineContext, ttlSeconds: number): string {
  return new Date(ctx.now().getTime() + ttlSeconds * 1000).toISOString();
}
