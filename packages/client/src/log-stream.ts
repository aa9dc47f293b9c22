import { EventSourceParserStream } from 'eventsource-parser/stream';
import { AbacoError, errorFor } from './errors.js';

/** An event of a followed log (`GET .../logs?follow=true`, text/event-stream): a piece of output, or the end with the execution's status. */
export type LogStreamEvent = { type: 'log'; text: string } | { type: 'end'; status: string; execution: Record<string, unknown> };

/**
 * Reads the server-sent events of a followed log: `log` events (`{"text": ...}`) and the `end`
 * event (`{"execution": ...}`); heartbeat comments are skipped. Ends after `end`; an `error` event
 * (`{"status", "message"}`: the caller may no longer read the log, it is gone, the client read too
 * slowly, the server is closing) is thrown as the error of that status, and a stream cut before
 * the end as an {@link AbacoError}.
 */
export async function* logStreamEvents(body: ReadableStream<Uint8Array>, url: string): AsyncGenerator<LogStreamEvent, void, undefined> {
  // lib.dom types the writable side of TextDecoderStream as BufferSource, which pipeThrough does not take.
  const text = body.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>);
  const reader = text.pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new AbacoError('The log stream ended before the execution did.', undefined, { method: 'GET', url });
      if (value.event === 'log') yield { type: 'log', text: (JSON.parse(value.data) as { text: string }).text };
      if (value.event === 'error') {
        const { status, message } = JSON.parse(value.data) as { status: number; message: string };
        throw errorFor(status, message, { method: 'GET', url });
      }
      if (value.event === 'end') {
        const { execution } = JSON.parse(value.data) as { execution: Record<string, unknown> };
        yield { type: 'end', status: String(execution.status), execution };
        return;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
