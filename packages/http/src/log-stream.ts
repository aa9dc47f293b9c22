import type { Identity } from '@abaco/core';
import { HttpError } from './envelope.js';
import type { Call } from './route.js';

/** How many log streams one identity may hold open on this server at once. */
export const MAX_STREAMS_PER_IDENTITY = 8;
/** How often an open stream gets a heartbeat comment (and a look at the store for anything missed). */
const HEARTBEAT_MS = 15_000;

const owner = (who: Identity) => `${who.tenant}/${who.user}`;

/**
 * Serves `GET .../executions/{id}/logs?follow=true` as server-sent events: `log` events
 * (`{"text"}`: the log so far, then each piece as it is written), then one `end` event
 * (`{"execution"}`: the execution as it ended), then the stream closes; a `: heartbeat` comment every
 * 15 s. Closes as well when the client goes. Each identity holds at most
 * {@link MAX_STREAMS_PER_IDENTITY} at once (429 past that); a stream holds its subscription only.
 */
export class LogStreams {
  private readonly open = new Map<string, number>();

  async serve(c: Call): Promise<void> {
    const key = owner(c.who);
    const held = this.open.get(key) ?? 0;
    if (held >= MAX_STREAMS_PER_IDENTITY) throw new HttpError(429, `Too many log streams open for ${c.who.user} (at most ${MAX_STREAMS_PER_IDENTITY}); close one first.`);
    this.open.set(key, held + 1);
    const release = () => {
      const n = (this.open.get(key) ?? 1) - 1;
      if (n > 0) this.open.set(key, n);
      else this.open.delete(key);
    };
    const raw = c.reply.raw;
    let started = false;
    let ended = false;
    const early: string[] = [];
    const gone = () => raw.writableEnded || raw.destroyed;
    const write = (text: string) => (started ? gone() || raw.write(text) : early.push(text));
    const following = await c.abaco.logFollower
      .follow(c.who, c.params.actorId!, c.params.executionId!, (event) => {
        if (event.type === 'log') return void write(`event: log\ndata: ${JSON.stringify({ text: event.text })}\n\n`);
        ended = true;
        write(`event: end\ndata: ${JSON.stringify({ execution: c.present.execution(event.execution) })}\n\n`);
        if (started && !gone()) raw.end();
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
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    started = true;
    raw.write(early.join(''));
    const heartbeat = setInterval(() => {
      write(': heartbeat\n\n');
      void following.check();
    }, HEARTBEAT_MS);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      release();
      void following.stop();
    };
    raw.once('close', close);
    if (raw.closed) close(); // the client went while the stream was being set up
    if (ended && !gone()) raw.end();
  }
}
