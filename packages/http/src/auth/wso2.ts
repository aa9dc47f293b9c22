import type { KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { ServerOptions } from '../options.js';
import { EXPIRED, InvalidJwt, publicKey, verifyJwt } from './jwt.js';

export const WSO2_TENANT = 'http://wso2.org/claims/tenant';

/**
 * The keys of the Abaco v2 `X-Jwt-Assertion-<TENANT>` header (RS256). The header's name says which
 * tenant the caller claims; a signature alone doesn't prove it, so either the tenant has a key of
 * its own (`wso2Keys`: a token signed for tenant A doesn't verify as B), or the one shared key
 * (`wso2PublicKey`) is used and the token must name the same tenant in its signed claim
 * `wso2TenantClaim`.
 */
export class Wso2Keys {
  private readonly perTenant = new Map<string, KeyObject>();
  private readonly shared?: KeyObject;
  private readonly tenantClaim: string;

  constructor(options: Pick<ServerOptions, 'wso2PublicKey' | 'wso2Keys' | 'wso2TenantClaim'>) {
    for (const [tenant, pem] of Object.entries(options.wso2Keys ?? {})) this.perTenant.set(tenant.toUpperCase(), publicKey(pem, `wso2Keys.${tenant}`));
    if (options.wso2PublicKey) this.shared = publicKey(options.wso2PublicKey, 'wso2PublicKey');
    this.tenantClaim = options.wso2TenantClaim ?? WSO2_TENANT;
  }

  /**
   * The claims of a valid token for `tenant` (upper case, from the header's name). `exp` is
   * required; WSO2 writes it in milliseconds, which jose reads as a far future, so that form is
   * checked here.
   */
  async verify(token: string, tenant: string): Promise<JWTPayload> {
    const own = this.perTenant.get(tenant);
    const key = own ?? this.shared;
    if (!key) {
      if (this.perTenant.size === 0) throw new InvalidJwt('Invalid JWT: this server is not configured to verify X-Jwt-Assertion headers.');
      throw new InvalidJwt(`Invalid JWT: this server has no key for X-Jwt-Assertion headers of tenant ${tenant}.`);
    }
    const claims = await verifyJwt(token, key, { algorithms: ['RS256'] });
    if (typeof claims.exp === 'number' && claims.exp > 1e12 && claims.exp <= Date.now()) throw new InvalidJwt(EXPIRED);
    const named = claims[this.tenantClaim];
    if (named === undefined && own) return claims;
    if (named === undefined) throw new InvalidJwt(`Invalid JWT: the claim ${this.tenantClaim} (the tenant) is required: this server's X-Jwt-Assertion key serves several tenants.`);
    if (typeof named !== 'string' || named.toUpperCase() !== tenant) {
      throw new InvalidJwt(`Invalid JWT: the claim ${this.tenantClaim} names tenant ${JSON.stringify(named).slice(0, 80)}, not ${tenant} of the X-Jwt-Assertion-${tenant} header.`);
    }
    return claims;
  }
}
