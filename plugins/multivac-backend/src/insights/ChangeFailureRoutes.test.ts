import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import request from 'supertest';
import { schedules } from '../__testUtils__/testBackend';
import { multivacPlugin } from '../plugin';

jest.setTimeout(60_000);

const asAda = {
  Authorization: mockCredentials.user.header('user:default/ada.lovelace'),
};

/** checkout (storefront) depends on payments-api (payments). */
const catalog = [
  entity('Group', 'payments', {
    annotations: {
      'multivac.io/oncall-schedule': 'payments-primary',
      'slack.com/channel': '#payments',
    },
  }),
  entity('Group', 'storefront'),
  entity('Component', 'payments-api', {
    relations: [['ownedBy', 'group:default/payments']],
  }),
  entity('Component', 'checkout', {
    relations: [
      ['ownedBy', 'group:default/storefront'],
      ['dependsOn', 'component:default/payments-api'],
    ],
  }),
  user('ada.lovelace', {
    displayName: 'Ada Lovelace',
    annotations: { 'multivac.io/phone': '+49 30 1001' },
  }),
  user('grace.hopper', { displayName: 'Grace Hopper' }),
  user('ken.thompson', { displayName: 'Ken Thompson' }),
];

function startBackend(permission?: AuthorizeResult.DENY) {
  return startTestBackend({
    features: [
      multivacPlugin,
      catalogServiceMock.factory({ entities: catalog }),
      mockServices.rootConfig.factory({
        data: {
          multivac: {
            onCall: {
              schedules,
              contacts: [
                { user: 'user:default/grace.hopper', phone: '+49 30 1002' },
              ],
            },
            insights: { changeFailureWindow: '72h' },
          },
        },
      }),
      ...(permission
        ? [mockServices.permissions.factory({ result: permission })]
        : []),
    ],
  });
}

const HOUR = 3_600_000;
const hoursAgo = (hours: number) =>
  new Date(Date.now() - hours * HOUR).toISOString();

/**
 * REL-1 payments-api 48 h ago, done; REL-2 payments-api 20 h ago, rolled
 * back; REL-3 checkout 120 h ago, done; then INC-1 on checkout now. With a
 * 72 h window INC-1 fails REL-1 and REL-2 (checkout depends on
 * payments-api) but not REL-3 (119 h before it).
 */
async function releasesAndIncident(server: any) {
  const book = async (entityRef: string, hours: number, to: string[]) => {
    const created = await request(server)
      .post('/api/multivac/releases')
      .set(asAda)
      .send({
        entityRef,
        title: `${entityRef} ${hours}`,
        environment: 'production',
        start: hoursAgo(hours),
        end: hoursAgo(hours - 1),
        // A window that has ended is recorded as done, with a reason.
        status: 'done',
        reason: 'recorded after the release',
      });
    expect(created.status).toBe(201);
    for (const status of to) {
      const moved = await request(server)
        .post(`/api/multivac/releases/${created.body.reference}/status`)
        .set(asAda)
        .send({ to: status });
      expect(moved.status).toBe(200);
    }
  };
  await book('payments-api', 48, []);
  await book('payments-api', 20, ['rolled_back']);
  await book('checkout', 120, []);
  const declared = await request(server)
    .post('/api/multivac/incidents')
    .set(asAda)
    .send({
      title: 'Checkout fails',
      severity: 'SEV2',
      entityRefs: ['checkout'],
    });
  expect(declared.status).toBe(201);
}

describe('GET /api/multivac/insights/change-failure', () => {
  it('judges each service’s production releases and names the incidents', async () => {
    const { server } = await startBackend();
    await releasesAndIncident(server);

    const all = await request(server)
      .get('/api/multivac/insights/change-failure?period=7d')
      .set(asAda);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      environment: 'production',
      windowHours: 72,
    });
    expect(
      all.body.byService.map((s: any) => [
        s.entityRef,
        s.releases,
        s.failed,
        s.rate,
      ]),
    ).toEqual([
      ['component:default/payments-api', 2, 2, 1],
      ['component:default/checkout', 1, 0, 0],
    ]);
    expect(
      all.body.byService[0].failedReleases.map((r: any) => [
        r.reference,
        r.rolledBack,
        r.incident?.reference,
        r.incident?.entityRef,
      ]),
    ).toEqual([
      ['REL-1', false, 'INC-1', 'component:default/checkout'],
      ['REL-2', true, 'INC-1', 'component:default/checkout'],
    ]);

    const payments = await request(server)
      .get('/api/multivac/insights/change-failure?period=7d&team=payments')
      .set(asAda);
    expect(payments.body.byService.map((s: any) => s.entityRef)).toEqual([
      'component:default/payments-api',
    ]);
    const checkout = await request(server)
      .get('/api/multivac/insights/change-failure?period=7d&service=checkout')
      .set(asAda);
    expect(checkout.body.byService.map((s: any) => s.entityRef)).toEqual([
      'component:default/checkout',
    ]);
    // REL-3 only started 5 days ago: outside a 1-day period.
    const lastDay = await request(server)
      .get('/api/multivac/insights/change-failure?period=1d')
      .set(asAda);
    expect(
      lastDay.body.byService.map((s: any) => [s.entityRef, s.releases]),
    ).toEqual([['component:default/payments-api', 1]]);
  });

  it('answers 400 naming a bad period or parameter, 404 naming an unknown team or service', async () => {
    const { server } = await startBackend();
    const get = (query: string) =>
      request(server)
        .get(`/api/multivac/insights/change-failure?${query}`)
        .set(asAda);
    const badPeriod = await get('period=0d');
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.error.message).toContain('period');
    const severity = await get('severity=SEV1');
    expect(severity.status).toBe(400);
    expect(severity.body.error.message).toContain('severity');
    const unknownTeam = await get('team=no-such-team');
    expect(unknownTeam.status).toBe(404);
    expect(unknownTeam.body.error.message).toBe(
      'team: group:default/no-such-team is not in the catalog',
    );
    const unknownService = await get('service=nothing');
    expect(unknownService.status).toBe(404);
    expect(unknownService.body.error.message).toBe(
      'service: component:default/nothing is not in the catalog',
    );
  });

  it('needs multivac.insights.read', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY);
    for (const path of ['change-failure', 'report-card?team=payments']) {
      const res = await request(server)
        .get(`/api/multivac/insights/${path}`)
        .set(asAda);
      expect(res.status).toBe(403);
    }
  });
});

describe('GET /api/multivac/insights/report-card', () => {
  it('gives each line a verdict and its reason', async () => {
    const { server } = await startBackend();
    await releasesAndIncident(server);
    const card = await request(server)
      .get('/api/multivac/insights/report-card?team=payments&period=7d')
      .set(asAda);
    expect(card.status).toBe(200);
    expect(card.body.team).toEqual({
      ref: 'group:default/payments',
      name: 'payments',
    });
    const lines = Object.fromEntries(
      card.body.lines.map((l: any) => [l.id, l]),
    );
    expect(Object.keys(lines)).toEqual([
      'mtta',
      'mttr',
      'incidents',
      'interruptions',
      'onCallLoad',
      'postmortems',
      'actionItems',
      'changeFailure',
      'readiness',
    ]);
    // INC-1 is on storefront's checkout, not on a payments entity.
    expect(lines.incidents).toMatchObject({
      verdict: 'good',
      reason: 'No incidents in the period',
    });
    expect(lines.mttr.verdict).toBe('none');
    expect(lines.onCallLoad).toMatchObject({
      verdict: 'good',
      summary: 'Nobody had a burst or a bad night',
    });
    expect(lines.changeFailure).toEqual({
      id: 'changeFailure',
      title: 'Change failure rate',
      verdict: 'bad',
      summary: 'Many releases fail',
      reason:
        '2 of 2 releases failed (100%): REL-1 of payments-api (INC-1), REL-2 of payments-api (INC-1)',
    });
    expect(lines.postmortems.verdict).toBe('none');
    expect(lines.actionItems).toMatchObject({
      verdict: 'good',
      reason: 'No open action item is past its due date',
    });
    // payments-api is paged through its owner's schedule and posts in the
    // owner's channel; level 2 of that schedule is Ken, who has no phone.
    expect(lines.readiness).toMatchObject({
      verdict: 'bad',
      reason: '1 on-call person without a phone: ken.thompson',
    });
    expect(card.body.figures.readiness).toEqual({
      components: 1,
      withoutOnCall: [],
      withoutSlackChannel: [],
      onCallPeople: 3,
      withoutPhone: ['user:default/ken.thompson'],
    });

    const storefront = await request(server)
      .get('/api/multivac/insights/report-card?team=storefront&period=30d')
      .set(asAda);
    const storefrontLines = Object.fromEntries(
      storefront.body.lines.map((l: any) => [l.id, l]),
    );
    expect(storefrontLines.incidents).toMatchObject({
      verdict: 'attention',
      summary: '1 serious incident (SEV1 or SEV2)',
      reason: '1 SEV2',
    });
    expect(storefrontLines.changeFailure.reason).toBe(
      '0 of 1 release failed (0%)',
    );
    expect(storefrontLines.readiness).toMatchObject({
      verdict: 'bad',
      reason:
        '1 Component without an on-call route: checkout; 1 Component without a Slack channel: checkout',
    });
  });

  it('answers 400 naming a bad period or team, 404 naming an unknown team', async () => {
    const { server } = await startBackend();
    const get = (query: string) =>
      request(server)
        .get(`/api/multivac/insights/report-card?${query}`)
        .set(asAda);
    const noTeam = await get('period=7d');
    expect(noTeam.status).toBe(400);
    expect(noTeam.body.error.message).toContain('team');
    const badPeriod = await get('team=payments&period=14d');
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.error.message).toContain(
      "period: must be '7d' or '30d'",
    );
    const unknown = await get('team=nobody');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'team: group:default/nobody is not in the catalog',
    );
    const notAGroup = await get('team=component:default/checkout');
    expect(notAGroup.status).toBe(400);
    expect(notAGroup.body.error.message).toBe(
      'team: component:default/checkout is not a Group',
    );
  });
});
