import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const grace = 'user:default/grace.hopper';
const asGrace = { Authorization: mockCredentials.user.header(grace) };

async function postmortemOf(server: any, title: string) {
  const declared = await request(server)
    .post('/api/multivac/incidents')
    .set(asAda)
    .send({ title, severity: 'SEV2', entityRefs: ['payments-api'] });
  expect(declared.status).toBe(201);
  const resolved = await request(server)
    .post(`/api/multivac/incidents/${declared.body.reference}/transitions`)
    .set(asGrace)
    .send({ to: 'resolved', note: 'Rolled back' });
  expect(resolved.status).toBe(200);
  const created = await request(server)
    .post(`/api/multivac/incidents/${declared.body.reference}/postmortem`)
    .set(asAda);
  expect(created.status).toBe(201);
  return created.body.reference as string;
}

describe('GET /api/multivac/action-items', () => {
  it("lists the caller's (owner=me) or a person's items across post-mortems", async () => {
    const { server } = await startBackend();
    const first = await postmortemOf(server, 'Card payments fail');
    const second = await postmortemOf(server, 'Cart is slow');
    const add = async (postmortem: string, body: object) => {
      const res = await request(server)
        .post(`/api/multivac/postmortems/${postmortem}/action-items`)
        .set(asAda)
        .send(body);
      expect(res.status).toBe(201);
      return res.body;
    };
    await add(first, { title: 'Write the runbook', ownerRef: 'grace.hopper' });
    await add(second, {
      title: 'Cache totals',
      ownerRef: 'grace.hopper',
      dueDate: '2026-12-08',
    });
    const adas = await add(second, {
      title: 'Dashboards',
      ownerRef: 'ada.lovelace',
    });
    const closed = await request(server)
      .patch(`/api/multivac/postmortems/${second}/action-items/${adas.id}`)
      .set(asAda)
      .send({ status: 'done' });
    expect(closed.status).toBe(200);

    const mine = await request(server)
      .get('/api/multivac/action-items?owner=me&status=open')
      .set(asGrace);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      totalCount: 2,
      items: [
        {
          title: 'Cache totals',
          ownerRef: grace,
          postmortemReference: second,
          postmortemTitle: 'Post-mortem: Cart is slow',
        },
        { title: 'Write the runbook', postmortemReference: first },
      ],
    });
    const adaOpen = await request(server)
      .get('/api/multivac/action-items?owner=ada.lovelace&status=open')
      .set(asGrace);
    expect(adaOpen.body).toEqual({ items: [], totalCount: 0 });
    const adaAll = await request(server)
      .get('/api/multivac/action-items?owner=me')
      .set(asAda);
    expect(adaAll.body.items.map((i: { title: string }) => i.title)).toEqual([
      'Dashboards',
    ]);

    for (const [query, field] of [
      ['', 'owner'],
      ['owner=me&status=later', 'status'],
      ['owner=me&limit=500', 'limit'],
      ['owner=me&page=2', 'page'],
    ]) {
      const bad = await request(server)
        .get(`/api/multivac/action-items?${query}`)
        .set(asGrace);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain(field);
    }
    const asService = await request(server)
      .get('/api/multivac/action-items?owner=me')
      .set('Authorization', mockCredentials.service.header());
    expect(asService.status).toBe(400);
    expect(asService.body.error.message).toContain('owner');
  });

  it('needs the post-mortem read permission and a sign-in', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY);
    const denied = await request(server)
      .get('/api/multivac/action-items?owner=me')
      .set(asGrace);
    expect(denied.status).toBe(403);
    const anonymous = await request(server)
      .get('/api/multivac/action-items?owner=me')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});
