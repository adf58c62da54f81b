import { LoggerService } from '@backstage/backend-plugin-api';
import { ExpiringCache } from '../users/ExpiringCache';

/** Slack takes messages at a `response_url` for 30 minutes... */
const LIFETIME_MS = 30 * 60_000;
/** ... and 5 of them. */
const MAX_USES = 5;
const MAX_TRACKED = 10_000;
const TIMEOUT_MS = 10_000;

/** A message for a `response_url`, with Slack's field names. */
export interface ResponseUrlMessage {
  /** `ephemeral`: only the person who typed or clicked sees it. */
  response_type: 'ephemeral' | 'in_channel';
  text: string;
  blocks?: unknown[];
  /** For a click: false posts a new message instead of replacing the clicked one. */
  replace_original?: boolean;
}

/**
 * Why `url` is not a `response_url` the bot may post to, or undefined when
 * it is: an https URL on Slack's hooks host (the origin of `hooksUrl`, which
 * the config allows to be a loopback fake Slack only), without credentials.
 */
export function responseUrlProblem(
  url: string,
  hooksUrl: string,
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not a URL';
  }
  const hooks = new URL(hooksUrl);
  if (
    parsed.origin !== hooks.origin ||
    parsed.username ||
    parsed.password ||
    parsed.pathname === '/'
  ) {
    return `it is not on ${hooks.origin}`;
  }
  return undefined;
}

/**
 * Posts answers to the `response_url`s Slack sends with slash commands and
 * clicks: they reach the person wherever they typed, also in a direct
 * message with someone else or a channel the bot is not in, where
 * ephemeral messages are refused. Each URL is used at most 5 times and for
 * 30 minutes; a URL Slack refused (expired, used up) or that is not
 * Slack's is not posted to again, and is logged once.
 */
export class ResponseUrls {
  /** Per URL: how often it was posted to, or that it is not to be used. */
  private readonly urls = new ExpiringCache<number | 'failed'>({
    ttlMs: LIFETIME_MS,
    maxEntries: MAX_TRACKED,
  });

  constructor(
    private readonly deps: {
      hooksUrl: string;
      logger: LoggerService;
      fetch?: typeof fetch;
      timeoutMs?: number;
    },
  ) {}

  /** True when Slack took the message; false when the caller must answer otherwise. */
  async post(url: string, message: ResponseUrlMessage): Promise<boolean> {
    const used = this.urls.get(url) ?? 0;
    if (used === 'failed') {
      return false;
    }
    const problem =
      responseUrlProblem(url, this.deps.hooksUrl) ??
      (used >= MAX_USES ? `it was used ${MAX_USES} times` : undefined) ??
      (await this.send(url, message));
    if (problem) {
      this.urls.set(url, 'failed');
      this.deps.logger.warn(
        `Not answering through Slack's response_url ${redact(
          url,
        )}: ${problem}; answering with a message instead`,
      );
      return false;
    }
    this.urls.set(url, used + 1);
    return true;
  }

  /** Posts the message; what went wrong, or undefined when Slack took it. */
  private async send(
    url: string,
    message: ResponseUrlMessage,
  ): Promise<string | undefined> {
    const { fetch: fetchFn = fetch, timeoutMs = TIMEOUT_MS } = this.deps;
    try {
      const response = await fetchFn(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify(message),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await response.text();
      if (!response.ok) {
        return `Slack answered ${response.status} ${errorOf(body)}`;
      }
      // Slack answers `{"ok":true}` (or `ok` as text).
      return /"ok"\s*:\s*false/.test(body)
        ? `Slack answered ${errorOf(body)}`
        : undefined;
    } catch (error) {
      return `the request failed (${(error as Error).message})`;
    }
  }
}

/** Slack's error code from a JSON (`{"error": "expired_url"}`) or text body. */
function errorOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed?.error === 'string') {
      return parsed.error;
    }
  } catch {
    // Not JSON: Slack answers some errors as text.
  }
  return body.slice(0, 100);
}

/** The URL without its secret last segment, for the logs. */
function redact(url: string): string {
  return url.replace(/\/[^/]*$/, '/…');
}
