import { camel } from '../casing.js';
import type { SentMessage, SyncAnswer } from '../records.js';
import type { Call, Transport } from '../transport.js';
import { seg } from './path.js';

/** A message: text, a JSON value, or bytes. */
export type Message = { text: string } | { json: unknown } | { bytes: Uint8Array | ArrayBuffer | Blob };

export interface SendOptions {
  /** Environment variables of the execution (sent as query parameters). */
  env?: Record<string, string>;
}

/**
 * Sending messages to an actor (each runs one execution), counting and purging its inbox. A POST
 * is never retried: a message the server took but whose answer was lost would run twice.
 */
export class Messages {
  constructor(private readonly transport: Transport) {}

  /** Sends a string message (the actor reads it in `$MSG`). */
  async send(actor: string, text: string, options: SendOptions = {}): Promise<SentMessage> {
    return this.post(actor, { text }, options);
  }

  /**
   * Sends a JSON message. As on upstream, an object whose `message` field is a string is taken as
   * that string message.
   */
  async sendJson(actor: string, value: unknown, options: SendOptions = {}): Promise<SentMessage> {
    return this.post(actor, { json: value }, options);
  }

  /** Sends a binary message (the actor reads it from the FIFO `_abaco_binary_data`). */
  async sendBinary(actor: string, bytes: Uint8Array | ArrayBuffer | Blob, options: SendOptions = {}): Promise<SentMessage> {
    return this.post(actor, { bytes }, options);
  }

  /**
   * Sends a message and waits for its execution: its first result (bytes), else its logs. When it
   * runs past the server's wait, the answer is `timeout` and the execution goes on.
   */
  async sendSync(actor: string, message: Message, options: SendOptions = {}): Promise<SyncAnswer> {
    const response = await this.transport.send(this.call(actor, message, { ...options.env, _abaco_synchronous: 'true' }));
    const type = response.headers.get('content-type') ?? '';
    const executionId = response.headers.get('x-abaco-execution-id') ?? '';
    if (type.startsWith('application/octet-stream')) return { kind: 'result', executionId, data: new Uint8Array(await response.arrayBuffer()) };
    if (type.startsWith('text/plain')) return { kind: 'logs', executionId, logs: await response.text() };
    const { result } = (await response.json()) as { result: unknown };
    return { kind: 'timeout', executionId: camel<SentMessage>(result).executionId };
  }

  /** How many messages wait in the actor's inbox. */
  async count(actor: string): Promise<number> {
    return (await this.transport.result<{ messages: number }>({ method: 'GET', path: `/${seg(actor)}/messages` })).messages;
  }

  /** Empties the actor's inbox (messages not yet taken by a worker). */
  async purge(actor: string): Promise<void> {
    await this.transport.send({ method: 'DELETE', path: `/${seg(actor)}/messages` });
  }

  /** Sends a message of any kind (text, JSON or bytes): for callers that choose the kind at run time. */
  async post(actor: string, message: Message, options: SendOptions = {}): Promise<SentMessage> {
    return camel(await this.transport.result(this.call(actor, message, options.env)));
  }

  private call(actor: string, message: Message, query: Record<string, string> = {}): Call {
    const call: Call = { method: 'POST', path: `/${seg(actor)}/messages`, query };
    if ('text' in message) call.json = { message: message.text };
    else if ('json' in message) call.json = message.json;
    else call.bytes = message.bytes;
    return call;
  }
}
