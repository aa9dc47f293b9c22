import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BadRequestError } from '../errors.js';

/**
 * AES-256-GCM for actor config secrets. A sealed value is `v1:<iv>:<tag>:<ciphertext>` in base64,
 * the JSON text of the value encrypted under the configured key.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: string) {
    const bytes = /^[0-9a-fA-F]{64}$/.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64');
    if (bytes.length !== 32) throw new Error('The secret key must be 32 bytes, as 64 hex characters or base64.');
    this.key = bytes;
  }

  /** Makes a new random key in the form the constructor takes. */
  static newKey(): string {
    return randomBytes(32).toString('hex');
  }

  seal(value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64'))).join(':');
  }

  open(sealed: string): unknown {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new BadRequestError('A secret config value is damaged.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    const text = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(text);
  }
}
