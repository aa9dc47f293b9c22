import type { MessageInput } from '@abaco/core';
import { RawText, UploadedFile } from '../body.js';
import { HttpError } from '../envelope.js';
import type { Call, Router } from '../route.js';

const NOT_SERIALIZABLE = 'message POST body could not be serialized. Pass JSON data or use the message attribute.';

/**
 * The message of a POST, as upstream reads it: a `message` field that is a string, else the JSON
 * body (`{"message": {...}}` too: the Tapis clients wrap every message so), bytes, or text that is JSON.
 */
function messageOf(body: unknown): MessageInput {
  if (body instanceof UploadedFile) return { kind: 'binary', file: body.path };
  if (body instanceof RawText) {
    try {
      return { kind: 'json', value: JSON.parse(body.text) };
    } catch {
      throw new HttpError(400, NOT_SERIALIZABLE);
    }
  }
  if (body === undefined || body === null) throw new HttpError(400, NOT_SERIALIZABLE);
  const message = typeof body === 'object' && !Array.isArray(body) ? (body as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? { kind: 'str', text: message } : { kind: 'json', value: body };
}

/** Query parameters of a message POST, which become environment variables (the nonce excepted). */
function envOf(query: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (key === 'x-nonce' || key === 'message') continue;
    env[key] = Array.isArray(value) ? String(value[value.length - 1]) : String(value);
  }
  return env;
}

const synchronous = (c: Call) => String(c.query._abaco_synchronous ?? '').toLowerCase() === 'true';

/** Sending messages, counting and purging an actor's inbox. */
export function messageRoutes(r: Router): void {
  r.route('GET', '/:actorId/messages', { action: 'actor.read', target: 'actorId' }, async (c) => {
    const { actor, messages } = await c.abaco.messages.count(c.who, c.params.actorId!);
    return c.ok('Actor messages retrieved successfully.', { messages, _links: { self: `${c.present.actorUrl(actor.id)}/messages`, owner: c.present.ownerUrl(actor.owner) } });
  });

  r.route('POST', '/:actorId/messages', { action: 'messages.send', target: 'actorId' }, async (c) => {
    const input = messageOf(c.body);
    const sync = synchronous(c);
    const { execution, sync: outcome } = await c.abaco.messages.send(c.who, c.params.actorId!, input, { env: envOf(c.query), synchronous: sync });
    // The execution id of a synchronous answer, which has no envelope, is in a header of its own.
    if (outcome && outcome.kind !== 'timeout') c.reply.header('x-abaco-execution-id', execution.id);
    if (outcome?.kind === 'result') return c.reply.code(200).type('application/octet-stream').send(outcome.data);
    if (outcome?.kind === 'logs') return c.reply.code(200).type('text/plain; charset=utf-8').send(outcome.text);
    const self = `${c.present.actorUrl(execution.actorId)}/executions/${execution.id}`;
    const result = c.present.cased({
      executionId: execution.id,
      msg: input.kind === 'binary' ? 'binary - omitted' : input.kind === 'str' ? input.text : input.value,
      _links: { self, owner: c.present.ownerUrl(c.who.user), messages: `${c.present.actorUrl(execution.actorId)}/messages` },
    });
    // The published v3 OpenAPI, and so the clients generated from it, name the id executionId in any casing.
    if (c.api === 'v3') result.executionId = execution.id;
    if (outcome?.kind === 'timeout') {
      return c.ok(`The execution did not finish within ${c.abaco.settings.syncTimeoutMs} ms; it goes on: follow it with its id.`, result, 202);
    }
    return c.ok('The request was successful', result);
  });

  r.route('DELETE', '/:actorId/messages', { action: 'messages.purge', target: 'actorId' }, async (c) => {
    const { actor } = await c.abaco.messages.purge(c.who, c.params.actorId!);
    return c.ok('Actor mailbox purged.', { msg: 'Actor mailbox purged.', _links: { self: `${c.present.actorUrl(actor.id)}/messages`, owner: c.present.ownerUrl(actor.owner) } });
  });
}
