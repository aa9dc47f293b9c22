import { BadRequestError } from '@abaco/core';
import type { LogStreams } from '../log-stream.js';
import { searching, type Router } from '../route.js';

/** The `follow` parameter of a logs read: `true` or `false` in any case (absent: false); never a search condition. */
function following(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new BadRequestError('follow must be true or false.');
}

/**
 * Executions: summary list, details, halt, logs (followed as server-sent events with `follow=true`,
 * served by `streams`) and results.
 */
export const executionRoutes = (streams: LogStreams) => (r: Router): void => {
  r.route('GET', '/:actorId/executions', { action: 'executions.read', target: 'actorId' }, async (c) => {
    if (searching(c)) {
      const result = await c.abaco.search.search(c.who, 'executions', c.query, { actor: c.params.actorId! });
      return c.ok('Executions search completed successfully.', c.present.searchResult(result));
    }
    return c.ok('Actor executions retrieved successfully.', c.present.executionSummary(await c.abaco.executions.list(c.who, c.params.actorId!)));
  });

  r.route('GET', '/:actorId/executions/:executionId', { action: 'executions.read', target: 'actorId' }, async (c) => {
    const { execution } = await c.abaco.executions.get(c.who, c.params.actorId!, c.params.executionId!);
    return c.ok('Actor execution retrieved successfully.', c.present.execution(execution));
  });

  r.route('DELETE', '/:actorId/executions/:executionId', { action: 'executions.halt', target: 'actorId' }, async (c) => {
    await c.abaco.executions.halt(c.who, c.params.actorId!, c.params.executionId!);
    return c.ok(`Issued force quit command for execution ${c.params.executionId}.`, null);
  });

  r.route('GET', '/:actorId/executions/:executionId/logs', { action: 'executions.read', target: 'actorId' }, async (c) => {
    const { follow, ...query } = c.query;
    if (following(follow)) {
      if (c.request.method === 'HEAD') {
        await c.abaco.executions.get(c.who, c.params.actorId!, c.params.executionId!);
        return c.reply.code(200).type('text/event-stream; charset=utf-8').send();
      }
      return streams.serve(c);
    }
    if (searching({ ...c, query })) {
      await c.abaco.executions.get(c.who, c.params.actorId!, c.params.executionId!);
      const result = await c.abaco.search.search(c.who, 'logs', query, { actor: c.params.actorId!, executionId: c.params.executionId! });
      return c.ok('Logs search completed successfully.', c.present.searchResult(result));
    }
    const { actor, execution, logs } = await c.abaco.executions.logs(c.who, c.params.actorId!, c.params.executionId!);
    const self = `${c.present.actorUrl(actor.id)}/executions/${execution.id}`;
    return c.ok('Logs retrieved successfully.', { logs, _links: { self: `${self}/logs`, owner: c.present.ownerUrl(actor.owner), execution: self } });
  });

  r.route('GET', '/:actorId/executions/:executionId/results', { action: 'executions.read', target: 'actorId' }, async (c) => {
    const data = await c.abaco.executions.result(c.who, c.params.actorId!, c.params.executionId!);
    return c.reply.code(200).type('application/octet-stream').send(data);
  });
};
