import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { loadConfig } from '../../src/config';
import { configFailure } from '../helpers/config';
import { parseKey, Secrets, SecretsError } from '../../src/core/secrets';

const key = () => randomBytes(32);

describe('secrets at rest', () => {
  it('opens what it sealed, for any text, and never shows the text in the sealed value', () => {
    const secrets = new Secrets(key());
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), (text) => {
        const sealed = secrets.seal(text);
        expect(secrets.open(sealed)).toBe(text);
        if (text.length >= 8) expect(sealed).not.toContain(text);
      }),
    );
  });

  it('seals the same token differently each time (a fresh IV per value)', () => {
    const secrets = new Secrets(key());
    expect(secrets.seal('xoxb-1-2-3')).not.toBe(secrets.seal('xoxb-1-2-3'));
  });

  it('refuses a value that was altered, without saying what it held', () => {
    const secrets = new Secrets(key());
    const sealed = secrets.seal('xoxb-secret-token');
    const parts = sealed.split('.');
    const data = Buffer.from(parts[4]!, 'base64url');
    data[0] = data[0]! ^ 1;
    parts[4] = data.toString('base64url');
    expect(() => secrets.open(parts.join('.'))).toThrow(SecretsError);
    expect(() => secrets.open(parts.join('.'))).toThrow(/integrity check/);
    expect(() => secrets.open('xoxb-plain')).toThrow(/not a sealed value/);
  });

  it('rotates: the new key seals, the previous one still opens its values, which can be sealed again', () => {
    const before = key();
    const old = new Secrets(before);
    const sealedBefore = old.seal('xoxb-before-rotation');
    const rotated = new Secrets(key(), [before]);
    expect(rotated.open(sealedBefore)).toBe('xoxb-before-rotation');
    expect(rotated.sealedWithOlderKey(sealedBefore)).toBe(true);
    const resealed = rotated.seal(rotated.open(sealedBefore));
    expect(rotated.sealedWithOlderKey(resealed)).toBe(false);
    // Without the previous key, the old value names the key it needs.
    expect(() => new Secrets(key()).open(sealedBefore)).toThrow(/KUDOS_ENCRYPTION_KEY_PREVIOUS/);
  });

  it('reads keys as base64 or hex, and explains a bad one', () => {
    const raw = key();
    expect(parseKey(raw.toString('base64')).equals(raw)).toBe(true);
    expect(parseKey(raw.toString('hex')).equals(raw)).toBe(true);
    expect(() => parseKey('too-short')).toThrow(/32 random bytes/);
    expect(() => parseKey(randomBytes(16).toString('base64'))).toThrow(/openssl rand -base64 32/);
    const fromText = Secrets.fromText(raw.toString('base64'), ` ${key().toString('hex')} ,`);
    expect(fromText.open(new Secrets(raw).seal('x'))).toBe('x');
  });
});

describe('the encryption keys in the configuration', () => {
  it('accepts a good key and earlier ones', () => {
    const current = randomBytes(32).toString('base64');
    const previous = randomBytes(32).toString('hex');
    const config = loadConfig({ KUDOS_ENCRYPTION_KEY: current, KUDOS_ENCRYPTION_KEY_PREVIOUS: previous });
    expect(config.encryption).toEqual({ key: current, previous });
    expect(loadConfig({}).encryption).toBeUndefined();
  });

  it('stops start-up on a bad key, naming the variable and never its value', () => {
    const bad = 'not-a-key-at-all-but-secret-looking';
    const message = configFailure({ KUDOS_ENCRYPTION_KEY: bad });
    expect(message).toContain('KUDOS_ENCRYPTION_KEY');
    expect(message).toContain('openssl rand -base64 32');
    expect(message).not.toContain(bad);
    expect(() => loadConfig({ KUDOS_ENCRYPTION_KEY_PREVIOUS: randomBytes(32).toString('hex') })).toThrow(/KUDOS_ENCRYPTION_KEY/);
  });
});
