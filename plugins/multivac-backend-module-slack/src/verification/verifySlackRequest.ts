import { AuthenticationError } from '@backstage/errors';
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Slack-Signature';
export const TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp';

/** Slack's own limit: older requests may be replays. */
const MAX_AGE_SECONDS = 5 * 60;

/**
 * The v0 signature Slack sends in `X-Slack-Signature`: the hex
 * HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed with the signing secret.
 */
export function slackSignatureOf(
  signingSecret: string,
  timestamp: string,
  body: Buffer | string,
): string {
  const hmac = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:`)
    .update(body);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * Throws an AuthenticationError unless the request was signed by Slack with
 * `signingSecret` less than 5 minutes from `now` (either way, for clock
 * skew). The signature is compared in constant time; neither the secret nor
 * the expected signature ever appears in an error.
 */
export function verifySlackRequest(request: {
  signingSecret: string;
  /** The exact bytes received. */
  body: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}): void {
  const { signingSecret, body, timestamp, signature } = request;
  if (!timestamp || !signature) {
    const missing = [
      ...(timestamp ? [] : [TIMESTAMP_HEADER]),
      ...(signature ? [] : [SIGNATURE_HEADER]),
    ];
    throw new AuthenticationError(
      `Missing ${missing.join(' and ')} header: Slack signs every request`,
    );
  }
  if (!/^\d+$/.test(timestamp)) {
    throw new AuthenticationError(
      `${TIMESTAMP_HEADER} must be a Unix time in seconds`,
    );
  }
  const ageSeconds = Math.round(
    ((request.now ?? Date.now)() - Number(timestamp) * 1000) / 1000,
  );
  if (Math.abs(ageSeconds) > MAX_AGE_SECONDS) {
    throw new AuthenticationError(
      `${TIMESTAMP_HEADER} is ${Math.abs(ageSeconds)} seconds ${
        ageSeconds > 0 ? 'old' : 'in the future'
      }, more than ${MAX_AGE_SECONDS}: the request may be a replay`,
    );
  }
  const received = Buffer.from(signature);
  const expected = Buffer.from(
    slackSignatureOf(signingSecret, timestamp, body),
  );
  if (
    received.length !== expected.length ||
    !timingSafeEqual(received, expected)
  ) {
    throw new AuthenticationError(
      `${SIGNATURE_HEADER} does not match the body for the configured signing secret`,
    );
  }
}
