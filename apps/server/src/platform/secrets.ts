import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** scrypt cost: N=2^15, r=8, p=1 (OWASP's minimum for scrypt), about 50 ms here. Stored in each hash, so it can change. */
const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

/** A slow, salted hash for passwords and API keys: `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, KEY_LENGTH, { ...COST, maxmem: 128 * COST.N * COST.r * 2 });
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Constant-time check of a secret against a `hashSecret` value; a malformed stored value never matches. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64url'), expected.length, {
    ...cost,
    maxmem: 128 * cost.N * cost.r * 2,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A random token of `bytes` bytes in base62-ish (base64url without - and _), for keys and session tokens. */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) out += randomBytes(length).toString('base64url').replace(/[-_]/g, '');
  return out.slice(0, length);
}

/** A fast fingerprint of a secret for in-memory caches (never stored): knowing it does not reveal the secret. */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
