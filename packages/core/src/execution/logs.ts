import type { Bus } from '../bus/bus.js';
import type { EngineContext } from '../engine/context.js';
import type { Actor } from '../model/actor.js';
import { keys } from '../store/keys.js';
import { WithWrites, type BatchOp } from '../store/store.js';

/**
 * The log of an execution. While it runs, its output goes to chunk records (`keys.logChunk`), each
 * flush writing only what came since the last, and this record holds nothing yet; when it ends,
 * the whole log is written here in one batch that removes the chunks.
 */
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
/** The most bytes of (JSON) text a log-append notification carries (NOTIFY payloads are small); past it, followers read the store. */
const NOTIFIED_BYTES = 4000;

/** The bus topic of an execution's log appends (payload: a {@link LogAppend}), published after each flush is written. */
export const logTopic = (actorDbId: string, executionId: string): string => `logs/${actorDbId}/${executionId}`;

/** A flush of a running log, as followers are told: where it starts in the log, and its text when short enough to carry. */
export interface LogAppend {
  offset: number;
  length: number;
  text?: string;
}

/** Execution logs: written in chunks while the container runs, cut past the size limit, removed after logEx. */
export class LogStore {
  /** `bus`, when given, is told of each flush on {@link logTopic} (for followers of running logs). */
  constructor(
    private readonly ctx: EngineContext,
    private readonly bus?: Bus,
  ) {}

  /** A writer for one execution's log; readers see what it flushed (every 250 ms at most). */
  writer(actor: Actor, executionId: string): LogWriter {
    return new LogWriter(this.ctx, actor, executionId, this.bus);
  }

  /** The log of an execution so far (a running one's chunks too); empty when there is none or it expired. */
  async read(actor: Actor, executionId: string): Promise<string> {
    const key = keys.log(actor.tenant, actor.id, executionId);
    const record = await this.ctx.store.get<LogRecord>(key);
    if (!record || record.expiresAt !== null) return this.shown(record);
    const text = record.logs + (await this.chunks(key)).text;
    // The execution may have ended meanwhile: its chunks are then gone, and the record holds the whole log.
    const again = await this.ctx.store.get<LogRecord>(key);
    return again?.expiresAt === null ? text : this.shown(again);
  }

  private shown(record: LogRecord | undefined): string {
    return !record || (record.expiresAt !== null && record.expiresAt <= this.ctx.now().toISOString()) ? '' : record.logs;
  }

  /** The chunks of a running log: their text in order, and the writes that remove them. */
  private async chunks(key: string): Promise<{ text: string; removal: BatchOp[] }> {
    let text = '';
    const removal: BatchOp[] = [];
    for await (const [chunk, piece] of this.ctx.store.scan<string>(keys.logChunks(key))) {
      text += piece;
      removal.push({ type: 'del', key: chunk });
    }
    return { text, removal };
  }

  /** Removes every record of the expiry index whose time is up (logs, and results: see ResultQueue); returns how many. */
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
   * Gives each open log whose execution is no longer running (`running` answers) its expiry, and
   * gathers its chunks into it, as its writer would have when the execution ended: the logs of
   * executions cut short by a crash. Returns how many.
   */
  async expireOrphans(running: (log: OpenLog) => Promise<boolean>): Promise<number> {
    let expired = 0;
    for await (const [marker, open] of this.ctx.store.scan<OpenLog>(keys.openLogs)) {
      if (await running(open)) continue;
      const actor = await this.ctx.store.get<Actor>(keys.actor(open.tenant, open.actorId));
      const key = keys.log(open.tenant, open.actorId, open.executionId);
      const expiresAt = expiryTime(this.ctx, actor ? this.ttlSeconds(actor) : 0);
      const unmark: BatchOp = { type: 'del', key: marker };
      await this.ctx.store.update<LogRecord>(key, async (record) => {
        const { text, removal } = await this.chunks(key);
        if (!record || record.expiresAt !== null) return new WithWrites(record, [unmark, ...removal]);
        expired++;
        return new WithWrites({ logs: record.logs + text, expiresAt }, [unmark, ...removal, { type: 'put', key: keys.expiry(expiresAt, key), value: key }]);
      });
    }
    return expired;
  }

  /** Seconds an actor's logs are kept: its logEx, or the default, capped by the limit. */
  ttlSeconds(actor: Actor): number {
    return Math.min(actor.logEx ?? this.ctx.settings.logExDefault, this.ctx.settings.logExLimit);
  }
}

/** Writes one execution's log: each flush adds a chunk of what came since the last one; `finishOps` gives the writes of the whole log. */
export class LogWriter {
  private text = '';
  /** How much of `text` is in chunks already, and how many chunks hold it. */
  private chunked = 0;
  private chunkCount = 0;
  private full = false;
  /** Whether the final writes were taken: what comes later is not kept. */
  private finished = false;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: EngineContext,
    private readonly actor: Actor,
    private readonly executionId: string,
    private readonly bus?: Bus,
  ) {}

  /** What the log holds so far: the whole log once `finishOps` was called. */
  get written(): string {
    return this.text;
  }

  append(chunk: string): void {
    if (this.full || this.finished) return;
    const room = this.ctx.settings.logMaxChars - this.text.length;
    if (chunk.length > room) {
      this.text += chunk.slice(0, room) + TRUNCATED;
      this.full = true;
    } else {
      this.text += chunk;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      if (this.text.length > this.chunked) void this.flush();
    }, FLUSH_MS);
  }

  /**
   * The writes that end the log (the whole log with its expiry, removing its chunks), for the
   * caller to write with the execution's final record; answered once the flushes before are
   * written. What is appended after is not kept.
   */
  async finishOps(ttlSeconds: number): Promise<BatchOp[]> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.finished = true;
    await this.flushing;
    const key = this.key();
    const expiresAt = expiryTime(this.ctx, ttlSeconds);
    const chunks = Array.from({ length: this.chunkCount }, (_, n): BatchOp => ({ type: 'del', key: keys.logChunk(key, n) }));
    return [
      { type: 'put', key, value: { logs: this.text, expiresAt } satisfies LogRecord },
      { type: 'put', key: keys.expiry(expiresAt, key), value: key },
      { type: 'del', key: keys.openLog(key) },
      ...chunks,
    ];
  }

  /** Writes what came since the last flush, then tells followers of it. */
  private async flush(): Promise<void> {
    const offset = this.chunked;
    const piece = this.text.slice(offset);
    await this.write(this.flushOps());
    if (!this.bus) return;
    const append: LogAppend = { offset, length: piece.length, ...(Buffer.byteLength(JSON.stringify(piece)) <= NOTIFIED_BYTES ? { text: piece } : {}) };
    await this.bus.publish(logTopic(this.actor.dbId, this.executionId), append).catch((e: Error) => this.ctx.log.warn({ err: e }, 'telling followers of a log'));
  }

  /**
   * What came since the last flush, as a new chunk. The first one also writes the (empty) log
   * record and puts it in the open-log index, so that recovery finds it if the engine dies.
   */
  private flushOps(): BatchOp[] {
    const key = this.key();
    const ops: BatchOp[] = [{ type: 'put', key: keys.logChunk(key, this.chunkCount), value: this.text.slice(this.chunked) }];
    if (this.chunkCount === 0) {
      const open: OpenLog = { tenant: this.actor.tenant, actorId: this.actor.id, executionId: this.executionId };
      ops.push({ type: 'put', key, value: { logs: '', expiresAt: null } satisfies LogRecord }, { type: 'put', key: keys.openLog(key), value: open });
    }
    this.chunked = this.text.length;
    this.chunkCount++;
    return ops;
  }

  /** Writes after the writes before (a failure is logged: the log is not worth failing the execution). */
  private write(ops: BatchOp[]): Promise<void> {
    this.flushing = this.flushing.then(() => this.ctx.store.batch(ops)).catch((e: Error) => this.ctx.log.error({ err: e }, 'writing a log'));
    return this.flushing;
  }

  private key(): string {
    return keys.log(this.actor.tenant, this.actor.id, this.executionId);
  }
}

function expiryTime(ctx: EngineContext, ttlSeconds: number): string {
  return new Date(ctx.now().getTime() + ttlSeconds * 1000).toISOString();
}
