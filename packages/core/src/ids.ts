import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_CHARS = 12;
/** Random bytes are drawn from the system's generator this many at a time, each byte used once. */
const POOL_BYTES = 4096;

const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/** The next unused random byte (of a pool refilled from the system's generator when spent). */
function randomByte(): number {
  if (used === POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]!;
}

function checkChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum = (sum * 31 + ALPHABET.indexOf(body[i]!)) % 62;
  return ALPHABET[sum]!;
}

/**
 * A new id in the style of upstream Abaco: 13 base62 characters, 12 of them random (71 bits) and
 * one check character. The check character lets `isId` tell an id from a user-chosen name (an
 * alias) the way upstream's hashid decoding does, with a false positive for 1 name in 62. The
 * random bytes come from the system's cryptographic generator (nonce ids are secrets), drawn a
 * pool at a time: one call per few hundred ids rather than one per id.
 */
export function newId(): string {
  let body = '';
  while (body.length < RANDOM_CHARS) {
    const b = randomByte();
    if (b < 248) body += ALPHABET[b % 62]; // 248 = 4 * 62: keeps the characters uniform
  }
  return body + checkChar(body);
}

/** Whether a string has the shape of an id made by `newId`. */
export function isId(s: string): boolean {
  return /^[0-9A-Za-z]{13}$/.test(s) && checkChar(s.slice(0, RANDOM_CHARS)) === s[RANDOM_CHARS];
}
