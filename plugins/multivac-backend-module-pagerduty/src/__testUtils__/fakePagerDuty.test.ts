import { FakePagerDuty, startFakePagerDuty } from './fakePagerDuty';
import { paymentsAccount } from './fixtures';

const REST_HEADERS = {
  Authorization: 'Token token=us-token',
  Accept: 'application/vnd.pagerduty+json;version=2',
};

describe('fake PagerDuty', () => {
  let fake: FakePagerDuty;

  beforeEach(async () => {
    fake = await startFakePagerDuty(paymentsAccount());
  });
  afterEach(() => fake.close());

  const get = async (path: string, headers: Record<string, string>) => {
    const response = await fetch(`${fake.url}${path}`, { headers });
    return { status: response.status, body: await response.json() };
  };
  const enqueue = async (event: unknown) => {
    const response = await fetch(`${fake.url}/v2/enqueue`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(event),
    });
    return { status: response.status, body: await response.json() };
  };

  it.each([
    ['no Authorization', { Accept: REST_HEADERS.Accept }],
    ['a bearer token', { ...REST_HEADERS, Authorization: 'Bearer us-token' }],
    ['a wrong token', { ...REST_HEADERS, Authorization: 'Token token=other' }],
  ])('answers 401 to REST requests with %s', async (_, headers) => {
    await expect(get('/services/PSVC1', headers)).resolves.toEqual({
      status: 401,
      body: { error: { message: 'Unauthorized', code: 2006 } },
    });
  });

  it('answers 400 to REST requests without the version 2 Accept header', async () => {
    await expect(
      get('/services/PSVC1', { ...REST_HEADERS, Accept: 'application/json' }),
    ).resolves.toMatchObject({ status: 400, body: { error: { code: 2001 } } });
  });

  it('leaves contact methods out unless included', async () => {
    const { body } = await get('/users/PADA', REST_HEADERS);

    expect(body.user).not.toHaveProperty('contact_methods');
  });

  it('rejects events without routing key, action or trigger payload', async () => {
    await expect(enqueue({ event_action: 'trigger' })).resolves.toEqual({
      status: 400,
      body: {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: [
          "'routing_key' is missing or blank",
          "'payload.summary' is missing or blank",
          "'payload.source' is missing or blank",
          "'payload.severity' is invalid",
        ],
      },
    });
    await expect(
      enqueue({ routing_key: 'key', event_action: 'page' }),
    ).resolves.toMatchObject({ status: 400 });
    await expect(
      enqueue({ routing_key: 'key', event_action: 'resolve' }),
    ).resolves.toMatchObject({ status: 400 });
    expect(fake.events()).toEqual([]);
    expect(fake.requests).toHaveLength(3);
  });

  it('answers 429 with Retry-After for the next requests only', async () => {
    fake.rateLimitNext(1, 7);

    const limited = await fetch(`${fake.url}/services/PSVC1`, {
      headers: REST_HEADERS,
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    await expect(get('/services/PSVC1', REST_HEADERS)).resolves.toMatchObject({
      status: 200,
    });
  });
});
