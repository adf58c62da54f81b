import { joinUrl, PagerDutyHttp, PagerDutyHttpOptions } from './pagerDutyHttp';
import {
  eventResultSchema,
  PagerDutyAccount,
  PagerDutyChangeEvent,
  PagerDutyEvent,
  PagerDutyEventResult,
} from './pagerDutySchemas';

/** Events API v2 limit on `payload.summary`. */
const SUMMARY_MAX_LENGTH = 1024;

/**
 * The Events API v2 of one PagerDuty account: alert events (pages) and
 * change events, sent to an integration by its key, without the account's
 * credentials.
 */
export class PagerDutyEventsClient {
  private readonly http: PagerDutyHttp;

  constructor(
    private readonly account: PagerDutyAccount,
    options: PagerDutyHttpOptions = {},
  ) {
    this.http = new PagerDutyHttp(account, options);
  }

  /** Sends an event to Events API v2; `routingKey` is the integration key. */
  sendEvent(
    routingKey: string,
    event: PagerDutyEvent,
  ): Promise<PagerDutyEventResult> {
    return this.enqueue('/v2/enqueue', event.event_action, {
      routing_key: routingKey,
      ...event,
    });
  }

  /**
   * Sends a change event to Events API v2. PagerDuty has no dedup key for
   * change events: sending one twice shows it twice.
   */
  sendChangeEvent(
    routingKey: string,
    event: PagerDutyChangeEvent,
  ): Promise<PagerDutyEventResult> {
    return this.enqueue('/v2/change/enqueue', 'change', {
      routing_key: routingKey,
      ...event,
    });
  }

  private enqueue(
    path: string,
    kind: string,
    event: object,
  ): Promise<PagerDutyEventResult> {
    return this.http.send(
      `POST ${path} (${kind})`,
      joinUrl(this.account.eventsBaseUrl, path),
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify(event),
      },
      eventResultSchema,
    );
  }
}

/** A summary PagerDuty keeps whole: at most 1024 characters. */
export function truncateSummary(text: string): string {
  return text.length <= SUMMARY_MAX_LENGTH
    ? text
    : `${text.slice(0, SUMMARY_MAX_LENGTH - 1)}…`;
}
