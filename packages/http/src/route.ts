import type { Abaco, Identity, Level } from '@abaco/core';
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
  /** Which route parameter names the actor or alias a nonce must be for (none: nonces refused). */
  target?: 'actorId' | 'alias' | null;
  /** The level a nonce needs; by default READ for GET, UPDATE for anything else (upstream's rule). */
  level?: Level;
}

export type Handler = (call: Call) => Promise<FastifyReply | void>;

export interface Router {
  route(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, spec: RouteSpec, handler: Handler): void;
}

/**
 * Registers routes with authentication. Under the `/actors` prefix a route parameter `v2` is a
 * route of `/actors/v2` with the wrong method (`PUT /actors/v2`), never an actor called v2.
 */
export function router(app: FastifyInstance, abaco: Abaco, auth: Authenticator, options: ResolvedOptions, prefix: string): Router {
  return {
    route(method, path, spec, handler) {
      app.route({
        method,
        url: path,
        handler: async (request, reply) => {
          const params = request.params as Record<string, string>;
          if (prefix === '/actors' && Object.values(params)[0] === 'v2') throw new HttpError(405, NO_ROUTE);
          const target = spec.target ? (params[spec.target] ?? null) : null;
          const who = await auth.identify(request, target, spec.level ?? (method === 'GET' ? 'READ' : 'UPDATE'));
          const base = options.publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;
          const call: Call = {
            request,
            reply,
            who,
            present: new Presenter(options.casing, base),
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

/** Whether a listing request carries search parameters (anything but the nonce): then it searches. */
export const searching = (c: Call): boolean => Object.keys(c.query).some((key) => key !== 'x-nonce');
