import type { Casing, Role } from '@abaco/core';

/** A bearer token of the users file and who it stands for. */
export interface TokenUser {
  user: string;
  tenant: string;
  roles: Role[];
}

export interface JwtOptions {
  /** Secret for HS256 tokens. */
  hs256Secret?: string;
  /** PEM public key for RS256 tokens. */
  rs256PublicKey?: string;
  /**
   * A JWKS URL whose keys verify RS256 tokens: fetched on first use, kept 10 minutes, fetched again
   * for an unknown `kid` at most once every 30 s (a failed fetch also waits 30 s).
   */
  jwksUrl?: string;
  /** When set, the `iss` claim is required and must be this value (or one of these). */
  issuer?: string | string[];
  /** When set, the `aud` claim is required and must contain this value (or one of these). */
  audience?: string | string[];
  /** Claims naming the user, the tenant and the roles (roles: a list or a comma-separated string). */
  userClaim?: string;
  tenantClaim?: string;
  rolesClaim?: string;
}

/**
 * Identity from the Tapis v3 `X-Tapis-Token` header: an RS256 access token whose signed claim
 * `tapis/tenant_id` chooses the key that must verify it. Every map is keyed by tenant id (case
 * aside); its entry `*` serves the tenants without one of their own.
 */
export interface TapisOptions {
  /** PEM public keys of the token signers. */
  keys?: Record<string, string>;
  /** JWKS URLs of the token signers (fetched as for bearer JWTs: kept 10 minutes, refetched at most every 30 s). */
  jwksUrls?: Record<string, string>;
  /** The `iss` a tenant's tokens must carry (Tapis: `https://<tenant host>/v3/tokens`); unchecked for a tenant without one. */
  issuers?: Record<string, string | string[]>;
  /**
   * Roles by `user@tenant` (the token's `sub`): `abaco_admin`, `abaco_privileged`, or our role names.
   * Users not listed take the roles the users file (`tokens`) gives the same user and tenant, else `user`.
   */
  roles?: Record<string, string[]>;
}

export interface ServerOptions {
  /** Response casing: upstream's `[web] case`. Default snake. */
  casing?: Casing;
  /** The public base URL used in `_links`; by default the URL the request came to. */
  publicUrl?: string;
  /** Largest binary message, bytes (default 500 MB). */
  maxMessageBytes?: number;
  /** Largest JSON or form body, bytes (default 10 MB). */
  maxBodyBytes?: number;
  /** Bearer tokens and who they stand for (`{ "tokens": { ... } }` of a users file). */
  tokens?: Record<string, TokenUser>;
  /** A token that stands for an admin of `defaultTenant`. */
  adminToken?: string;
  /** The tenant of identities that name none (admin token, JWTs without a tenant claim). */
  defaultTenant?: string;
  jwt?: JwtOptions;
  /**
   * PEM public key verifying the Abaco v2 `X-Jwt-Assertion-<TENANT>` header (RS256, WSO2 claims) of
   * every tenant without a key of its own in `wso2Keys`. Such a JWT must name its tenant in the signed
   * claim `wso2TenantClaim`, equal to the header's tenant (case aside).
   */
  wso2PublicKey?: string;
  /**
   * Origins whose pages may call the API from a browser, with credentials (CORS). None by default:
   * browsers then refuse cross-origin calls, and the API is used from its own origin or outside browsers.
   */
  corsOrigins?: string[];
  /** How many binary messages may be uploaded at the same time (default 8); more are refused with 503. */
  maxConcurrentUploads?: number;
  /** How long an upload may send nothing before it is dropped with 408, freeing its slot (default 30 s). */
  uploadIdleMs?: number;
  /** One PEM public key per tenant (case aside) for `X-Jwt-Assertion-<TENANT>`: the header's tenant chooses the key. */
  wso2Keys?: Record<string, string>;
  /** The claim naming the tenant of a WSO2 JWT (default `http://wso2.org/claims/tenant`). */
  wso2TenantClaim?: string;
  /** Identity from the Tapis v3 `X-Tapis-Token` header (off when no key is configured). */
  tapis?: TapisOptions;
  /** The version shown in every response envelope. */
  version?: string;
}

export type ResolvedOptions = Required<Pick<ServerOptions, 'casing' | 'maxMessageBytes' | 'maxBodyBytes' | 'maxConcurrentUploads' | 'uploadIdleMs' | 'corsOrigins' | 'tokens' | 'defaultTenant' | 'version'>> & ServerOptions;

/** The options with their defaults; an option given as `undefined` takes its default too. */
export function resolveOptions(options: ServerOptions): ResolvedOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return {
    casing: 'snake',
    maxMessageBytes: 500 * 1024 * 1024,
    maxBodyBytes: 10 * 1024 * 1024,
    maxConcurrentUploads: 8,
    uploadIdleMs: 30_000,
    corsOrigins: [],
    tokens: {},
    defaultTenant: 'TACC',
    version: '0.1.0',
    ...given,
  };
}
