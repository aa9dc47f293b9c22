import { readFileSync } from 'node:fs';
import type { Settings } from '@abaco/core';
import type { TapisOptions, TokenUser } from '@abaco/http';

/**
 * What `abaco serve` runs with. Every flag can also be set in a JSON config file (`--config`),
 * under the same name in camelCase; flags win over the file.
 */
export interface ServeConfig {
  host: string;
  port: number;
  dataDir: string;
  runtime: 'auto' | 'docker' | 'podman' | 'process';
  /**
   * A PostgreSQL store shared by several nodes (`postgres://user@host:port/db`, `?schema=NAME` for
   * another schema than `abaco`); without it the embedded level store in the data directory.
   */
  store?: string;
  /** This node's id in a cluster (default: host name and port). */
  nodeId?: string;
  users?: string;
  adminToken?: string;
  tenant: string;
  case: 'snake' | 'camel';
  publicUrl?: string;
  maxMessageBytes?: number;
  jwtHs256Secret?: string;
  jwtRs256Key?: string;
  jwksUrl?: string;
  jwtUserClaim?: string;
  jwtTenantClaim?: string;
  jwtRolesClaim?: string;
  wso2Key?: string;
  /** Per-tenant WSO2 keys: tenant to PEM file. */
  wso2TenantKeys?: Record<string, string>;
  wso2TenantClaim?: string;
  /**
   * Tapis v3 `X-Tapis-Token` signers, by tenant id (`*`: the tenants without one of their own):
   * PEM public key files, JWKS URLs, and the `iss` their tokens must carry.
   */
  tapisKey?: Record<string, string>;
  tapisJwksUrl?: Record<string, string>;
  tapisIssuer?: Record<string, string>;
  /** Roles of Tapis users: a JSON file `{ "user@tenant": ["abaco_admin" | "abaco_privileged", ...] }`. */
  tapisRoles?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Origins whose web pages may call the API with credentials (CORS). */
  corsOrigins?: string[];
  dockerHost?: string;
  podmanHost?: string;
  /** When container engines pull images: always, if-missing (default) or never. */
  pullPolicy?: 'always' | 'if-missing' | 'never';
  /** Engine settings (see @abaco/core's Settings), e.g. `{ "maxWorkersPerActor": 4, "userIds": { "jdoe": "1000:1000" } }`. */
  settings?: Partial<Settings>;
  /** Engine settings given as flags (--max-workers-per-actor, ...); they win over `settings`. */
  limits?: Partial<Settings>;
  /** For the process runtime: image names and the commands they run. */
  images?: Record<string, string[]>;
  /** For the process runtime: also run absolute paths of host executables as images (off by default). */
  allowHostExecutables?: boolean;
}

export const DEFAULTS: ServeConfig = { host: '127.0.0.1', port: 8000, dataDir: './abaco-data', runtime: 'auto', tenant: 'TACC', case: 'snake' };

export function loadConfig(file: string | undefined, flags: Partial<ServeConfig>): ServeConfig {
  const fromFile = file ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<ServeConfig>) : {};
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  return { ...DEFAULTS, ...fromFile, ...given };
}

/** The tokens of a users file: `{ "tokens": { "<token>": { "user", "tenant", "roles" } } }`. */
export function readUsers(file: string): Record<string, TokenUser> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { tokens?: Record<string, TokenUser> };
  if (!parsed.tokens || typeof parsed.tokens !== 'object') throw new Error(`${file}: expected { "tokens": { "<token>": { "user": ..., "tenant": ..., "roles": [...] } } }`);
  return parsed.tokens;
}

/** The roles file of Tapis users: `{ "user@tenant": ["abaco_admin", ...] }` (entries are checked by the server). */
export function readRoles(file: string): Record<string, string[]> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected { "user@tenant": ["abaco_admin", ...] }`);
  return parsed as Record<string, string[]>;
}

/** The Tapis options of a serve configuration, key and roles files read; undefined when it names no signer. */
export function tapisOptions(config: ServeConfig): TapisOptions | undefined {
  const signers = Object.keys({ ...config.tapisKey, ...config.tapisJwksUrl }).length;
  if (signers === 0) {
    if (config.tapisIssuer || config.tapisRoles) throw new Error('--tapis-issuer and --tapis-roles need a --tapis-key or --tapis-jwks-url to verify X-Tapis-Token headers with.');
    return undefined;
  }
  return {
    keys: config.tapisKey && Object.fromEntries(Object.entries(config.tapisKey).map(([tenant, file]) => [tenant, readFileSync(file, 'utf8')])),
    jwksUrls: config.tapisJwksUrl,
    issuers: config.tapisIssuer,
    roles: config.tapisRoles ? readRoles(config.tapisRoles) : undefined,
  };
}
