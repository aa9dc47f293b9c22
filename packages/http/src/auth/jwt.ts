import { createHmac, createPublicKey, createVerify, timingSafeEqual, type KeyObject } from 'node:crypto';
import { request } from 'undici';

export interface VerifiedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Thrown when a JWT is malformed, badly signed or expired. */
export class InvalidJwt extends Error {}

const b64url = (part: string): Buffer => Buffer.from(part, 'base64url');

export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown>; signed: string; signature: Buffer } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidJwt('Invalid JWT.');
  try {
    return { header: JSON.parse(b64url(parts[0]!).toString()), claims: JSON.parse(b64url(parts[1]!).toString()), signed: `${parts[0]}.${parts[1]}`, signature: b64url(parts[2]!) };
  } catch {
    throw new InvalidJwt('Invalid JWT.');
  }
}

/**
 * Verifies a JWT signed with HS256 (a secret) or RS256 (a public key) and checks `exp` and `nbf`.
 * `exp` values above 10^12 are read as milliseconds (WSO2 writes them so).
 */
export function verifyJwt(token: string, keys: { secret?: string; publicKey?: KeyObject | string }, now = Date.now()): VerifiedJwt {
  const { header, claims, signed, signature } = decodeJwt(token);
  let valid = false;
  if (header.alg === 'HS256' && keys.secret) {
    const expected = createHmac('sha256', keys.secret).update(signed).digest();
    valid = expected.length === signature.length && timingSafeEqual(expected, signature);
  } else if (header.alg === 'RS256' && keys.publicKey) {
    valid = createVerify('RSA-SHA256').update(signed).verify(keys.publicKey, signature);
  }
  if (!valid) throw new InvalidJwt('Invalid JWT.');
  const seconds = (value: unknown) => (typeof value === 'number' ? (value > 1e12 ? value / 1000 : value) : undefined);
  const exp = seconds(claims.exp);
  if (exp !== undefined && exp * 1000 < now) throw new InvalidJwt('Invalid JWT: the token has expired.');
  const nbf = seconds(claims.nbf);
  if (nbf !== undefined && nbf * 1000 > now + 60_000) throw new InvalidJwt('Invalid JWT: the token is not valid yet.');
  return { header, claims };
}

/** The keys of a JWKS URL, fetched when a token names a `kid` not seen yet. */
export class JwksKeys {
  private keys = new Map<string, KeyObject>();

  constructor(private readonly url: string) {}

  async key(kid: unknown): Promise<KeyObject | undefined> {
    const id = typeof kid === 'string' ? kid : '';
    if (!this.keys.has(id)) await this.refresh();
    return this.keys.get(id) ?? (id === '' && this.keys.size === 1 ? [...this.keys.values()][0] : undefined);
  }

  private async refresh(): Promise<void> {
    const response = await request(this.url, { headersTimeout: 5000, bodyTimeout: 5000 });
    const body = (await response.body.json()) as { keys?: (Record<string, unknown> & { kid?: string })[] };
    const keys = new Map<string, KeyObject>();
    for (const jwk of body.keys ?? []) keys.set(jwk.kid ?? '', createPublicKey({ key: jwk as never, format: 'jwk' }));
    this.keys = keys;
  }
}
