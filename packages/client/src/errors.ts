/** The request an error came from: its method and URL (a nonce in the URL is masked). */
export interface FailedRequest {
  method: string;
  url: string;
}

/**
 * An error of the Abaco API: the server's refusal (its status and the message of its envelope), or
 * no answer at all (`status` undefined: the server could not be reached). Subclasses name the
 * common statuses, so callers can `catch (e) { if (e instanceof NotFoundError) ... }`.
 */
export class AbacoError extends Error {
  override name = 'AbacoError';

  constructor(
    message: string,
    /** The HTTP status of the answer; undefined when no answer came. */
    readonly status: number | undefined,
    readonly request: FailedRequest,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** 400: the input was refused; the message names the field and the rule. */
export class BadRequestError extends AbacoError {
  override name = 'BadRequestError';
}
/** 401: no identity, or one the server does not accept. */
export class UnauthenticatedError extends AbacoError {
  override name = 'UnauthenticatedError';
}
/** 403: the identity may not do this (see the server's policy). */
export class ForbiddenError extends AbacoError {
  override name = 'ForbiddenError';
}
/** 404: no such actor, alias, execution, worker, nonce or config (in the caller's tenant). */
export class NotFoundError extends AbacoError {
  override name = 'NotFoundError';
}

const BY_STATUS: Record<number, typeof AbacoError> = { 400: BadRequestError, 401: UnauthenticatedError, 403: ForbiddenError, 404: NotFoundError };

/** The error for an answer of this status. */
export function errorFor(status: number, message: string, request: FailedRequest): AbacoError {
  return new (BY_STATUS[status] ?? AbacoError)(message, status, request);
}
