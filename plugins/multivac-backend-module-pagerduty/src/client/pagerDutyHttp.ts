/*
 * What the small typed PagerDuty clients over global fetch share. The
 * official @pagerduty/pdjs is not used: it hard-codes `https://<host>` for
 * the Events API and finds resource names with a `.com/` regex, so it cannot
 * talk to a configurable base URL (a plain-http proxy, the fake PagerDuty in
 * tests).
 */
import { ServiceUnavailableError } from '@backstage/errors';
import { describeZodError } from '@multivac/plugin-multivac-common';
import {
  fetchFromVendor,
  parseJsonBody,
  vendorAnswerError,
} from '@multivac/plugin-multivac-node';
import { z } from 'zod';
import {
  errorBodySchema,
  oauthErrorSchema,
  PagerDutyAccount,
} from './pagerDutySchemas';

const DEFAULT_MAX_RETRIES = 3;

export type Query = Array<[string, string]>;

export interface PagerDutyHttpOptions {
  /** Retries after a 429 before failing. Default 3. */
  maxRetries?: number;
  /** How to wait out a `Retry-After`; tests replace it. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Requests to the APIs of one PagerDuty account, shared by the REST and the
 * Events API clients: waits out 429s, turns refusals into `@backstage/errors`
 * errors naming the call (and, for 401 and 403, the account's credentials),
 * and checks the answer's shape.
 */
export class PagerDutyHttp {
  /** Requests sent, retries included. */
  readonly stats = { upstreamCalls: 0 };
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly account: PagerDutyAccount,
    options: PagerDutyHttpOptions = {},
  ) {
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  /** Sends the request; returns the JSON body as `schema` reads it. */
  async send<T extends z.ZodTypeAny>(
    call: string,
    url: string,
    init: RequestInit,
    schema: T,
  ): Promise<z.infer<T>> {
    const { status, text } = await fetchFromVendor({
      call: `PagerDuty ${call}`,
      url,
      init,
      maxRetries: this.maxRetries,
      sleep: this.sleep,
      onRequest: () => this.stats.upstreamCalls++,
    });
    const body = parseJsonBody(text);
    if (status < 200 || status >= 300) {
      const checkCredentials = `; check the ${
        this.account.oauth
          ? 'oauth client (clientId, clientSecret, subdomain, scopes)'
          : 'apiToken'
      } of PagerDuty account '${this.account.id}'`;
      throw vendorAnswerError({
        call: `PagerDuty ${call}`,
        status,
        reason: errorReason(body, text),
        authenticationHint: checkCredentials,
        permissionHint: checkCredentials,
      });
    }
    const result = schema.safeParse(body);
    if (!result.success) {
      throw new ServiceUnavailableError(
        `PagerDuty ${call} answered an unexpected body (${describeZodError(
          result.error,
        )})`,
      );
    }
    return result.data;
  }
}

export function joinUrl(base: string, path: string, query: Query = []): string {
  const url = new URL(base + path);
  for (const [key, value] of query) {
    url.searchParams.append(key, value);
  }
  return url.toString();
}

function errorReason(body: unknown, text: string): string {
  const oauth = oauthErrorSchema.safeParse(body);
  if (oauth.success) {
    return [oauth.data.error, oauth.data.error_description]
      .filter(Boolean)
      .join(': ');
  }
  const parsed = errorBodySchema.safeParse(body);
  const details = parsed.success
    ? parsed.data.error ?? parsed.data
    : { message: text.slice(0, 200) };
  return [details.message, ...(details.errors ?? [])]
    .filter(Boolean)
    .join('; ');
}
