import type { KeyObject } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors, type FlattenedJWSInput, type JWSHeaderParameters } from 'jose';
import type { Logger } from 'pino';
import { InvalidJwt } from './jwt.js';

/** How long a fetch may take, how long keys are kept, and how long to wait between fetches. */
const TIMEOUT_MS = 5_000;
const MAX_AGE_MS = 600_000;
const COOLDOWN_MS = 30_000;

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;
type LocalJwks = ReturnType<typeof createLocalJWKSet>;

/**
 * The keys of a JWKS URL. jose's remote key set fetches them (with a timeout, one fetch at a time)
 * and keeps the times of the last fetch; this class adds what jose doesn't do: a failed fetch
 * (unreachable, not JSON, not a key set) also waits the cooldown before the next one, and every
 * failure is an InvalidJwt (a 401 with the reason), never a 500. So an unauthenticated client that
 * sends unknown `kid`s makes the server fetch at most once per cooldown, up or down.
 */
export class JwksKeys {
  private readonly remote: RemoteJwks;
  private local?: LocalJwks;
  private failedAt = -Infinity;

  /** `option` names the setting the URL came from, in errors. */
  constructor(
    private readonly url: string,
    private readonly log: Logger,
    option = 'jwt.jwksUrl',
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`${option}: ${url} is not a URL.`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`${option}: ${url} is not an http(s) URL.`);
    this.remote = createRemoteJWKSet(parsed, { timeoutDuration: TIMEOUT_MS, cooldownDuration: COOLDOWN_MS, cacheMaxAge: MAX_AGE_MS });
  }

  /** The key for a token (a jose key resolver): from the keys fetched, fetching on first use, when they are old, or for an unknown `kid`. */
  readonly key = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyObject> => {
    if (!this.local || !this.remote.fresh) await this.fetch();
    try {
      return (await this.local!(header, token)) as KeyObject;
    } catch (e) {
      if (!(e instanceof errors.JWKSNoMatchingKey)) throw unusable(e);
      if (this.remote.coolingDown) throw new InvalidJwt('Invalid JWT: no key of the JWKS matches the token.');
    }
    await this.fetch();
    try {
      return (await this.local!(header, token)) as KeyObject;
    } catch (e) {
      throw e instanceof errors.JWKSNoMatchingKey ? new InvalidJwt('Invalid JWT: no key of the JWKS matches the token.') : unusable(e);
    }
  };

  private async fetch(): Promise<void> {
    if (Date.now() - this.failedAt < COOLDOWN_MS) throw new InvalidJwt('Invalid JWT: the signing keys (JWKS) could not be fetched; try again later.');
    try {
      await this.remote.reload();
      this.local = createLocalJWKSet(this.remote.jwks()!);
    } catch (e) {
      this.failedAt = Date.now();
      this.log.warn({ err: e, url: this.url }, 'could not fetch the JWKS');
      throw new InvalidJwt(`Invalid JWT: the signing keys (JWKS) could not be fetched (${e instanceof errors.JOSEError ? e.message : 'unreachable'}).`);
    }
  }
}

/** A key of the JWKS that matches but cannot be used (bad key material, several keys for one kid). */
const unusable = (e: unknown): InvalidJwt => new InvalidJwt(`Invalid JWT: the key of the JWKS for this token is unusable (${(e as Error).message}).`);
