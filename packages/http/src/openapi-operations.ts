import { POLICY, type Action, type Casing } from '@abaco/core';
import type { Api } from './envelope.js';
import { INPUTS, inCasing } from './openapi-inputs.js';
import type { RouteEntry } from './route.js';

type Schema = Record<string, unknown>;

/** The security schemes of the document: how a caller says who it is. */
export const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', description: 'A token of the users file, the admin token, or a JWT (HS256, RS256 or from a JWKS).' },
  tapisToken: { type: 'apiKey', in: 'header', name: 'X-Tapis-Token', description: 'A Tapis v3 access token (RS256, signed for its tenant).' },
  nonce: { type: 'apiKey', in: 'query', name: 'x-nonce', description: 'A nonce of the actor or alias the route names, at the level the route needs.' },
} as const;

/** The envelope of every JSON answer, in the API of a prefix (v3's carries `metadata`). */
function envelopeSchema(api: Api): Schema {
  const properties: Schema = {
    message: { type: 'string', description: 'What happened, or why the request was refused.' },
    result: { description: 'The record, list or summary asked for (null for deletions).' },
    status: { type: 'string', enum: ['success', 'error'] },
    version: { type: 'string' },
  };
  if (api === 'v3') properties.metadata = { type: 'object', description: 'Counts of a paged list; empty otherwise.' };
  return { type: 'object', required: ['message', 'result', 'status', 'version'], properties };
}

/** The shared schemas of the document: the envelope of each API. */
export const COMPONENT_SCHEMAS = { EnvelopeV2: envelopeSchema('v2'), EnvelopeV3: envelopeSchema('v3') };

const envelopeRef = (api: Api) => ({ $ref: `#/components/schemas/${api === 'v3' ? 'EnvelopeV3' : 'EnvelopeV2'}` });

const SEARCH: Schema = {
  limit: { type: 'integer', minimum: 0, description: 'Records per page (default 100).' },
  skip: { type: 'integer', minimum: 0, description: 'Records to skip (skip + limit at most 10000).' },
  search: { type: 'string', maxLength: 256, description: 'Text found in any field.' },
  exactsearch: { type: 'string', maxLength: 256, description: 'Exact text of a field.' },
};
const SEARCHING = 'Given any search parameter (`limit`, `skip`, `search`, `exactsearch`, or `<field>.<op>=<value>` with op eq, neq, gt, gte, lt, lte, in, nin, like, nlike, between), the list is a search: its result is `{search, _metadata}`.';

/** The query parameters a route reads, besides the nonce (a security scheme) and search's `<field>.<op>`. */
function querystring(route: RouteEntry, api: Api): { properties: Schema; note?: string } {
  const { method, url } = route;
  if (method === 'GET' && (route.action === 'actors.search' || /^\/actors\/v2(\/:actorId\/(executions|workers)|\/:actorId\/executions\/:executionId\/logs)?$/.test(url))) {
    const paging = api === 'v3' && url === '/actors/v2' ? { offset: { type: 'integer', minimum: 0, description: 'v3: records to skip (with limit alone: a page of the list, counts in metadata).' } } : {};
    const follow = url.endsWith('/logs') ? { follow: { type: 'string', pattern: '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$', description: 'true (any case): stream the log as server-sent events: `log` events (`{"text"}`) as it is written, then one `end` event (`{"execution"}`), or one `error` event (`{"status", "message"}`) if the stream cannot go on; at most 8 streams per user, and per nonce, at once (429). Not a search condition.' } } : {};
    return { properties: { ...SEARCH, ...paging, ...follow }, note: SEARCHING };
  }
  if (route.action === 'actors.stats') {
    return {
      properties: {
        actor: { type: 'string', description: 'One actor (id or alias, READ on it); a page of the actors the caller may read when left out.' },
        minutes: { type: 'integer', minimum: 1, maximum: 60, description: 'How many minutes back (default 60).' },
        limit: { type: 'integer', minimum: 1, maximum: 200, description: 'How many actors to list (default 50); `page.total` says how many there are.' },
        skip: { type: 'integer', minimum: 0, description: 'How many actors to pass over before listing (default 0).' },
      },
    };
  }
  if (route.action === 'messages.send') {
    return {
      properties: { _abaco_synchronous: { type: 'string', enum: ['true', 'false'], description: 'Wait for the execution and answer with its first result (octet-stream) or its logs (text).' } },
      note: 'Every other query parameter becomes an environment variable of the execution.',
    };
  }
  return { properties: {} };
}

/** The body of a route, with its content types (none for routes that read no body). */
function body(route: RouteEntry, casing: Casing): Schema | undefined {
  if (route.method !== 'POST' && route.method !== 'PUT') return undefined;
  const json = (schema: Schema) => ({ content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } } });
  switch (route.action) {
    case 'actors.create':
    case 'actor.update':
      return json(inCasing(INPUTS.actor, casing));
    case 'aliases.create':
    case 'alias.update':
      return json(inCasing(INPUTS.alias, casing));
    case 'configs.create':
    case 'config.update':
      return json(inCasing(INPUTS.config, casing));
    case 'actor.nonces.manage':
    case 'alias.nonces.manage':
      return json(inCasing(INPUTS.nonce, casing));
    case 'actor.permissions.grant':
    case 'alias.permissions.grant':
    case 'config.permissions.grant':
      return json(inCasing(INPUTS.permission, casing));
    case 'workers.create':
      return json(inCasing(INPUTS.workers, casing));
    case 'state.write':
      return { content: { 'application/json': { schema: { description: 'The new state: any JSON value.' } } } };
    case 'messages.send':
      return {
        content: {
          'application/json': { schema: { description: 'A JSON message (`{"message": "text"}` sends the text as a string message).' } },
          'application/x-www-form-urlencoded': { schema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } } },
          'application/octet-stream': { schema: { type: 'string', format: 'binary', description: 'A binary message, read by the actor from a FIFO.' } },
        },
      };
    default:
      throw new Error(`No body described for ${route.method} ${route.url} (${route.action})`);
  }
}

/** The answers of a route: its envelope, or bytes for results and synchronous messages; errors in the envelope. */
function responses(route: RouteEntry, api: Api): Schema {
  const error = { description: 'Refused: the message says why (400 bad input naming the field, 401, 403, 404, 405, 413, 503).', ...envelopeRef(api) };
  const ok = { description: 'Done: the result in the envelope.', ...envelopeRef(api) };
  if (route.url.endsWith('/results')) {
    return { 200: { description: 'The next result of the execution (empty when none is left).', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, default: error };
  }
  if (route.url.endsWith('/logs')) {
    return {
      200: { description: 'The logs in the envelope; with `follow=true`, a stream of server-sent events.', content: { 'application/json': { schema: envelopeRef(api) }, 'text/event-stream': { schema: { type: 'string' } } } },
      default: error,
    };
  }
  if (route.url === '/admin/dashboard') return { 200: { description: 'The dashboard page.', content: { 'text/html': { schema: { type: 'string' } } } }, default: error };
  if (route.action === 'messages.send') {
    const json = envelopeRef(api);
    return {
      200: {
        description: 'The execution id, or, for a synchronous message, its first result or its logs (the id in X-Abaco-Execution-Id).',
        content: { 'application/json': { schema: json }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } }, 'text/plain': { schema: { type: 'string' } } },
      },
      202: { description: 'A synchronous message whose execution did not finish in time: it goes on.', ...json },
      default: error,
    };
  }
  const created = route.method === 'POST' && (CREATES.has(route.action) || route.action.endsWith('.nonces.manage'));
  return { [created ? 201 : 200]: ok, default: error };
}

/** The actions whose POST answers 201 Created (besides making a nonce). */
const CREATES = new Set<Action>(['actors.create', 'aliases.create', 'configs.create']);

/** Who may call a route: the policy's rule for its action says whether a nonce may stand in. */
function security(route: RouteEntry): Schema[] {
  const schemes: Schema[] = [{ bearer: [] }, { tapisToken: [] }];
  if (POLICY[route.action].nonce) schemes.push({ nonce: [] });
  return schemes;
}

/** A name for the operation, unique across prefixes: `getActorsV2ActorIdExecutions`. */
function operationId(method: string, url: string): string {
  const words = url.split(/[/_.:-]+/).filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** The route schema @fastify/swagger documents a route of the table with, served at `url` in `api`. */
export function operationSchema(route: RouteEntry, url: string, api: Api, casing: Casing): Schema {
  const rule = POLICY[route.action];
  const query = querystring(route, api);
  const params = [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const schema: Schema = {
    operationId: operationId(route.method, url),
    summary: rule.what[0]!.toUpperCase() + rule.what.slice(1),
    description: [`Policy action \`${route.action}\`${rule.roles === 'admin' ? ' (admins only)' : ''}.`, query.note].filter(Boolean).join(' '),
    tags: [url.startsWith('/v3/') ? 'Tapis v3 (/v3/actors)' : url.startsWith('/actors/v2') ? 'Abaco v2 (/actors/v2)' : url.startsWith('/actors') ? 'Abaco v2 (/actors)' : 'Operators'],
    security: security(route),
    response: responses(route, api),
  };
  if (params.length > 0) schema.params = { type: 'object', required: params, properties: Object.fromEntries(params.map((p) => [p, { type: 'string' }])) };
  if (Object.keys(query.properties).length > 0) schema.querystring = { type: 'object', properties: query.properties };
  const given = body(route, casing);
  if (given) schema.body = given;
  return schema;
}
