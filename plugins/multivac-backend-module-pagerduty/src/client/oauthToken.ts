/** A token is renewed this long before it expires, or at half its lifetime. */
const RENEW_BEFORE_EXPIRY_MS = 60_000;

export interface OAuthTokenAnswer {
  access_token: string;
  /** Seconds the token is valid for. */
  expires_in: number;
}

/**
 * One OAuth access token, requested when first needed and reused until
 * shortly before it expires. Concurrent callers share one token request;
 * failed requests are not remembered.
 */
export class OAuthToken {
  private token?: { value: string; renewAt: number };
  private loading?: Promise<string>;

  constructor(
    private readonly request: () => Promise<OAuthTokenAnswer>,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    if (this.token && this.token.renewAt > this.now()) {
      return Promise.resolve(this.token.value);
    }
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Drops `value` (rejected upstream) unless a newer token replaced it. */
  invalidate(value: string): void {
    if (this.token?.value === value) {
      this.token = undefined;
    }
  }

  private async load(): Promise<string> {
    const requestedAt = this.now();
    const answer = await this.request();
    const lifetimeMs = answer.expires_in * 1000;
    this.token = {
      value: answer.access_token,
      renewAt:
        requestedAt +
        lifetimeMs -
        Math.min(RENEW_BEFORE_EXPIRY_MS, lifetimeMs / 2),
    };
    return answer.access_token;
  }
}
