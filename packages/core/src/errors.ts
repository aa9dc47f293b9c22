/**
 * The one error hierarchy of the engine. Every refusal the engine makes is one of these; the HTTP
 * layer maps each class to a status code in one place. Messages follow the upstream Abaco texts
 * where a client may look for them.
 */
export class AbacoError extends Error {
  override name = 'AbacoError';
}

/** The input breaks a rule (400). The message names the field and the rule. */
export class BadRequestError extends AbacoError {
  override name = 'BadRequestError';
}

/** The thing asked for does not exist, or is not visible to the caller (404). */
export class NotFoundError extends AbacoError {
  override name = 'NotFoundError';
}

/** The caller could not be identified (401). */
export class UnauthenticatedError extends AbacoError {
  override name = 'UnauthenticatedError';
}

/** The caller is known but lacks the permission or role for this operation (403). */
export class ForbiddenError extends AbacoError {
  override name = 'ForbiddenError';
}
