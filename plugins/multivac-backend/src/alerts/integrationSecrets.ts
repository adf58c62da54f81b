import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets of integrations created in the portal: 32 random bytes, shown
 * once and stored only as `<salt>:<SHA-256(salt + secret)>` (hex). A fast
 * hash is enough here: the secret is random with 256 bits, not a password a
 * slow hash would have to protect from guessing, and every delivery checks
 * it.
 */
export function newIntegrationSecret(): string {
  return `mvs_${randomBytes(32).toString('base64url')}`;
}

export function hashIntegrationSecret(
  secret: string,
  salt: Buffer = randomBytes(16),
): string {
  return `${salt.toString('hex')}:${digest(salt, secret).toString('hex')}`;
}

/** Whether `given` is the secret of `stored`, compared in constant time. */
export function matchesHashedSecret(stored: string, given: string): boolean {
  const [salt, hash] = stored.split(':');
  if (!salt || !hash) {
    return false;
  }
  const expected = Buffer.from(hash, 'hex');
  const actual = digest(Buffer.from(salt, 'hex'), given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function digest(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}
