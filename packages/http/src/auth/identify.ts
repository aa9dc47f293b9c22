import { createPublicKey, type KeyObject } from 'node:crypto';
import { ForbiddenError, identity, ROLES, UnauthenticatedError, type Abaco, type Identity, type Level, type Role } from '@abaco/core';
import type { FastifyRequest } from 'fastify';
import type { ResolvedOptions } from '../options.js';
import { decodeJwt, InvalidJwt, JwksKeys, verifyJwt } from './jwt.js';

/** Upstream role names and ours. */
const ROLE_NAMES: Record<string, Role> = {
  'Internal/abaco-admin': 'admin',
  'Internal/abaco-privileged': 'privileged',
  'Internal/abaco-user': 'user',
  'Internal/abaco-limited': 'limited',
  abaco_admin: 'admin',
  abaco_privileged: 'privileged',
};

const WSO2_USER = 'http://wso2.org/claims/enduser';
const WSO2_ROLES = 'http://wso2.org/claims/role';
const ASSERTION = 'x-jwt-assertion-';

/** Our roles in a list of role names (upstream's or ours); `user` when none is ours. */
export function mapRoles(names: string[]): Role[] {
  const roles = new Set<Role>();
  for (const name of names.map((n) => n.trim())) {
    const role = ROLE_NAMES[name] ?? (ROLES.includes(name as Role) ? (name as Role) : undefined);
    if (role) roles.add(role);
  }
  return roles.size > 0 ? [...roles] : ['user'];
}

/**
 * Who is calling, from (in this order) `?x-nonce=`, `Authorization: Bearer` (a token of the users
 * file, the admin token, or a JWT), or the Abaco v2 `X-Jwt-Assertion-<TENANT>` header.
 */
export class Authenticator {
  private readonly wso2Key?: KeyObject;
  private readonly jwtKey?: KeyObject;
  private readonly jwks?: JwksKeys;

  constructor(
    private readonly abaco: Abaco,
    private readonly options: ResolvedOptions,
  ) {
    if (options.wso2PublicKey) this.wso2Key = createPublicKey(options.wso2PublicKey);
    if (options.jwt?.rs256PublicKey) this.jwtKey = createPublicKey(options.jwt.rs256PublicKey);
    if (options.jwt?.jwksUrl) this.jwks = new JwksKeys(options.jwt.jwksUrl);
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
    const assertion = Object.keys(request.headers).find((h) => h.startsWith(ASSERTION));
    if (assertion) return this.wso2(request.headers[assertion] as string, assertion.slice(ASSERTION.length).toUpperCase());
    throw new UnauthenticatedError('No JWT or nonce provided. Authenticate with "Authorization: Bearer <token>", an X-Jwt-Assertion-<TENANT> header, or ?x-nonce=<nonce id>.');
  }

  private async bearer(token: string): Promise<Identity> {
    const known = this.options.tokens[token];
    if (known) return identity(known.user, known.tenant, known.roles);
    if (this.options.adminToken && token === this.options.adminToken) return identity('admin', this.options.defaultTenant, ['admin']);
    const jwt = this.options.jwt;
    if (jwt && token.split('.').length === 3) {
      const { header } = decodeJwt(token);
      const publicKey = header.alg === 'RS256' ? (this.jwtKey ?? (await this.jwks?.key(header.kid))) : undefined;
      const { claims } = this.verify(token, { secret: jwt.hs256Secret, publicKey });
      const user = claims[jwt.userClaim ?? 'sub'];
      if (typeof user !== 'string' || user === '') throw new UnauthenticatedError(`Invalid JWT: the claim ${jwt.userClaim ?? 'sub'} (the user) is missing.`);
      const tenant = claims[jwt.tenantClaim ?? 'tenant'];
      const roles = claims[jwt.rolesClaim ?? 'roles'];
      const names = Array.isArray(roles) ? roles.map(String) : typeof roles === 'string' ? roles.split(',') : [];
      return identity(user, typeof tenant === 'string' && tenant ? tenant : this.options.defaultTenant, mapRoles(names));
    }
    throw new UnauthenticatedError('Invalid token.');
  }

  private wso2(token: string, tenant: string): Identity {
    if (!this.wso2Key) throw new UnauthenticatedError('Invalid JWT: this server is not configured to verify X-Jwt-Assertion headers.');
    const { claims } = this.verify(token, { publicKey: this.wso2Key });
    const enduser = claims[WSO2_USER];
    if (typeof enduser !== 'string' || enduser === '') throw new UnauthenticatedError(`Invalid JWT: the claim ${WSO2_USER} is missing.`);
    const roles = typeof claims[WSO2_ROLES] === 'string' ? (claims[WSO2_ROLES] as string).split(',') : [];
    return identity(enduser.split('@')[0]!, tenant, mapRoles(roles));
  }

  private verify(token: string, keys: Parameters<typeof verifyJwt>[1]) {
    try {
      return verifyJwt(token, keys);
    } catch (e) {
      if (e instanceof InvalidJwt) throw new UnauthenticatedError(e.message);
      throw e;
    }
  }
}
