import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A value kept in a file of the data directory, made on first use: the admin token and the key of
 * config secrets survive restarts. Returns the value and whether it was just made.
 */
export function keptSecret(dataDir: string, name: string, make: () => string = () => randomBytes(24).toString('base64url')): { value: string; created: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, name);
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), created: false };
  const value = make();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return { value, created: true };
}
