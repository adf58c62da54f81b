import { WebClient } from '@slack/web-api';

/**
 * The Web API client the bot calls Slack with. Every call is bounded: it
 * times out, retries a network failure at most twice within seconds, and a
 * rate-limited call fails at once (with Slack's Retry-After) instead of
 * sleeping in the client, so the durable job's back-off waits, not a worker
 * slot. Jobs are retried; a worker held by one call delays everyone's.
 */
export function createSlackWebClient(
  token: string,
  options: { apiUrl?: string; timeoutMs?: number } = {},
): WebClient {
  return new WebClient(token, {
    slackApiUrl: options.apiUrl,
    timeout: options.timeoutMs ?? 10_000,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, minTimeout: 500, maxTimeout: 2_000 },
  });
}
