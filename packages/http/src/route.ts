import { ForbiddenError, POLICY, type Abaco, type Action, type Identity } from '@abaco/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from './auth/identify.js';
import { HttpError, NO_ROUTE, success } from './envelope.js';
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
  /** Answers with the success envelope. */
  ok: (message: string, result: unknown, code?: number) => FastifyReply;
}

export interface RouteSpec {
  /** The policy's action this route does (see `POLICY` in core): it says whether a nonce may be used, and at what level. */
  action: Action;
  /** Which route parameter names the actor or alias a nonce must be for. */
  target?: 'actorId' | 'alias';
}

export type Handler = (call: Call) => Promise<FastifyReply | void>;

/** One route of the API as served: the full path and the policy action it does. */
export interface RouteEntry {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  action: Action;
  target: 'actorId' | 'alias' | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the Abaco API this server serves, with its action (for documents and tests). */
    abacoRoutes: RouteEntry[];
  }
}

export interface Router {
  route(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, spec: RouteSpec, handler: Handler): void;
}

/** Who made each request, found before its body is read. */
const callers = new WeakMap<FastifyRequest, Identity>();

/**
 * Registers routes with authentication. The caller is identified in an `onRequest` hook, before
 * any body is read, so an anonymous client never has a body parsed or spooled; a nonce is refused
 * there on routes whose action takes none, before any of its uses is counted. Under the `/actors`
 * prefix a route parameter `v2` is a route of `/actors/v2` with the wrong method (`PUT /actors/v2`),
 * never an actor called v2.
 */
export function router(app: FastifyInstance, abaco: Abaco, auth: Authenticator, options: ResolvedOptions, prefix: string, table: RouteEntry[]): Router {
  return {
    route(method, path, spec, handler) {
      const rule = POLICY[spec.action];
      table.push({ method, url: `${prefix}${path}`, action: spec.action, target: spec.target ?? null });
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
          const params = request.params as Record<string, string>;
          const call: Call = {
            request,
            reply,
            who: callers.get(request)!,
            present: new Presenter(options.casing, publicBase(request, options, abaco)),
            params,
            query: request.query as Record<string, unknown>,
            body: request.body,
            abaco,
            options,
            ok: (message, result, code) => success(reply, options.version, message, result, code),
          };
          return handler(call);
        },
      });
    },
  };
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
