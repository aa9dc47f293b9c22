import { createSecretKey, type KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { Logger } from 'pino';
import type { JwtOptions } from '../options.js';
import { JwksKeys } from './jwks.js';
import { publicKey, verifyJwt, type KeyResolver } from './jwt.js';

/** Bearer JWTs: HS256 with a secret, RS256 with a PEM key or the keys of a JWKS URL. */
export class BearerJwts {
  private readonly secret?: KeyObject;
  private readonly publicKey?: KeyObject;
  private readonly jwks?: JwksKeys;
  private readonly algorithms: string[];

  private constructor(
    private readonly options: JwtOptions,
    log: Logger,
  ) {
    if (options.hs256Secret) this.secret = createSecretKey(Buffer.from(options.hs256Secret));
    if (options.rs256PublicKey) this.publicKey = publicKey(options.rs256PublicKey, 'jwt.rs256PublicKey');
    if (options.jwksUrl) this.jwks = new JwksKeys(options.jwksUrl, log);
    this.algorithms = [...(this.secret ? ['HS256'] : []), ...(this.publicKey || this.jwks ? ['RS256'] : [])];
  }

  /** The verifier of these options, or undefined when they configure no key. */
  static from(options: JwtOptions, log: Logger): BearerJwts | undefined {
    const verifier = new BearerJwts(options, log);
    return verifier.algorithms.length > 0 ? verifier : undefined;
  }

  /** The claims of a valid token. */
  verify(token: string): Promise<JWTPayload> {
    return verifyJwt(token, this.key, { algorithms: this.algorithms, issuer: this.options.issuer, audience: this.options.audience });
  }

  /** jose checked `alg` against `algorithms` before asking, so the key of that kind exists. */
  private readonly key: KeyResolver = (header, token) => {
    if (header.alg === 'HS256') return this.secret!;
    if (this.jwks && (header.kid !== undefined || !this.publicKey)) return this.jwks.key(header, token);
    return this.publicKey!;
  };
}
