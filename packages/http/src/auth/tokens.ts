import { hash, timingSafeEqual } from 'node:crypto';
import { identity, type Identity } from '@abaco/core';
import type { TokenUser } from '../options.js';

/** A token's SHA-256 digest in hex (one-shot `crypto.hash`: no Hash object or Buffer per request). */
const digest = (token: string): string => hash('sha256', token, 'hex');

/**
 * The bearer tokens of the users file and the admin token, kept only as SHA-256 digests: the users
 * file's in a Map (a plain object would answer `constructor` or `__proto__` from its prototype),
 * the admin token compared with `timingSafeEqual`.
 */
export class TokenTable {
  private readonly users = new Map<string, Identity>();
  private readonly admin?: Buffer;

  /**
   * Checks every entry now, so that a bad users file stops the server at start. Errors name the
   * entry by its position and user, never by its token.
   */
  constructor(
    tokens: Record<string, TokenUser>,
    adminToken: string | undefined,
    private readonly defaultTenant: string,
  ) {
    Object.entries(tokens).forEach(([token, entry], index) => {
      const where = `users file, token entry ${index + 1}`;
      if (token === '' || token.trim() !== token) throw new Error(`${where}: the token is empty or starts or ends with spaces.`);
      if (typeof entry !== 'object' || entry === null) throw new Error(`${where}: expected { "user": ..., "tenant": ..., "roles": [...] }.`);
      try {
        this.users.set(digest(token), identity(entry.user, entry.tenant, entry.roles));
      } catch (e) {
        throw new Error(`${where} (user ${JSON.stringify(entry.user) ?? 'missing'}): ${(e as Error).message}`);
      }
    });
    if (adminToken !== undefined) {
      if (adminToken === '' || adminToken.trim() !== adminToken) throw new Error('The admin token is empty or starts or ends with spaces.');
      this.admin = Buffer.from(digest(adminToken), 'hex');
    }
  }

  /** Who a token stands for: a user of the users file, or the admin of the default tenant. */
  find(token: string): Identity | undefined {
    const hashed = digest(token);
    const user = this.users.get(hashed);
    if (user) return { user: user.user, tenant: user.tenant, roles: [...user.roles] }; // checked when the table was built; a copy per call
    if (this.admin && timingSafeEqual(Buffer.from(hashed, 'hex'), this.admin)) return identity('admin', this.defaultTenant, ['admin']);
    return undefined;
  }
}
