import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (platform tokens): AES-256-GCM, each value with its own random 96-bit IV and its
 * authentication tag, and the id of the key that sealed it, so keys can be rotated: the current key seals, the
 * previous ones still open what they sealed until it is sealed again.
 *
 * A sealed value reads `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts); the key id is the first 8 bytes
 * of the key's SHA-256, in hex, which names a key without revealing it.
 */

export class SecretsError extends Error {
  override name = 'SecretsError';
}

const KEY_BYTES = 32;
const IV_BYTES = 12;

/** A 32-byte key written as base64 (44 characters) or hex (64); anything else is refused with what to do. */
export function parseKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : undefined;
  if (!key || key.length !== KEY_BYTES) {
    throw new SecretsError('must be 32 random bytes, as base64 (44 characters) or hex (64); make one with: openssl rand -base64 32');
  }
  return key;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export class Secrets {
  private readonly current: { id: string; key: Buffer };
  private readonly byId: Map<string, Buffer>;

  /** `current` seals; `previous` keys only open (values sealed before a rotation). */
  constructor(current: Buffer, previous: Buffer[] = []) {
    this.current = { id: keyId(current), key: current };
    this.byId = new Map([[this.current.id, current], ...previous.map((k) => [keyId(k), k] as [string, Buffer])]);
  }

  /** From configuration text: the current key and, optionally, earlier ones (comma-separated). */
  static fromText(current: string, previous?: string): Secrets {
    const earlier = (previous ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(parseKey);
    return new Secrets(parseKey(current), earlier);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
  }

  /** The plaintext; a SecretsError (never the value) when the key is unknown or the value was altered. */
  open(value: string): string {
    const [version, id, iv, tag, data] = value.split('.');
    if (version !== 'v1' || !id || !iv || !tag || data === undefined) throw new SecretsError('not a sealed value');
    const key = this.byId.get(id);
    if (!key) throw new SecretsError(`sealed with key ${id}, which is not configured (set it in KUDOS_ENCRYPTION_KEY_PREVIOUS)`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretsError(`a value sealed with key ${id} failed its integrity check`);
    }
  }

  /** True when `value` was sealed with an earlier key (open it and seal it again to rotate). */
  sealedWithOlderKey(value: string): boolean {
    return value.split('.')[1] !== this.current.id;
  }
}
