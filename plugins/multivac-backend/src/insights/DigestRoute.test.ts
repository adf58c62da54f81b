import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

/** Friday 4 December 2026, noon UTC (13:00 in Berlin). */
const NOON = new Date('2026-12-04T12:00:00.000Z');

describe('GET /api/multivac/insights/digest', () => {
  beforeEach(() => {
    // Only the clock is set; it moves on, and timers run as usual.
    jest.useFakeTimers({ now: NOON, advanceTimers: true });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("composes the last 24 hours, for the company or a team, with tonight's on-call", async () => {
    const { server } = await startBackend(undefined, {
      releases: {
        freezes: [
          {
            id: 'black-friday',
            name: 'Black Friday',
            start: '2026-12-04T18:00:00Z',
            end: '2026-12-05T06:00:00Z',
          },
        ],
      },
    });
    const declared = await request(server)
      .post('/api/multivac/incidents')
      .set(asAda)
      .send({
        title: 'Checkout fails',
        // SEV4 pages nobody when declared: the only page is the one below.
        severity: 'SEV4',
        entityRefs: ['payments-api'],
      });
    expect(declared.status).toBe(201);
    const paged = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({ userRef: 'ken.thompson', entityRef: 'cart', summary: 'Look' });
    expect(paged.status).toBe(201);
    // The fake clock moves in steps: step past the page's millisecond.
    jest.setSystemTime(Date.now() + 1000);

    const all = await request(server)
      .get('/api/multivac/insights/digest')
      .set(asAda);
    expect(all.status).toBe(200);
    expect(all.body.hours).toBe(24);
    expect(all.body.declared).toMatchObject({
      count: 1,
      items: [
        {
          reference: 'INC-1',
          title: 'Checkout fails',
          severity: 'SEV4',
          entityRefs: ['component:default/payments-api'],
        },
      ],
    });
    expect(all.body.open.count).toBe(1);
    expect(all.body.resolved).toEqual({ count: 0, items: [] });
    expect(all.body.pages).toEqual({
      total: 1,
      byTeam: [
        {
          teamRef: 'group:default/storefront',
          name: 'storefront',
          pages: 1,
          acknowledged: 0,
        },
      ],
    });
    expect(all.body.freezes).toEqual([
      {
        id: 'black-friday',
        name: 'Black Friday',
        start: '2026-12-04T18:00:00.000Z',
        end: '2026-12-05T06:00:00.000Z',
      },
    ]);
    // 22:00 tonight in each schedule's zone: Ada's week of Payments primary
    // (weekly from Monday 2 November, Ada first), Ken on Shop 24/7.
    expect(all.body.onCallTonight).toEqual([
      {
        scheduleId: 'payments-primary',
        scheduleName: 'Payments primary',
        at: '2026-12-04T21:00:00.000Z',
        timeZone: 'Europe/Berlin',
        people: [
          { userRef: 'user:default/ada.lovelace', name: 'Ada Lovelace' },
        ],
      },
      {
        scheduleId: 'shop-247',
        scheduleName: 'Shop 24/7',
        at: '2026-12-04T22:00:00.000Z',
        timeZone: 'UTC',
        people: [
          { userRef: 'user:default/ken.thompson', name: 'Ken Thompson' },
        ],
      },
    ]);

    const storefront = await request(server)
      .get('/api/multivac/insights/digest?team=storefront&hours=12')
      .set(asAda);
    expect(storefront.status).toBe(200);
    expect(storefront.body.team).toEqual({
      ref: 'group:default/storefront',
      name: 'storefront',
    });
    expect(storefront.body.hours).toBe(12);
    expect(storefront.body.declared.count).toBe(0);
    expect(storefront.body.pages.total).toBe(1);
    // The storefront has no schedule of its own.
    expect(storefront.body.onCallTonight).toEqual([]);

    const paymentsTeam = await request(server)
      .get('/api/multivac/insights/digest?team=payments')
      .set(asAda);
    expect(paymentsTeam.body.declared.count).toBe(1);
    expect(paymentsTeam.body.pages).toEqual({ total: 0, byTeam: [] });
    expect(paymentsTeam.body.onCallTonight).toMatchObject([
      {
        scheduleId: 'payments-primary',
        people: [{ name: 'Ada Lovelace' }],
      },
    ]);
  });

  it('answers 400 naming a bad hours or team, 404 naming an unknown team', async () => {
    const { server } = await startBackend();
    const get = (query: string) =>
      request(server).get(`/api/multivac/insights/digest?${query}`).set(asAda);
    for (const hours of ['0', '169', 'day', '1.5']) {
      const res = await get(`hours=${hours}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('hours');
    }
    const unknownParameter = await get('teams=payments');
    expect(unknownParameter.status).toBe(400);
    expect(unknownParameter.body.error.message).toContain('teams');
    const unknownTeam = await get('team=no-such-team');
    expect(unknownTeam.status).toBe(404);
    expect(unknownTeam.body.error.message).toBe(
      'team: group:default/no-such-team is not in the catalog',
    );
    const notAGroup = await get('team=component:default/cart');
    expect(notAGroup.status).toBe(400);
    expect(notAGroup.body.error.message).toBe(
      'team: component:default/cart is not a Group',
    );
  });

  it('needs multivac.insights.read', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY);
    const res = await request(server)
      .get('/api/multivac/insights/digest')
      .set(asAda);
    expect(res.status).toBe(403);
  });
});
