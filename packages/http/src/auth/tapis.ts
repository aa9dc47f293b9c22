import type { KeyObject } from 'node:crypto';
import type { Identity } from '@abaco/core';
import { decodeJwt, type JWTPayload } from 'jose';
import type { Logger } from 'pino';
import type { TapisOptions, TokenUser } from '../options.js';
import { JwksKeys } from './jwks.js';
import { identityOf, InvalidJwt, publicKey, verifyJwt } from './jwt.js';
import { RoleTable } from './roles.js';

/** The key of the maps of {@link TapisOptions} that serves tenants without an entry of their own. */
export const ANY_TENANT = '*';

const USERNAME = 'tapis/username';
const TENANT = 'tapis/tenant_id';
const ACCOUNT_TYPE = 'tapis/account_type';
const TOKEN_TYPE = 'tapis/token_type';
const ACCOUNT_TYPES = ['user', 'service'];

/** A signer of Tapis tokens: a PEM key, or the keys of a JWKS URL. */
type Signer = KeyObject | JwksKeys;

/** Who a request says it acts for, besides its token (`X-Tapis-User`, `X-Tapis-Tenant`). */
export interface OnBehalfOf {
  user?: string;
  tenant?: string;
}

const shown = (value: unknown) => JSON.stringify(value)?.slice(0, 80) ?? 'nothing';

/**
 * The Tapis v3 `X-Tapis-Token` header: an RS256 access token of a tenant. The token's claim
 * `tapis/tenant_id` chooses the signer (the tenant's own, else the one for any tenant) and the
 * `iss` it must carry; verifying the signature with that signer then proves the claim, so a token
 * signed by tenant A's key never passes as tenant B's. Roles come from a {@link RoleTable}: Tapis
 * tokens carry none. Everything is checked when it is built: a bad key, URL or roles entry is an
 * error then.
 */
export class TapisTokens {
  private readonly signers = new Map<string, Signer>();
  private readonly issuers = new Map<string, string | string[]>();
  private readonly roles: RoleTable;

  private constructor(options: TapisOptions, tokens: Record<string, TokenUser>, log: Logger) {
    const tenant = (name: string) => (name === ANY_TENANT ? ANY_TENANT : name.toLowerCase());
    for (const [name, pem] of Object.entries(options.keys ?? {})) this.signers.set(tenant(name), publicKey(pem, `tapis.keys.${name}`));
    for (const [name, url] of Object.entries(options.jwksUrls ?? {})) {
      if (this.signers.has(tenant(name))) throw new Error(`tapis.jwksUrls.${name}: tenant ${name} already has a key; give it a PEM key or a JWKS URL, not both.`);
      this.signers.set(tenant(name), new JwksKeys(url, log, `tapis.jwksUrls.${name}`));
    }
    for (const [name, issuer] of Object.entries(options.issuers ?? {})) this.issuers.set(tenant(name), issuer);
    this.roles = new RoleTable(options.roles ?? {}, tokens);
  }

  /** The verifier of these options, or undefined when they configure no signer. */
  static from(options: TapisOptions | undefined, tokens: Record<string, TokenUser>, log: Logger): TapisTokens | undefined {
    if (!options) return undefined;
    const verifier = new TapisTokens(options, tokens, log);
    return verifier.signers.size > 0 ? verifier : undefined;
  }

  /**
   * The identity of a valid access token. The `X-Tapis-User`/`X-Tapis-Tenant` headers, with which
   * Tapis services act for a user, are refused unless they name the token's own user and tenant:
   * without the Security Kernel there is no way to check that a service may act for someone.
   */
  async identify(token: string, onBehalfOf: OnBehalfOf): Promise<Identity> {
    const claims = await this.verify(token);
    const user = claims[USERNAME];
    const tenant = claims[TENANT] as string;
    if (typeof user !== 'string' || user === '') throw new InvalidJwt(`Invalid JWT: the claim ${USERNAME} (the user) is required.`);
    if (claims[TOKEN_TYPE] !== 'access') throw new InvalidJwt(`Invalid JWT: the claim ${TOKEN_TYPE} must be "access"; got ${shown(claims[TOKEN_TYPE])}.`);
    if (!ACCOUNT_TYPES.includes(claims[ACCOUNT_TYPE] as string)) throw new InvalidJwt(`Invalid JWT: the claim ${ACCOUNT_TYPE} must be "user" or "service"; got ${shown(claims[ACCOUNT_TYPE])}.`);
    if (claims.sub !== `${user}@${tenant}`) throw new InvalidJwt(`Invalid JWT: the claim sub must be ${USERNAME}@${TENANT} (${shown(`${user}@${tenant}`)}); got ${shown(claims.sub)}.`);
    if ((onBehalfOf.user !== undefined && onBehalfOf.user !== user) || (onBehalfOf.tenant !== undefined && onBehalfOf.tenant !== tenant)) {
      throw new InvalidJwt('Invalid JWT: acting for another user (X-Tapis-User, X-Tapis-Tenant) is not supported here: this server has no Tapis Security Kernel to allow it.');
    }
    return identityOf(user, tenant, this.roles.of(user, tenant));
  }

  /** The claims of a token verified with the signer of the tenant it names, `exp` and `iss` checked. */
  private async verify(token: string): Promise<JWTPayload> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new InvalidJwt('Invalid JWT: the X-Tapis-Token header is not a JWT.');
    }
    const named = unverified[TENANT];
    if (typeof named !== 'string' || named === '') throw new InvalidJwt(`Invalid JWT: the claim ${TENANT} (the tenant) is required.`);
    const tenant = named.toLowerCase();
    const signer = this.signers.get(tenant) ?? this.signers.get(ANY_TENANT);
    if (!signer) throw new InvalidJwt(`Invalid JWT: this server has no key for X-Tapis-Token headers of tenant ${shown(named)}.`);
    const issuer = this.issuers.get(tenant) ?? this.issuers.get(ANY_TENANT);
    return verifyJwt(token, signer instanceof JwksKeys ? signer.key : signer, { algorithms: ['RS256'], issuer, requiredClaims: ['iss', 'sub', TENANT] });
  }
}
