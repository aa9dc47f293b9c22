import { readFileSync } from 'node:fs';
import type { Settings } from '@abaco/core';
import type { TokenUser } from '@abaco/http';

/**
 * What `abaco serve` runs with. Every flag can also be set in a JSON config file (`--config`),
 * under the same name in camelCase; flags win over the file.
 */
export interface ServeConfig {
  host: string;
  port: number;
  dataDir: string;
  runtime: 'auto' | 'docker' | 'podman' | 'process';
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
