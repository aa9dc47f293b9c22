import { ForbiddenError, POLICY, type Abaco, type Action, type Identity } from '@abaco/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from './auth/identify.js';
import { envelope, HttpError, NO_ROUTE, type Api } from './envelope.js';
import type { ResolvedOptions } from './options.js';
import { Presenter } from './present.js';

/** What a handler gets: the caller, the presenter, the request's parts, and ways to answer. */
export interface Call {
  request: FastifyRequest;
  reply: FastifyReply;
  who: Identity;
  present: Presenter;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  abaco: Abaco;
  options: ResolvedOptions;
  /** The API the request speaks (by its prefix): the handlers are the same, the envelope differs. */
  api: Api;
  /** Answers with the success envelope; `metadata` is shown in v3's. */
  ok: (message: string, result: unknown, code?: number, metadata?: Record<string, unknown>) => FastifyReply;
}

export interface RouteSpec {
  /** The policy's action this route does (see `POLICY` in core): it says whether a nonce may be used, and at what level. */
  action: Action;
  /** Which route parameter names the actor or alias a nonce must be for. */
  target?: 'actorId' | 'alias';
}

export type Handler = (call: Call) => Promise<FastifyReply | void>;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One route of the API as served: its paths and the policy action it does. */
export interface RouteEntry {
  method: Method;
  /** Its path under `/actors/v2` (a route of the Abaco API) or at the root (a route for operators). */
  url: string;
  /** Every path it is served at: under each of {@link API_PREFIXES}, or its root path. */
  urls: string[];
  action: Action;
  target: 'actorId' | 'alias' | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the Abaco API this server serves, once, with its action and paths (for documents and tests). */
    abacoRoutes: RouteEntry[];
  }
}

export interface Router {
  route(method: Method, path: string, spec: RouteSpec, handler: Handler): void;
}

/** The prefixes the API is served under, each with the API it speaks: one route table, three prefixes. */
export const API_PREFIXES: readonly { prefix: string; api: Api }[] = [
  { prefix: '/actors', api: 'v2' },
  { prefix: '/actors/v2', api: 'v2' },
  { prefix: '/v3/actors', api: 'v3' },
];

/** The prefix whose paths name the routes in {@link RouteEntry.url}. */
const NAMING_PREFIX = '/actors/v2';

/** A route as its module declares it, before it is served under a prefix. */
export interface RouteDefinition {
  method: Method;
  path: string;
  spec: RouteSpec;
  handler: Handler;
}

/** The routes the modules declare (each module registers its routes on the router it is given). */
export function routeTable(...modules: ((r: Router) => void)[]): RouteDefinition[] {
  const table: RouteDefinition[] = [];
  const r: Router = { route: (method, path, spec, handler) => void table.push({ method, path, spec, handler }) };
  for (const declare of modules) declare(r);
  return table;
}

/** The entries of `abacoRoutes` for routes served under `prefixes` (`['']`: at the root). */
export function routeEntries(table: RouteDefinition[], prefixes: readonly string[]): RouteEntry[] {
  const named = prefixes.includes(NAMING_PREFIX) ? NAMING_PREFIX : prefixes[0]!;
  return table.map(({ method, path, spec }) => ({ method, url: `${named}${path}`, urls: prefixes.map((p) => `${p}${path}`), action: spec.action, target: spec.target ?? null }));
}

/** Who made each request, found before its body is read. */
const callers = new WeakMap<FastifyRequest, Identity>();

/** What serving a route needs besides the route. */
export interface Context {
  abaco: Abaco;
  auth: Authenticator;
  options: ResolvedOptions;
}

/**
 * Serves routes (in a scope registered under `prefix`) with authentication. The caller is
 * identified in an `onRequest` hook, before any body is read, so an anonymous client never has a
 * body parsed or spooled; a nonce is refused there on routes whose action takes none, before any
 * of its uses is counted. Under the `/actors` prefix a route parameter `v2` is a route of
 * `/actors/v2` with the wrong method (`PUT /actors/v2`), never an actor called v2.
 */
export function mount(app: FastifyInstance, table: RouteDefinition[], prefix: string, api: Api, { abaco, auth, options }: Context): void {
  for (const { method, path, spec, handler } of table) {
    const rule = POLICY[spec.action];
    app.route({
      method,
      url: path,
      onRequest: async (request, reply) => {
        const params = request.params as Record<string, string>;
        try {
          if (prefix === '/actors' && Object.values(params)[0] === 'v2') throw new HttpError(405, NO_ROUTE);
          const nonce = (request.query as Record<string, unknown>)['x-nonce'];
          if (nonce !== undefined && nonce !== '' && !rule.nonce) throw new ForbiddenError(`Not authorized -- a nonce cannot be used to ${rule.what}.`);
          const target = spec.target ? (params[spec.target] ?? null) : null;
          callers.set(request, await auth.identify(request, target, rule.level ?? 'UPDATE'));
        } catch (e) {
          // Refused before its body is read: close the connection rather than read the body to keep it.
          if (request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined) reply.header('connection', 'close');
          throw e;
        }
      },
      handler: async (request, reply) => {
        const call: Call = {
          request,
          reply,
          who: callers.get(request)!,
          present: new Presenter(options.casing, publicBase(request, options, abaco), api === 'v3' ? '/v3/actors' : '/actors/v2'),
          params: request.params as Record<string, string>,
          query: request.query as Record<string, unknown>,
          body: request.body,
          abaco,
          options,
          api,
          ok: (message, result, code = 200, metadata) => reply.code(code).send(envelope(api, 'success', message, result, options.version, metadata)),
        };
        return handler(call);
      },
    });
  }
}

/**
 * The base URL of `_links`: the configured public URL, else the address the request came in on
 * (never the client's Host header, which anyone can set), else the engine's `apiServer`.
 */
function publicBase(request: FastifyRequest, options: ResolvedOptions, abaco: Abaco): string {
  if (options.publicUrl) return options.publicUrl.replace(/\/+$/, '');
  const { localPort } = request.socket;
  const localAddress = request.socket.localAddress?.replace(/^::ffff:(?=\d+\.)/, '');
  if (!localAddress || !localPort) return abaco.settings.apiServer.replace(/\/+$/, '');
  const host = localAddress.includes(':') ? `[${localAddress}]` : localAddress;
  return `${request.protocol}://${host}:${localPort}`;
}

/** Whether a listing request carries search parameters (anything but the nonce): then it searches. */
export const searching = (c: Call): boolean => Object.keys(c.query).some((key) => key !== 'x-nonce');
