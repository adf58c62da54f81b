import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const asGrace = {
  Authorization: mockCredentials.user.header('user:default/grace.hopper'),
};

describe('GET /api/multivac/insights/oncall-load', () => {
  it("gives each schedule's load, the team's schedules only with a team", async () => {
    const { server } = await startBackend();
    const paged = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({ userRef: 'ken.thompson', entityRef: 'cart', summary: 'Look' });
    expect(paged.status).toBe(201);

    const all = await request(server)
      .get('/api/multivac/insights/oncall-load?period=7d')
      .set(asAda);
    expect(all.status).toBe(200);
    expect(all.body.schedules.map((s: any) => s.id)).toEqual([
      'payments-primary',
      'shop-247',
    ]);
    const shop = all.body.schedules[1];
    // Ken is on call on shop-247 all week, and was paged just now.
    expect(shop).toMatchObject({ hours: 168, interruptions: 1, people: 1 });
    expect(shop.persons).toMatchObject([
      {
        userRef: 'user:default/ken.thompson',
        name: 'Ken Thompson',
        hours: 168,
        shifts: 1,
        interruptions: 1,
        evenShare: 1,
      },
    ]);
    // Ada and Grace take weekly turns: together a week on call.
    expect(all.body.schedules[0].hours).toBe(168);

    // The Group's own schedule, and the one of the ledger it owns.
    const payments = await request(server)
      .get('/api/multivac/insights/oncall-load?period=7d&team=payments')
      .set(asAda);
    expect(payments.body.schedules.map((s: any) => s.id)).toEqual([
      'payments-primary',
      'shop-247',
    ]);
    const storefront = await request(server)
      .get('/api/multivac/insights/oncall-load?team=storefront')
      .set(asAda);
    expect(storefront.status).toBe(200);
    expect(storefront.body.schedules).toEqual([]);
  });

  it('answers 400 naming a bad period or parameter, 404 naming an unknown team', async () => {
    const { server } = await startBackend();
    const get = (query: string) =>
      request(server)
        .get(`/api/multivac/insights/oncall-load?${query}`)
        .set(asAda);
    for (const period of ['0d', '400d', 'week']) {
      const res = await get(`period=${period}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('period');
    }
    const badEnd = await get('end=soon');
    expect(badEnd.status).toBe(400);
    expect(badEnd.body.error.message).toContain('end');
    const service = await get('service=cart');
    expect(service.status).toBe(400);
    expect(service.body.error.message).toContain('service');

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
    const unknownPerson = await get('person=nobody');
    expect(unknownPerson.status).toBe(404);
    expect(unknownPerson.body.error.message).toBe(
      'person: user:default/nobody is not in the catalog',
    );
  });

  it('needs multivac.insights.read, except for a person’s own load', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY);
    const everyone = await request(server)
      .get('/api/multivac/insights/oncall-load')
      .set(asAda);
    expect(everyone.status).toBe(403);
    expect(everyone.body.error.message).toContain(
      'you may see your own on-call load (person=user:default/ada.lovelace)',
    );
    const someoneElse = await request(server)
      .get('/api/multivac/insights/oncall-load?person=ada.lovelace')
      .set(asGrace);
    expect(someoneElse.status).toBe(403);
    const own = await request(server)
      .get(
        '/api/multivac/insights/oncall-load?person=ada.lovelace&period=28d&end=2026-12-07T08:00:00Z',
      )
      .set(asAda);
    expect(own.status).toBe(200);
    const [payments, shop] = own.body.schedules;
    expect(payments.persons.map((p: any) => p.userRef)).toEqual([
      'user:default/ada.lovelace',
    ]);
    // 9 Nov to 7 Dec, Mondays 09:00 in Berlin: two weekly turns of four.
    expect(payments.persons[0].hoursShare).toBe(0.5);
    expect(shop.persons).toEqual([]);
  });
});
