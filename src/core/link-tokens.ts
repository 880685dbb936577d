import { createHash, randomBytes } from 'node:crypto';

/**
 * The tokens of the links Kudos serves itself (download links, Kudos Wall links). A token is a bearer secret:
 * 32 random bytes (256 bits) in base64url, unpadded (43 characters). Only its sha256 is stored, so the database
 * (a dump, a backup, a log of its statements) never holds a usable link.
 */

const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The sha256 (hex) a token is stored and looked up by. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token, and the hash to store for it. */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashLinkToken(token) };
}

/**
 * The hash to look a presented token up by, and whether it is shaped like a token at all. A malformed one is
 * looked up too (by the hash of nothing, which matches no link), so every "no" takes about as long.
 */
export function lookupLinkToken(token: string): { wellFormed: boolean; hash: string } {
  const wellFormed = TOKEN_SHAPE.test(token);
  return { wellFormed, hash: hashLinkToken(wellFormed ? token : '') };
}
