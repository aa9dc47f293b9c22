import type { Following, Identity } from '@abaco/core';
import { errorStatus, HttpError } from './envelope.js';
import type { Call } from './route.js';

/** How many log streams one user (or one nonce) may hold open on this server at once. */
export const MAX_STREAMS_PER_IDENTITY = 8;
/** How much a stream may have waiting for a slow client before it is ended. */
export const MAX_BUFFERED_BYTES = 1_000_000;
/** How often an open stream gets a heartbeat comment (and access is asked again, and the store read for anything missed). */
const HEARTBEAT_MS = 15_000;
/** How long an ended stream's last event is given to reach its client before the connection is cut. */
const GRACE_MS = 5_000;

/**
 * Whose streams a caller's count: a nonce's own (each nonce has its own places, so whoever holds a
 * nonce never takes its owner's), else the user's.
 */
const holder = (who: Identity) => (who.nonce ? `nonce ${who.nonce.id}` : `user ${who.tenant}/${who.user}`);

/**
 * Serves `GET .../executions/{id}/logs?follow=true` as server-sent events: `log` events
 * (`{"text"}`: the log so far, then each piece as it is written), then one `end` event
 * (`{"execution"}`: the execution as it ended), then the stream closes; a `: heartbeat` comment every
 * 15 s. A stream ends instead with one `error` event (`{"status", "message"}`: what a read would be
 * answered) when its caller may no longer read the execution (permission withdrawn, nonce deleted;
 * asked again at each heartbeat) or it is gone (its actor deleted), when more than
 * {@link MAX_BUFFERED_BYTES} wait for a client that reads too slowly, and when the server closes
 * ({@link LogStreams.endAll}). Each user, and each nonce, holds at most {@link MAX_STREAMS_PER_IDENTITY}
 * at once (429 past that). A stream holds its subscription, and what waits for its client: at most
 * {@link MAX_BUFFERED_BYTES} and the one piece that went past it. `HEAD` is answered by the route, not here.
 */
export class LogStreams {
  private readonly held = new Map<string, number>();
  /** The open streams, each by the function that ends it with an error event. */
  private readonly open = new Set<(status: number, message: string) => void>();

  /** Ends every open stream with an error event (the server is closing). */
  endAll(): void {
    for (const end of [...this.open]) end(503, 'The server is shutting down.');
  }

  async serve(c: Call): Promise<void> {
    const key = holder(c.who);
    const count = this.held.get(key) ?? 0;
    const whose = c.who.nonce ? 'this nonce' : c.who.user;
    if (count >= MAX_STREAMS_PER_IDENTITY) throw new HttpError(429, `Too many log streams open for ${whose} (at most ${MAX_STREAMS_PER_IDENTITY}); close one first.`);
    this.held.set(key, count + 1);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      const n = (this.held.get(key) ?? 1) - 1;
      if (n > 0) this.held.set(key, n);
      else this.held.delete(key);
    };
    const raw = c.reply.raw;
    const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    let open = false; // the head is sent: events go to the client, not to `early`
    let ended = false; // the last event is given
    const early: string[] = [];
    const send = (text: string) => {
      if (!open) return void early.push(text);
      if (raw.writableEnded || raw.destroyed) return;
      // What write() could not pass on waits in memory: past the bound, the stream ends rather than keep more.
      if (raw.writableNeedDrain && raw.writableLength > MAX_BUFFERED_BYTES && !ended) return fail(503, `The client reads the log too slowly (more than ${MAX_BUFFERED_BYTES} bytes waiting); follow it again, or read it whole.`);
      raw.write(text);
    };
    /** Ends the response; the connection is cut if the client does not take what is left in time. */
    const close = () => {
      raw.end();
      setTimeout(() => raw.destroy(), GRACE_MS).unref();
    };
    let heartbeat: NodeJS.Timeout | undefined;
    let following: Following | undefined;
    /** Sends `last` and nothing after it. */
    const finish = (last: string) => {
      if (ended) return;
      ended = true;
      send(last);
      clearInterval(heartbeat);
      this.open.delete(fail);
      void following?.stop();
      if (open) close();
    };
    const fail = (status: number, message: string) => finish(event('error', { status, message }));
    following = await c.abaco.logFollower
      .follow(c.who, c.params.actorId!, c.params.executionId!, (e) => {
        if (e.type === 'log') return send(event('log', { text: e.text }));
        if (e.type === 'end') return finish(event('end', { execution: c.present.execution(e.execution) }));
        fail(errorStatus(e.error, c.options.maxMessageBytes).code, e.error.message);
      })
      .catch((e: unknown) => {
        release();
        throw e;
      });
    c.reply.hijack();
    raw.writeHead(200, {
      ...(c.reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'close', // one stream per connection: the socket goes when the stream ends
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    open = true;
    send(early.join(''));
    const gone = () => {
      release();
      finish('');
    };
    if (raw.closed) return gone(); // the client went while the stream was being set up
    raw.once('close', gone);
    if (ended) return close();
    this.open.add(fail);
    heartbeat = setInterval(() => {
      send(': heartbeat\n\n');
      void following?.check();
    }, HEARTBEAT_MS);
  }
}
