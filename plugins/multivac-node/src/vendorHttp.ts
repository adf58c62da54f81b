import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** Used when a retried answer comes without a usable `Retry-After`. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;
/** A longer `Retry-After` fails at once: the caller's durable job retries later. */
const MAX_RETRY_AFTER_SECONDS = 30;
const REQUEST_TIMEOUT_MS = 10_000;
const STATUS_TEXT: Record<number, string> = {
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** @public */
export interface VendorRequest {
  /** Named in errors, e.g. `PagerDuty GET /users`. */
  call: string;
  url: string;
  init: RequestInit;
  /** Answers that mean "come back later". Default: 429. */
  retriedStatuses?: number[];
  maxRetries: number;
  /** How to wait out a `Retry-After`; tests replace it. */
  sleep: (ms: number) => Promise<void>;
  /** Called before each request sent, retries included. */
  onRequest?: () => void;
}

/**
 * One call to a vendor's API (PagerDuty, Jira): waits out `Retry-After` on
 * 429 (and the other `retriedStatuses`) a few times, and turns network
 * failures and exhausted retries into a ServiceUnavailableError naming the
 * call. Other answers are returned as they are, for the client to read.
 *
 * @public
 */
export async function fetchFromVendor(
  request: VendorRequest,
): Promise<{ status: number; text: string }> {
  const { call, url, init, maxRetries, sleep, onRequest } = request;
  const retried = request.retriedStatuses ?? [429];
  for (let retries = 0; ; retries++) {
    onRequest?.();
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        ...init,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      throw new ServiceUnavailableError(`${call} failed`, error);
    }
    if (!retried.includes(response.status)) {
      return { status: response.status, text };
    }
    const waitSeconds = retryAfterSeconds(response.headers.get('retry-after'));
    if (retries >= maxRetries || waitSeconds > MAX_RETRY_AFTER_SECONDS) {
      throw new ServiceUnavailableError(
        `${call} answered ${response.status} ${
          STATUS_TEXT[response.status] ?? ''
        } after ${retries} ${retries === 1 ? 'retry' : 'retries'}, ` +
          `Retry-After ${waitSeconds}s; try again later`,
      );
    }
    await sleep(waitSeconds * 1000);
  }
}

function retryAfterSeconds(header: string | null): number {
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds >= 0
    ? seconds
    : DEFAULT_RETRY_AFTER_SECONDS;
}

/**
 * The body as JSON, or undefined when it is not JSON.
 *
 * @public
 */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A vendor's answer outside 2xx, as {@link vendorAnswerError} describes it.
 *
 * @public
 */
export interface VendorRefusal {
  /** Named in the message, as in {@link fetchFromVendor}: `Jira GET /issue/X`. */
  call: string;
  status: number;
  /** What the vendor said, after the status: `<call> answered 400: <reason>`. */
  reason?: string;
  /** Appended as it is to the message of a 401: which credentials to check. */
  authenticationHint?: string;
  /** Appended as it is to the message of a 403: what the account lacks. */
  permissionHint?: string;
  /** The error's cause, such as the vendor's error body. */
  cause?: Error;
}

/**
 * The `@backstage/errors` error for a vendor's answer outside 2xx, with the
 * message `<call> answered <status>[: <reason>]`: 400 InputError, 401
 * AuthenticationError, 403 NotAllowedError, 404 NotFoundError, and
 * ServiceUnavailableError for anything else (a 409, 5xx, or a 429 the call
 * does not retry): the vendor cannot take the request now.
 *
 * @public
 */
export function vendorAnswerError(refusal: VendorRefusal): Error {
  const { call, status, reason, cause } = refusal;
  const message = `${call} answered ${status}${reason ? `: ${reason}` : ''}`;
  switch (status) {
    case 400:
      return new InputError(message, cause);
    case 401:
      return new AuthenticationError(
        message + (refusal.authenticationHint ?? ''),
        cause,
      );
    case 403:
      return new NotAllowedError(
        message + (refusal.permissionHint ?? ''),
        cause,
      );
    case 404:
      return new NotFoundError(message, cause);
    default:
      return new ServiceUnavailableError(message, cause);
  }
}
