/**
 * JWT verification is jose's (`jwtVerify`); what is left here is what jose doesn't do: turning its
 * errors into 401s whose message says why, with upstream's "Invalid JWT." for a bad signature.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { BadRequestError, identity, UnauthenticatedError, type Identity, type Role } from '@abaco/core';
import { errors, jwtVerify, type FlattenedJWSInput, type JWSHeaderParameters, type JWTPayload } from 'jose';

/** A JWT was refused (401). The message is upstream's "Invalid JWT." or "Invalid JWT: <reason>". */
export class InvalidJwt extends UnauthenticatedError {
  override name = 'InvalidJwt';
}

/** The refusal of a token whose `exp` has passed. */
export const EXPIRED = 'Invalid JWT: the token has expired.';

/** A jose key resolver: the key for a token, from its header. */
export type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => KeyObject | Promise<KeyObject>;

export interface VerifyOptions {
  /** The algorithms accepted, by the kinds of keys configured. */
  algorithms: string[];
  issuer?: string | string[];
  audience?: string | string[];
  /** Claims that must be present, besides `exp`. */
  requiredClaims?: string[];
}

/**
 * Verifies a JWT with jose: signature, `exp` (required), `nbf`, and `iss`/`aud` when given. Any
 * failure, including the key resolver's, is an InvalidJwt.
 */
export async function verifyJwt(token: string, key: KeyObject | KeyResolver, options: VerifyOptions): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, key as KeyResolver, { ...options, requiredClaims: ['exp', ...(options.requiredClaims ?? [])] });
    return payload;
  } catch (e) {
    throw e instanceof InvalidJwt ? e : new InvalidJwt(reason(e, options.algorithms));
  }
}

function reason(e: unknown, algorithms: string[]): string {
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'Invalid JWT.';
  if (e instanceof errors.JWTExpired) return EXPIRED;
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.reason === 'missing') return `Invalid JWT: the claim ${e.claim} is required.`;
    if (e.claim === 'nbf') return 'Invalid JWT: the token is not valid yet.';
    if (e.claim === 'iss') return 'Invalid JWT: the claim iss does not name an issuer this server trusts.';
    if (e.claim === 'aud') return 'Invalid JWT: the claim aud does not name this server.';
    return `Invalid JWT: the claim ${e.claim} is invalid.`;
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return `Invalid JWT: the algorithm is not accepted here (accepted: ${algorithms.join(', ')}).`;
  if (e instanceof errors.JOSEError) return `Invalid JWT: ${e.message.replace(/\.$/, '')}.`;
  return `Invalid JWT: it could not be verified (${(e as Error).message}).`;
}

/** Reads a PEM public key; a bad one is an error at start naming the option. */
export function publicKey(pem: string, option: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (e) {
    throw new Error(`${option}: not a PEM public key (${(e as Error).message}).`);
  }
}

/** An identity from a JWT's claims: a claim that makes no valid identity refuses the token (401). */
export function identityOf(user: string, tenant: string, roles: Role[]): Identity {
  try {
    return identity(user, tenant, roles);
  } catch (e) {
    throw e instanceof BadRequestError ? new InvalidJwt(`Invalid JWT: ${e.message}`) : e;
  }
}
