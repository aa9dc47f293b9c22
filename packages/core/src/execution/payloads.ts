import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { EngineContext } from '../engine/context.js';
import type { Actor } from '../model/actor.js';
import type { Execution, QueuedMessage } from '../model/execution.js';
import { keys } from '../store/keys.js';
import type { BatchOp } from '../store/store.js';

/** The bytes of a binary message: in memory, or in a file the engine takes over. */
export type BinaryInput = { data: Buffer } | { file: string };

/** Bytes in one chunk record of a payload kept in the store (base64 in the record). */
export const PAYLOAD_CHUNK_BYTES = 256 * 1024;

/** What a payload kept in the store records at its head: written with each chunk, so a sweep finds any it left. */
interface PayloadHead {
  bytes: number;
  chunks: number;
  written: string;
}

interface PayloadsOptions {
  /** This node's folder for binary messages (kept across restarts). */
  spoolDir: string;
  /** Keep the bytes in the store, where every node of a cluster reads them, rather than in `spoolDir`. */
  inStore: boolean;
}

/**
 * Binary messages' bytes from their arrival until their execution has read them. Alone on its store,
 * the engine keeps each as a file of its spool folder (`<execution id>.bin`). In a cluster the node that
 * runs a message may not be the one that took it, so the bytes go into the shared store, in chunks of
 * `PAYLOAD_CHUNK_BYTES` written one at a time (a large message is never held in memory) before the
 * message is queued; the node that runs it copies them to its own spool folder, where the execution's
 * FIFO reads them. Either way they are removed after the execution, and a sweep removes what a crash
 * or a refused message left.
 */
export class BinaryPayloads {
  constructor(
    private readonly ctx: EngineContext,
    private readonly options: PayloadsOptions,
  ) {}

  /** Keeps the bytes of a new message; returns what its queued message records of them. */
  async keep(actor: Actor, executionId: string, input: BinaryInput): Promise<Pick<QueuedMessage, 'binaryPath' | 'binaryStored'>> {
    if (!this.options.inStore) {
      const path = this.spoolFile(executionId);
      await mkdir(this.options.spoolDir, { recursive: true });
      if ('data' in input) await writeFile(path, input.data);
      else await moveFile(input.file, path);
      return { binaryPath: path };
    }
    const head = keys.payload(actor.tenant, actor.id, executionId);
    let bytes = 0;
    let chunks = 0;
    // With each chunk its head, which says when the payload was last written to: a sweep never takes bytes still coming for stale.
    const headOp = (): BatchOp => ({ type: 'put', key: head, value: { bytes, chunks, written: this.ctx.now().toISOString() } satisfies PayloadHead });
    const source: Iterable<Buffer> | AsyncIterable<Buffer> = 'data' in input ? chunksOf(input.data) : createReadStream(input.file, { highWaterMark: PAYLOAD_CHUNK_BYTES });
    for await (const chunk of source) {
      const key = keys.payloadChunk(actor.tenant, actor.id, executionId, chunks);
      bytes += chunk.length;
      chunks++;
      await this.ctx.store.batch([{ type: 'put', key, value: chunk.toString('base64') }, headOp()]);
    }
    if (chunks === 0) await this.ctx.store.batch([headOp()]); // an empty message
    if ('file' in input) await unlink(input.file);
    return { binaryPath: null, binaryStored: true };
  }

  /** The file holding a message's bytes on this node, copied from the store when they are there; undefined when it has none. */
  async localFile(actor: Actor, message: QueuedMessage): Promise<string | undefined> {
    if (!message.binaryStored) return message.binaryPath ?? undefined;
    const head = await this.ctx.store.get<PayloadHead>(keys.payload(actor.tenant, actor.id, message.executionId));
    if (!head) throw new Error('The bytes of this binary message are gone from the store.');
    const path = this.spoolFile(message.executionId);
    await mkdir(this.options.spoolDir, { recursive: true });
    const out = createWriteStream(path);
    try {
      for (let n = 0; n < head.chunks; n++) {
        const chunk = await this.ctx.store.get<string>(keys.payloadChunk(actor.tenant, actor.id, message.executionId, n));
        if (chunk === undefined) throw new Error(`Chunk ${n} of this binary message is gone from the store.`);
        if (!out.write(Buffer.from(chunk, 'base64'))) await once(out, 'drain');
      }
      out.end();
      await finished(out);
    } catch (e) {
      out.destroy();
      await rm(path, { force: true });
      throw e;
    }
    return path;
  }

  /** Removes a message's bytes once its execution is over (its local copy too). */
  async drop(actor: Actor, message: QueuedMessage): Promise<void> {
    if (message.binaryPath !== null) await rm(message.binaryPath, { force: true });
    if (message.binaryStored) {
      await rm(this.spoolFile(message.executionId), { force: true });
      await this.forget(actor.tenant, actor.id, message.executionId);
    }
  }

  /**
   * Removes what no message waits for any more, older than `graceMs` (a message being taken writes
   * its bytes just before it is queued): spool files whose execution, in an actor with messages
   * (`withMessages`), is neither SUBMITTED nor RUNNING, and payloads in the store whose execution is
   * neither (or gone).
   */
  async sweep(withMessages: Actor[], graceMs: number): Promise<void> {
    const cutoff = this.ctx.now().getTime() - graceMs;
    const files = await readdir(this.options.spoolDir).catch(() => [] as string[]);
    for (const file of files.filter((f) => f.endsWith('.bin'))) {
      const path = join(this.options.spoolDir, file);
      const changed = await stat(path).then((s) => s.ctimeMs, () => undefined);
      if (changed === undefined || changed > cutoff) continue;
      const executionId = file.slice(0, -'.bin'.length);
      let waiting = false;
      for (const actor of withMessages) if ((waiting = await this.waits(actor.tenant, actor.id, executionId))) break;
      if (!waiting) await rm(path, { force: true });
    }
    for await (const [key, head] of this.ctx.store.scan<PayloadHead>(keys.allPayloads)) {
      const [tenant, actorId, executionId] = key.slice(keys.allPayloads.length).split('/') as [string, string, string];
      if (Date.parse(head.written) > cutoff || (await this.waits(tenant, actorId, executionId))) continue;
      await this.forget(tenant, actorId, executionId);
    }
  }

  private async waits(tenant: string, actorId: string, executionId: string): Promise<boolean> {
    const status = (await this.ctx.store.get<Execution>(keys.execution(tenant, actorId, executionId)))?.status;
    return status === 'SUBMITTED' || status === 'RUNNING';
  }

  /** Chunks first, head last: a removal cut short leaves the head, which the next sweep finds. */
  private async forget(tenant: string, actorId: string, executionId: string): Promise<void> {
    await this.ctx.store.clear(keys.payloadChunks(tenant, actorId, executionId));
    await this.ctx.store.batch([{ type: 'del', key: keys.payload(tenant, actorId, executionId) }]);
  }

  private spoolFile(executionId: string): string {
    return join(this.options.spoolDir, `${executionId}.bin`);
  }
}

function* chunksOf(data: Buffer): Iterable<Buffer> {
  for (let at = 0; at < data.length; at += PAYLOAD_CHUNK_BYTES) yield data.subarray(at, at + PAYLOAD_CHUNK_BYTES);
}

/** Moves a file, copying it when it lives on another filesystem than its destination. */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await copyFile(from, to);
    await unlink(from);
  }
}
