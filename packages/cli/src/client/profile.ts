import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where a profile points and how it authenticates. */
export interface Profile {
  url: string;
  token?: string;
  nonce?: string;
}

interface ConfigFile {
  current: string;
  profiles: Record<string, Profile>;
}

/** The CLI's config file: `$XDG_CONFIG_HOME/abaco/config.json` (or ~/.config/abaco/config.json). */
export function configPath(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'abaco', 'config.json');
}

function read(): ConfigFile {
  const path = configPath();
  if (!existsSync(path)) return { current: 'default', profiles: {} };
  return JSON.parse(readFileSync(path, 'utf8')) as ConfigFile;
}

export function saveProfile(name: string, profile: Profile): string {
  const config = read();
  config.profiles[name] = profile;
  config.current = name;
  const path = configPath();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return path;
}

/**
 * The profile to use: the one named (or the current one), with ABACO_URL, ABACO_TOKEN and
 * ABACO_NONCE overriding its fields, and the flags overriding those.
 */
export function resolveProfile(name: string | undefined, flags: { url?: string; token?: string }): Profile & { name: string } {
  const config = read();
  const chosen = name ?? config.current;
  const saved = config.profiles[chosen];
  const url = flags.url || process.env.ABACO_URL || saved?.url;
  if (!url) throw new Error(`No server to talk to: run "abaco login --url URL --token TOKEN", or set ABACO_URL${name ? ` (profile ${name} does not exist)` : ''}.`);
  const token = flags.token || process.env.ABACO_TOKEN || (flags.url ? undefined : saved?.token);
  const nonce = token ? undefined : process.env.ABACO_NONCE || saved?.nonce;
  return { name: chosen, url: url.replace(/\/+$/, ''), token, nonce };
}
