import {
  FakePagerDuty,
  startFakePagerDuty,
} from '../__testUtils__/fakePagerDuty';
import { paymentsAccount } from '../__testUtils__/fixtures';
import { DEFAULT_ACCOUNT } from './pagerDutyConfig';
import { PagerDutyEventsClient } from './PagerDutyEventsClient';
import { PagerDutyChangeEvent, PagerDutyEvent } from './pagerDutySchemas';

describe('PagerDutyEventsClient', () => {
  let fake: FakePagerDuty;
  let sleeps: number[];
  let client: PagerDutyEventsClient;

  beforeEach(async () => {
    fake = await startFakePagerDuty(paymentsAccount());
    sleeps = [];
    client = new PagerDutyEventsClient(
      {
        id: DEFAULT_ACCOUNT,
        apiToken: 'us-token',
        apiBaseUrl: fake.url,
        eventsBaseUrl: fake.url,
      },
      {
        sleep: async ms => {
          sleeps.push(ms);
        },
      },
    );
  });
  afterEach(() => fake.close());

  it('sends events with the routing key and no REST token', async () => {
    const event: PagerDutyEvent = {
      event_action: 'resolve',
      dedup_key: 'page-1',
    };

    await expect(client.sendEvent('routing-key', event)).resolves.toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'page-1',
    });
    expect(fake.events()).toEqual([{ routing_key: 'routing-key', ...event }]);
    expect(fake.requests[0].headers.authorization).toBeUndefined();
  });

  it("turns an invalid event into an InputError with PagerDuty's reasons", async () => {
    const triggerWithoutPayload: PagerDutyEvent = {
      event_action: 'trigger',
      dedup_key: 'page-1',
    };

    await expect(
      client.sendEvent('routing-key', triggerWithoutPayload),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        "PagerDuty POST /v2/enqueue (trigger) answered 400: Event object is invalid; 'payload.summary' is missing or blank; 'payload.source' is missing or blank; 'payload.severity' is invalid",
    });
  });

  it('sends change events to /v2/change/enqueue and turns a refusal into an InputError', async () => {
    const change: PagerDutyChangeEvent = {
      payload: {
        summary: 'Release payments-api v2.4.1 to production started',
        timestamp: '2026-11-24T14:02:00.000Z',
        source: 'component:default/payments-api',
        custom_details: { release: 'REL-1' },
      },
      links: [{ href: 'https://ci.example.com/runs/7', text: 'CI run' }],
    };

    await expect(
      client.sendChangeEvent('routing-key', change),
    ).resolves.toEqual({
      status: 'success',
      message: 'Change event processed',
    });
    expect(fake.changeEvents()).toEqual([
      { routing_key: 'routing-key', ...change },
    ]);
    expect(fake.requests[0].headers.authorization).toBeUndefined();

    await expect(
      client.sendChangeEvent('routing-key', {
        payload: { ...change.payload, timestamp: 'Tuesday' },
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        "PagerDuty POST /v2/change/enqueue (change) answered 400: Event object is invalid; 'payload.timestamp' must be an ISO 8601 date-time",
    });
    expect(fake.changeEvents()).toHaveLength(1);
  });

  describe('rate limits', () => {
    it('retries events too', async () => {
      fake.rateLimitNext(1, 2);

      await client.sendEvent('routing-key', {
        event_action: 'acknowledge',
        dedup_key: 'page-1',
      });

      expect(sleeps).toEqual([2000]);
      expect(fake.events()).toHaveLength(1);
    });

    it('retries change events too', async () => {
      fake.rateLimitNext(2, 1);

      await client.sendChangeEvent('routing-key', {
        payload: { summary: 'Deploy' },
      });

      expect(sleeps).toEqual([1000, 1000]);
      expect(fake.changeEvents()).toHaveLength(1);
    });
  });
});
