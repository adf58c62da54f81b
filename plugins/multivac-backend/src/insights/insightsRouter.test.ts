import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const asGrace = {
  Authorization: mockCredentials.user.header('user:default/grace.hopper'),
};

describe('GET /api/multivac/insights', () => {
  it('counts the incidents and pages of the period by team, service and severity', async () => {
    const { server } = await startBackend();
    const declared = await request(server)
      .post('/api/multivac/incidents')
      .set(asAda)
      .send({
        title: 'Checkout fails',
        severity: 'SEV3',
        entityRefs: ['payments-api'],
      });
    expect(declared.status).toBe(201);
    const paged = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({ userRef: 'ken.thompson', entityRef: 'cart', summary: 'Look' });
    expect(paged.status).toBe(201);

    const incidents = await request(server)
      .get('/api/multivac/insights/incidents?period=7d')
      .set(asAda);
    expect(incidents.status).toBe(200);
    expect(incidents.body.total.count).toBe(1);
    expect(incidents.body.previous.count).toBe(0);
    expect(incidents.body.change.count).toBeNull();
    expect(incidents.body.byTeam).toMatchObject([
      { key: 'group:default/payments', name: 'payments', count: 1 },
    ]);
    expect(incidents.body.byService).toMatchObject([
      { key: 'component:default/payments-api', name: 'payments-api', count: 1 },
    ]);
    expect(incidents.body.bySeverity).toMatchObject([
      { key: 'SEV3', count: 1 },
    ]);
    // A day per bucket, the last one holding the incident.
    expect(incidents.body.trend).toHaveLength(7);
    expect(incidents.body.trend[6].count).toBe(1);

    const storefront = await request(server)
      .get('/api/multivac/insights/incidents?period=7d&team=storefront')
      .set(asAda);
    expect(storefront.body.total.count).toBe(0);

    const interruptions = await request(server)
      .get('/api/multivac/insights/interruptions?period=1d')
      .set(asAda);
    expect(interruptions.status).toBe(200);
    const ken = interruptions.body.byPerson.find(
      (p: any) => p.userRef === 'user:default/ken.thompson',
    );
    expect(ken).toMatchObject({ name: 'Ken Thompson', total: 1 });
    const sum = (rows: Array<{ count: number }>) =>
      rows.reduce((total, row) => total + row.count, 0);
    expect(sum(interruptions.body.heatmap)).toBe(
      interruptions.body.total.total,
    );
    const onCart = await request(server)
      .get('/api/multivac/insights/interruptions?period=1d&team=storefront')
      .set(asAda);
    expect(onCart.body.total.total).toBe(1);
    expect(onCart.body.byPerson).toMatchObject([
      { userRef: 'user:default/ken.thompson' },
    ]);
  });

  it('answers 400 naming a bad period or filter, 404 naming an unknown team', async () => {
    const { server } = await startBackend();
    const get = (query: string) =>
      request(server)
        .get(`/api/multivac/insights/incidents?${query}`)
        .set(asAda);

    for (const period of ['0d', '400d', 'month', '30']) {
      const res = await get(`period=${period}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('period');
    }
    const badEnd = await get('end=yesterday');
    expect(badEnd.status).toBe(400);
    expect(badEnd.body.error.message).toContain('end');
    const badSeverity = await get('severity=SEV9');
    expect(badSeverity.status).toBe(400);
    expect(badSeverity.body.error.message).toContain('severity');
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
    const unknownService = await get('service=nothing');
    expect(unknownService.status).toBe(404);
    expect(unknownService.body.error.message).toBe(
      'service: component:default/nothing is not in the catalog',
    );
  });

  it('needs multivac.insights.read, except for a person’s own interruptions', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY);
    const incidents = await request(server)
      .get('/api/multivac/insights/incidents')
      .set(asAda);
    expect(incidents.status).toBe(403);
    const everyone = await request(server)
      .get('/api/multivac/insights/interruptions')
      .set(asAda);
    expect(everyone.status).toBe(403);
    expect(everyone.body.error.message).toContain(
      'you may see your own interruptions (person=user:default/ada.lovelace)',
    );
    const someoneElse = await request(server)
      .get('/api/multivac/insights/interruptions?person=ada.lovelace')
      .set(asGrace);
    expect(someoneElse.status).toBe(403);
    const own = await request(server)
      .get('/api/multivac/insights/interruptions?person=ada.lovelace')
      .set(asAda);
    expect(own.status).toBe(200);
    expect(own.body.total).toEqual({
      total: 0,
      business: 0,
      evening: 0,
      sleep: 0,
      weekend: 0,
    });
  });
});
