import { AuthenticationError } from '@backstage/errors';
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-PagerDuty-Signature';

/** The `v1` signature PagerDuty sends for `body` signed with `secret`. */
export function signatureOf(body: Buffer | string, secret: string): string {
  return `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Returns the secret that signed `body`: one of the signatures in `header`
 * (comma-separated, several while PagerDuty rotates a secret) is the HMAC of
 * the raw body with it. Throws an AuthenticationError when none of `secrets`
 * did. Compared in constant time.
 */
export function verifySignature(
  body: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): string {
  if (!header) {
    throw new AuthenticationError(
      `Missing ${SIGNATURE_HEADER} header: PagerDuty signs every v3 webhook`,
    );
  }
  const received = header
    .split(',')
    .map(signature => Buffer.from(signature.trim()));
  const signer = secrets.find(secret => {
    const expected = Buffer.from(signatureOf(body, secret));
    return received.some(
      signature =>
        signature.length === expected.length &&
        timingSafeEqual(signature, expected),
    );
  });
  if (signer === undefined) {
    throw new AuthenticationError(
      `${SIGNATURE_HEADER} does not match the body for any configured webhook secret`,
    );
  }
  return signer;
}
