import { ForbiddenError, UnauthenticatedError, type Abaco, type Identity, type Level } from '@abaco/core';
import type { FastifyRequest } from 'fastify';
import type { ResolvedOptions } from '../options.js';
import { BearerJwts } from './bearer.js';
import { identityOf, InvalidJwt } from './jwt.js';
import { mapRoles } from './roles.js';
import { TapisTokens } from './tapis.js';
import { TokenTable } from './tokens.js';
import { Wso2Keys } from './wso2.js';

const WSO2_USER = 'http://wso2.org/claims/enduser';
const WSO2_ROLES = 'http://wso2.org/claims/role';
const ASSERTION = 'x-jwt-assertion-';
const TAPIS_TOKEN = 'x-tapis-token';

/** A header's value when it was sent once. */
const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Who is calling, from (in this order) `?x-nonce=`, `Authorization: Bearer` (a token of the users
 * file, the admin token, or a JWT), the Tapis v3 `X-Tapis-Token` header, or the Abaco v2
 * `X-Jwt-Assertion-<TENANT>` header. Every refusal is an UnauthenticatedError (401). The options
 * are checked when it is built: a bad users file entry, key or roles file entry is an error then.
 */
export class Authenticator {
  private readonly tokens: TokenTable;
  private readonly jwts?: BearerJwts;
  private readonly wso2: Wso2Keys;
  private readonly tapis?: TapisTokens;

  constructor(
    private readonly abaco: Abaco,
    private readonly options: ResolvedOptions,
  ) {
    this.tokens = new TokenTable(options.tokens, options.adminToken, options.defaultTenant);
    if (options.jwt) this.jwts = BearerJwts.from(options.jwt, abaco.log);
    this.wso2 = new Wso2Keys(options);
    this.tapis = TapisTokens.from(options.tapis, options.tokens, abaco.log);
  }

  /**
   * Identifies the caller of a request on `target` (the actor id or alias of the route, if any)
   * that needs `level`. A nonce is redeemed here, so it counts one use per request.
   */
  async identify(request: FastifyRequest, target: string | null, level: Level): Promise<Identity> {
    const nonce = (request.query as Record<string, unknown>)['x-nonce'];
    if (typeof nonce === 'string' && nonce !== '') {
      if (target === null) throw new ForbiddenError('Nonces cannot be used on this endpoint: a nonce works only for the actor or alias it was made for.');
      return this.abaco.nonces.redeem(nonce, target, level);
    }
    const authorization = request.headers.authorization;
    if (typeof authorization === 'string' && /^bearer\s+/i.test(authorization)) return this.bearer(authorization.replace(/^bearer\s+/i, '').trim());
    const tapisToken = header(request, TAPIS_TOKEN);
    if (tapisToken !== undefined) {
      if (!this.tapis) throw new InvalidJwt('Invalid JWT: this server is not configured to verify X-Tapis-Token headers.');
      return this.tapis.identify(tapisToken.trim(), { user: header(request, 'x-tapis-user'), tenant: header(request, 'x-tapis-tenant') });
    }
    const assertions = Object.keys(request.headers).filter((h) => h.startsWith(ASSERTION));
    if (assertions.length > 1) throw new InvalidJwt('Invalid JWT: send one X-Jwt-Assertion-<TENANT> header, not several.');
    const [assertion] = assertions;
    const token = assertion === undefined ? undefined : request.headers[assertion];
    if (assertion !== undefined && typeof token === 'string') return this.assertion(token, assertion.slice(ASSERTION.length).toUpperCase());
    throw new UnauthenticatedError('No JWT or nonce provided. Authenticate with "Authorization: Bearer <token>", an X-Tapis-Token header, an X-Jwt-Assertion-<TENANT> header, or ?x-nonce=<nonce id>.');
  }

  private async bearer(token: string): Promise<Identity> {
    const known = this.tokens.find(token);
    if (known) return known;
    const jwt = this.options.jwt;
    if (jwt && this.jwts && token.split('.').length === 3) {
      const claims = await this.jwts.verify(token);
      const userClaim = jwt.userClaim ?? 'sub';
      const user = claims[userClaim];
      if (typeof user !== 'string' || user === '') throw new InvalidJwt(`Invalid JWT: the claim ${userClaim} (the user) is missing.`);
      const tenant = claims[jwt.tenantClaim ?? 'tenant'];
      const roles = claims[jwt.rolesClaim ?? 'roles'];
      const names = Array.isArray(roles) ? roles.map(String) : typeof roles === 'string' ? roles.split(',') : [];
      return identityOf(user, typeof tenant === 'string' && tenant ? tenant : this.options.defaultTenant, mapRoles(names));
    }
    throw new UnauthenticatedError('Invalid token.');
  }

  private async assertion(token: string, tenant: string): Promise<Identity> {
    const claims = await this.wso2.verify(token, tenant);
    const enduser = claims[WSO2_USER];
    if (typeof enduser !== 'string' || enduser === '') throw new InvalidJwt(`Invalid JWT: the claim ${WSO2_USER} is missing.`);
    const roles = claims[WSO2_ROLES];
    return identityOf(enduser.split('@')[0]!, tenant, mapRoles(typeof roles === 'string' ? roles.split(',') : []));
  }
}
