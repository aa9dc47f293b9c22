import { AbacoError, BadRequestError, ForbiddenError, NotFoundError, UnauthenticatedError } from '@abaco/core';
import type { FastifyReply } from 'fastify';

/** The envelope of every JSON answer: upstream's `{message, result, status, version}`. */
export interface Envelope {
  message: string;
  result: unknown;
  status: 'success' | 'error';
  version: string;
}

export function success(reply: FastifyReply, version: string, message: string, result: unknown, code = 200): FastifyReply {
  return reply.code(code).send({ message, result, status: 'success', version } satisfies Envelope);
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
