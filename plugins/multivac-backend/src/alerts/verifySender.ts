import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { AlertIntegration, SECRET_HEADER } from './integrations';
import { matchesHashedSecret } from './integrationSecrets';

/** A signature's timestamp may be this far from now, either way. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

export const ZENDESK_SIGNATURE_HEADER = 'X-Zendesk-Webhook-Signature';
export const ZENDESK_TIMESTAMP_HEADER = 'X-Zendesk-Webhook-Signature-Timestamp';

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether a delivery comes from the integration's sender, by what each
 * vendor can send: `Authorization: Bearer <secret>` (all), basic auth with
 * the secret as password (Alertmanager, Grafana), the secret in a custom
 * header `X-Multivac-Secret` (Datadog, Sumo Logic), Grafana's HMAC-SHA256
 * signature of `<timestamp>:<body>` in hex (its contact point's "HMAC
 * signature" option, with a timestamp header) and Zendesk's base64
 * HMAC-SHA256 of `<timestamp><body>` (timestamp in ISO 8601). A signature
 * that is sent must be valid and fresh, even when a secret is sent too.
 * Any of the integration's valid secrets is accepted (rotation).
 *
 * Signatures are keyed with the secret itself, so only config integrations
 * (secrets in app-config.yaml) can check them; integrations created in the
 * portal keep their secret hashed and take it as a bearer token, basic
 * auth password or `X-Multivac-Secret` (Zendesk's webhook "Bearer token"
 * authentication), and leave a vendor's signature unchecked. Reasons never
 * quote a secret.
 */
export function verifySender(
  integration: AlertIntegration,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  now = Date.now(),
): Verdict {
  const canCheckSignatures = integration.secrets.length > 0;
  if (integration.vendor === 'grafana' && canCheckSignatures) {
    const signature = header(headers, integration.signatureHeader);
    if (signature !== undefined) {
      return verifyGrafanaSignature(
        integration,
        headers,
        signature,
        rawBody,
        now,
      );
    }
  }
  if (integration.vendor === 'zendesk' && canCheckSignatures) {
    const signature = header(headers, ZENDESK_SIGNATURE_HEADER);
    if (signature !== undefined) {
      return verifyZendeskSignature(
        integration,
        headers,
        signature,
        rawBody,
        now,
      );
    }
  }
  if (
    integration.vendor === 'datadog' ||
    integration.vendor === 'sumologic' ||
    integration.managedBy === 'portal'
  ) {
    const secret = header(headers, SECRET_HEADER);
    if (secret !== undefined) {
      return matchesSecret(integration, secret, now)
        ? { ok: true }
        : {
            ok: false,
            reason: `${SECRET_HEADER} is not a secret of the integration`,
          };
    }
  }
  const authorization = header(headers, 'authorization');
  if (!authorization) {
    return { ok: false, reason: 'no Authorization header' };
  }
  const [scheme, credentials = ''] = authorization.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) {
    return matchesSecret(integration, credentials, now)
      ? { ok: true }
      : {
          ok: false,
          reason: 'bearer token is not a secret of the integration',
        };
  }
  const basicAuth =
    integration.vendor === 'alertmanager' ||
    integration.vendor === 'grafana' ||
    integration.vendor === 'zendesk';
  if (/^basic$/i.test(scheme) && basicAuth) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    return decoded.includes(':') && matchesSecret(integration, password, now)
      ? { ok: true }
      : {
          ok: false,
          reason: 'basic auth password is not a secret of the integration',
        };
  }
  return {
    ok: false,
    reason: `Authorization scheme ${scheme.slice(0, 20)} not accepted`,
  };
}

function verifyGrafanaSignature(
  integration: AlertIntegration,
  headers: IncomingHttpHeaders,
  signature: string,
  rawBody: Buffer,
  now: number,
): Verdict {
  const timestamp = header(headers, integration.timestampHeader);
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) {
    return {
      ok: false,
      reason: `signed without a timestamp in ${integration.timestampHeader}`,
    };
  }
  if (Math.abs(now / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) {
    return {
      ok: false,
      reason: 'signature timestamp outside the 5-minute window',
    };
  }
  const given = Buffer.from(signature.trim().toLowerCase(), 'utf8');
  const valid = integration.secrets.some(secret => {
    const expected = Buffer.from(
      createHmac('sha256', secret)
        .update(`${timestamp}:`)
        .update(rawBody)
        .digest('hex'),
      'utf8',
    );
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  return valid ? { ok: true } : { ok: false, reason: 'bad signature' };
}

/**
 * Zendesk's signature: base64 HMAC-SHA256 of the ISO timestamp followed by
 * the body, with the webhook's signing secret.
 */
function verifyZendeskSignature(
  integration: AlertIntegration,
  headers: IncomingHttpHeaders,
  signature: string,
  rawBody: Buffer,
  now: number,
): Verdict {
  const timestamp = header(headers, ZENDESK_TIMESTAMP_HEADER);
  const time = timestamp === undefined ? NaN : Date.parse(timestamp);
  if (!timestamp || timestamp.length > 40 || Number.isNaN(time)) {
    return {
      ok: false,
      reason: `signed without a timestamp in ${ZENDESK_TIMESTAMP_HEADER}`,
    };
  }
  if (Math.abs(now - time) > SIGNATURE_WINDOW_SECONDS * 1000) {
    return {
      ok: false,
      reason: 'signature timestamp outside the 5-minute window',
    };
  }
  const given = Buffer.from(signature.trim(), 'utf8');
  const valid = integration.secrets.some(secret => {
    const expected = Buffer.from(
      zendeskSignature(secret, timestamp, rawBody),
      'utf8',
    );
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  return valid ? { ok: true } : { ok: false, reason: 'bad signature' };
}

/**
 * Whether `given` is one of the integration's secrets now: compared as
 * digests (config) or against the salted hash (portal), so that neither
 * length nor content leaks.
 */
function matchesSecret(
  integration: AlertIntegration,
  given: string,
  now: number,
): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  const givenDigest = digest(given);
  let match = false;
  for (const secret of integration.secrets) {
    match = timingSafeEqual(digest(secret), givenDigest) || match;
  }
  for (const { hash, validUntil } of integration.hashedSecrets) {
    const valid = validUntil === undefined || now < validUntil;
    match = (matchesHashedSecret(hash, given) && valid) || match;
  }
  return match;
}

function header(
  headers: IncomingHttpHeaders,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** What a test or the README signs a Grafana delivery with. */
export function grafanaSignature(
  secret: string,
  timestamp: number,
  body: string,
): string {
  return createHmac('sha256', secret)
    .update(`${timestamp}:${body}`)
    .digest('hex');
}

/** What a test or the README signs a Zendesk delivery with. */
export function zendeskSignature(
  secret: string,
  timestamp: string,
  body: string | Buffer,
): string {
  return createHmac('sha256', secret)
    .update(timestamp)
    .update(body)
    .digest('base64');
}
