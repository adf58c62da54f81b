import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { AlertIntegration, SECRET_HEADER } from './integrations';

/** Grafana's signature timestamp may be this far from now, either way. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether a delivery comes from the integration's sender, by what each
 * vendor can send: `Authorization: Bearer <secret>` (all), basic auth with
 * the secret as password (Alertmanager, Grafana), the secret in a custom
 * header `X-Multivac-Secret` (Datadog, Sumo Logic), and Grafana's HMAC-SHA256
 * signature of `<timestamp>:<body>` in hex (its contact point's "HMAC
 * signature" option, with a timestamp header). A signature that is sent
 * must be valid and fresh, even when a secret is sent too. Any of the
 * integration's secrets is accepted (rotation). Reasons never quote a secret.
 */
export function verifySender(
  integration: AlertIntegration,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  now = Date.now(),
): Verdict {
  if (integration.vendor === 'grafana') {
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
  if (integration.vendor === 'datadog' || integration.vendor === 'sumologic') {
    const secret = header(headers, SECRET_HEADER);
    if (secret !== undefined) {
      return matchesSecret(integration, secret)
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
    return matchesSecret(integration, credentials)
      ? { ok: true }
      : {
          ok: false,
          reason: 'bearer token is not a secret of the integration',
        };
  }
  const basicAuth =
    integration.vendor === 'alertmanager' || integration.vendor === 'grafana';
  if (/^basic$/i.test(scheme) && basicAuth) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    return decoded.includes(':') && matchesSecret(integration, password)
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

/** Compared as digests, so that neither length nor content leaks. */
function matchesSecret(integration: AlertIntegration, given: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  const givenDigest = digest(given);
  let match = false;
  for (const secret of integration.secrets) {
    match = timingSafeEqual(digest(secret), givenDigest) || match;
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
