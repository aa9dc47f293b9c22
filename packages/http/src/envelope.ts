import { AbacoError, BadRequestError, ForbiddenError, NotFoundError, UnauthenticatedError } from '@abaco/core';
import type { FastifyReply } from 'fastify';

/** Which API a request speaks: Abaco v2's (under `/actors` and `/actors/v2`) or Tapis v3's (under `/v3/actors`). */
export type Api = 'v2' | 'v3';

/** The API of a request's URL (before routing: errors and unknown routes are answered in it too). */
export const apiOf = (url: string): Api => (/^\/+v3(?:[/?#]|$)/.test(url) ? 'v3' : 'v2');

/** The envelope of every JSON answer: upstream's `{message, result, status, version}`, plus `metadata` in v3. */
export interface Envelope {
  message: string;
  result: unknown;
  status: 'success' | 'error';
  version: string;
  metadata?: Record<string, unknown>;
}

/** An envelope as the API shows it: v3 always has `metadata` (`{}` unless a route fills it), v2 never. */
export function envelope(api: Api, status: Envelope['status'], message: string, result: unknown, version: string, metadata: Record<string, unknown> = {}): Envelope {
  return api === 'v3' ? { message, metadata, result, status, version } : { message, result, status, version };
}

export const NO_ROUTE = 'Invalid request: the API endpoint does not exist or the provided HTTP method is not allowed.';

/** Raised for refusals made by the HTTP layer itself, with their status code. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The one place where errors become status codes. Engine errors carry their upstream texts;
 * Fastify's own (bad JSON, body too large) are turned into the same envelope. Anything else is a
 * bug of ours: logged, and answered 500 without details.
 */
export function errorStatus(error: unknown, maxMessageBytes: number): { code: number; message: string; unexpected: boolean } {
  if (error instanceof HttpError) return { code: error.statusCode, message: error.message, unexpected: false };
  if (error instanceof AbacoError) {
    const code =
      error instanceof BadRequestError ? 400
      : error instanceof NotFoundError ? 404
      : error instanceof UnauthenticatedError ? 401
      : error instanceof ForbiddenError ? 403
      : 400;
    return { code, message: error.message, unexpected: false };
  }
  const fastify = error as { code?: string; statusCode?: number; message?: string };
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { code: 413, message: `Message exceeds max content length of: ${maxMessageBytes}`, unexpected: false };
  if (fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastify.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
    return { code: 400, message: `Invalid JSON body: ${fastify.message ?? 'could not be parsed'}`, unexpected: false };
  }
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return { code: fastify.statusCode, message: fastify.message ?? 'Bad request.', unexpected: false };
  }
  return { code: 500, message: 'Unexpected error in the Abaco server; it has been logged.', unexpected: true };
}
