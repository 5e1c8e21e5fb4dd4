import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes: scrypt (node:crypto) with a random 16-byte salt, stored as
 * `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` so that the cost can be raised later without breaking
 * existing hashes.
 */
export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** ~32 MiB and ~100 ms a hash on one core: slow for an attacker, bearable for a login. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Refuse costs that would let a crafted users file make every login allocate gigabytes. */
const MAX_N = 2 ** 20;

function derive(password: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  const options: ScryptOptions = {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * cost.N * cost.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(
  password: string,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, cost, KEY_LENGTH);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

const HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** Why a stored hash is unusable, or null when it is well-formed. */
export function passwordHashProblem(encoded: string): string | null {
  const m = HASH_PATTERN.exec(encoded);
  if (!m) return 'expected scrypt$N$r$p$salt$hash (base64), as printed by the hash-password tool';
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0) return `N must be a power of two up to ${MAX_N}`;
  if (r < 1 || r > 32 || p < 1 || p > 16) return 'r must be 1..32 and p 1..16';
  if (Buffer.from(m[4], 'base64').length < 8) return 'the salt is shorter than 8 bytes';
  if (Buffer.from(m[5], 'base64').length < 16) return 'the hash is shorter than 16 bytes';
  return null;
}

function parse(encoded: string): ParsedHash | null {
  if (passwordHashProblem(encoded) !== null) return null;
  const [, N, r, p, salt, key] = encoded.split('$');
  return {
    cost: { N: Number(N), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt, 'base64'),
    key: Buffer.from(key, 'base64'),
  };
}

/** Constant-time comparison of the derived key; a malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.cost, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}
