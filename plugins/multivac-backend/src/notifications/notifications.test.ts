import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The real notifications backend, as packages/backend installs it.
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import request from 'supertest';
import { asAda, schedules, startBackend } from '../__testUtils__/testBackend';
import { eventually } from '../__testUtils__/waitFor';
import { multivacPlugin } from '../plugin';

jest.setTimeout(60_000);

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const ken = 'user:default/ken.thompson';

const catalog = [
  entity('Group', 'payments', {
    relations: [
      ['hasMember', grace],
      ['hasMember', ken],
    ],
  }),
  entity('Group', 'storefront', { relations: [['hasMember', ada]] }),
  entity('System', 'shop', {
    annotations: { 'multivac.io/oncall-schedule': 'shop-247' },
  }),
  entity('Component', 'payments-api', {
    relations: [
      ['ownedBy', 'group:default/payments'],
      ['dependsOn', 'component:default/ledger'],
    ],
  }),
  entity('Component', 'checkout', {
    relations: [
      ['ownedBy', 'group:default/storefront'],
      ['dependsOn', 'component:default/payments-api'],
    ],
  }),
  entity('Component', 'ledger', {
    annotations: { 'multivac.io/oncall-schedule': 'shop-247' },
    relations: [['ownedBy', 'group:default/payments']],
  }),
  user('ada.lovelace', { displayName: 'Ada Lovelace' }),
  user('grace.hopper', { displayName: 'Grace Hopper' }),
  user('ken.thompson', {
    displayName: 'Ken Thompson',
    annotations: { 'multivac.io/paging-channels': 'notifications' },
  }),
];

/** Multivac with Backstage's real notifications backend beside it. */
function startWithNotifications() {
  return startTestBackend({
    features: [
      multivacPlugin,
      notificationsPlugin,
      catalogServiceMock.factory({ entities: catalog }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://portal.example' },
          multivac: {
            jobs: { pollIntervalSeconds: 0.1, initialBackoffSeconds: 0.1 },
            onCall: { schedules },
          },
        },
      }),
    ],
  });
}

const as = (userRef: string) => ({
  Authorization: mockCredentials.user.header(userRef),
});

/** The user's notifications, through the notifications backend's REST API. */
async function notificationsOf(
  server: Parameters<typeof request>[0],
  userRef: string,
) {
  const response = await request(server)
    .get('/api/notifications/notifications')
    .set(as(userRef));
  expect(response.status).toBe(200);
  return response.body.notifications as Array<{
    id: string;
    user: string;
    origin: string;
    payload: {
      title: string;
      description?: string;
      link?: string;
      severity: string;
      topic?: string;
      scope?: string;
    };
  }>;
}

describe('Backstage notifications', () => {
  it("sends a declared incident to its entity's owners, and updates that one notification as it escalates and resolves", async () => {
    const { server } = await startWithNotifications();
    const declared = await request(server)
      .post('/api/multivac/incidents')
      .set(asAda)
      .send({
        title: 'Card payments fail',
        severity: 'SEV3',
        entityRefs: ['payments-api'],
        description: 'Visa payments return 502',
      });
    expect(declared.status).toBe(201);

    const first = await eventually(
      () => notificationsOf(server, grace),
      list => list.length > 0,
    );
    expect(first).toEqual([
      expect.objectContaining({
        user: grace,
        origin: 'plugin:multivac',
        payload: expect.objectContaining({
          title: 'INC-1 declared: Card payments fail',
          description:
            'SEV3, triggered; affects payments-api. Visa payments return 502',
          link: 'http://portal.example/multivac/incidents/INC-1',
          severity: 'normal',
          topic: 'incident',
          scope: 'multivac:incident:INC-1',
        }),
      }),
    ]);
    // Both members of the owning group; not Ada, who is in another team.
    expect(await notificationsOf(server, ken)).toHaveLength(1);
    expect(await notificationsOf(server, ada)).toEqual([]);
    // Sent by a durable job of the incident, as a module's subscriber is.
    const withJobs = await request(server)
      .get('/api/multivac/incidents/INC-1')
      .set(asAda);
    expect(withJobs.body.jobs).toContainEqual(
      expect.objectContaining({
        type: 'subscriber:notifications',
        status: 'succeeded',
      }),
    );

    const raised = await request(server)
      .patch('/api/multivac/incidents/INC-1')
      .set(asAda)
      .send({ severity: 'SEV1' });
    expect(raised.status).toBe(200);
    const escalated = await eventually(
      () => notificationsOf(server, grace),
      list => list[0]?.payload.severity === 'critical',
    );
    expect(escalated).toEqual([
      expect.objectContaining({
        id: first[0].id,
        payload: expect.objectContaining({
          title: 'INC-1 escalated to SEV1: Card payments fail',
          severity: 'critical',
          scope: 'multivac:incident:INC-1',
        }),
      }),
    ]);

    const resolved = await request(server)
      .post('/api/multivac/incidents/INC-1/transitions')
      .set(asAda)
      .send({ to: 'resolved' });
    expect(resolved.status).toBe(200);
    const ended = await eventually(
      () => notificationsOf(server, grace),
      list => list[0]?.payload.title.startsWith('INC-1 resolved'),
    );
    expect(ended).toEqual([
      expect.objectContaining({
        id: first[0].id,
        payload: expect.objectContaining({
          title: 'INC-1 resolved: Card payments fail',
          severity: 'low',
        }),
      }),
    ]);
  });

  it("tells a post-mortem's owner it is theirs, and an action item's owner, each time it is assigned", async () => {
    const { server } = await startWithNotifications();
    await request(server)
      .post('/api/multivac/incidents')
      .set(as(grace))
      .send({ title: 'Ledger slow', severity: 'SEV3', entityRefs: ['ledger'] })
      .expect(201);
    await request(server)
      .post('/api/multivac/incidents/INC-1/transitions')
      .set(as(grace))
      .send({ to: 'resolved' })
      .expect(200);
    const created = await request(server)
      .post('/api/multivac/incidents/INC-1/postmortem')
      .set(as(grace));
    expect(created.status).toBe(201);
    const dueDate = created.body.dueDate;

    const owner = await eventually(
      () => notificationsOf(server, grace),
      list => list.some(n => n.payload.topic === 'postmortem'),
    );
    expect(owner).toContainEqual(
      expect.objectContaining({
        payload: expect.objectContaining({
          title: `PM-1 is yours to write, due ${dueDate}: Post-mortem: Ledger slow`,
          link: 'http://portal.example/multivac/postmortems/PM-1',
          scope: 'multivac:postmortem:PM-1',
        }),
      }),
    );

    const item = await request(server)
      .post('/api/multivac/postmortems/PM-1/action-items')
      .set(as(grace))
      .send({ title: 'Add a ledger latency alert', ownerRef: ken });
    expect(item.status).toBe(201);
    const assigned = await eventually(
      () => notificationsOf(server, ken),
      list => list.some(n => n.payload.topic === 'action-item'),
    );
    expect(assigned.filter(n => n.payload.topic === 'action-item')).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          title: 'Action item for you: Add a ledger latency alert',
          description: 'From PM-1, the post-mortem of INC-1.',
          link: 'http://portal.example/multivac/postmortems/PM-1',
          severity: 'normal',
          scope: `multivac:action-item:${item.body.id}`,
        }),
      }),
    ]);

    // Handed to Ada: she is told; a change that is not an assignment is not news.
    await request(server)
      .patch(`/api/multivac/postmortems/PM-1/action-items/${item.body.id}`)
      .set(as(grace))
      .send({ ownerRef: ada })
      .expect(200);
    await request(server)
      .patch(`/api/multivac/postmortems/PM-1/action-items/${item.body.id}`)
      .set(as(grace))
      .send({ dueDate: '2026-12-31' })
      .expect(200);
    const handedOver = await eventually(
      () => notificationsOf(server, ada),
      list => list.some(n => n.payload.topic === 'action-item'),
    );
    expect(handedOver.filter(n => n.payload.topic === 'action-item')).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          title: 'Action item for you: Add a ledger latency alert',
        }),
      }),
    ]);
    const jobs = await request(server)
      .get('/api/multivac/incidents/INC-1')
      .set(as(grace));
    expect(
      jobs.body.jobs.filter(
        (job: { type: string }) => job.type === 'notifications.action-item',
      ),
    ).toHaveLength(2);
  });

  it('pages a person through the notifications channel, in one notification per page', async () => {
    const { server } = await startWithNotifications();
    const paged = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({
        scheduleId: 'shop-247',
        entityRef: 'component:default/ledger',
        summary: 'Ledger writes fail',
      });
    expect(paged.status).toBe(201);

    const page = await eventually(
      async () =>
        (
          await request(server)
            .get(`/api/multivac/pages/${paged.body.id}`)
            .set(asAda)
        ).body,
      body => body.deliveries?.[0]?.status === 'delivered',
    );
    expect(page.deliveries).toEqual([
      expect.objectContaining({
        channel: 'notifications',
        status: 'delivered',
        detail: 'sent as a Backstage notification to Ken Thompson',
      }),
    ]);
    const received = await eventually(
      () => notificationsOf(server, ken),
      list => list.length > 0,
    );
    expect(received).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          title: 'You are paged: Ledger writes fail',
          severity: 'critical',
          topic: 'page',
          scope: `multivac:page:${paged.body.id}`,
          link: 'http://portal.example/multivac/oncall',
        }),
      }),
    ]);

    // Acknowledging updates the same notification (the page subscriber).
    const acknowledged = await request(server)
      .post(`/api/multivac/pages/${paged.body.id}/acknowledge`)
      .set(as(ken));
    expect(acknowledged.status).toBe(200);
    const after = await eventually(
      () => notificationsOf(server, ken),
      list => list[0]?.payload.severity === 'low',
    );
    expect(after).toEqual([
      expect.objectContaining({
        id: received[0].id,
        payload: expect.objectContaining({
          title: 'Page acknowledged: Ledger writes fail',
        }),
      }),
    ]);
  });

  it('tells the owners of what depends on a release forced past a blocking conflict', async () => {
    const { server } = await startWithNotifications();
    const book = (body: object) =>
      request(server)
        .post('/api/multivac/releases')
        .set(as(grace))
        .send({
          environment: 'production',
          start: '2026-12-24T14:10:00Z',
          end: '2026-12-24T15:00:00Z',
          ...body,
        });
    const ledger = await book({
      entityRef: 'ledger',
      title: 'v7.0.0',
      start: '2026-12-24T14:00:00Z',
      end: '2026-12-24T14:30:00Z',
    });
    expect(ledger.status).toBe(201);
    const forced = await book({
      entityRef: 'payments-api',
      title: 'v2.4.1',
      force: { reason: 'Hotfix for failing card payments' },
    });
    expect(forced.status).toBe(201);
    expect(forced.body.reference).toBe('REL-2');

    // Ada's team owns checkout, which depends on payments-api.
    const received = await eventually(
      () => notificationsOf(server, ada),
      list => list.length > 0,
    );
    expect(received).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          title:
            'REL-2 booked past a blocking conflict: payments-api v2.4.1 in production',
          description: expect.stringContaining(
            'Reason: Hotfix for failing card payments',
          ),
          link: 'http://portal.example/multivac/releases/REL-2',
          severity: 'high',
          topic: 'release',
          scope: 'multivac:release:REL-2',
        }),
      }),
    ]);
    // Not the payments team that booked it (Grace forced it, Ken is in it),
    // and nothing for the unforced ledger booking.
    expect(await notificationsOf(server, grace)).toEqual([]);
    expect(await notificationsOf(server, ken)).toEqual([]);
  });

  it('sends nothing, and records no notification jobs, without the notifications plugin', async () => {
    const { server } = await startBackend(undefined, {
      jobs: { pollIntervalSeconds: 0.1 },
    });
    const declared = await request(server)
      .post('/api/multivac/incidents')
      .set(asAda)
      .send({
        title: 'Card payments fail',
        severity: 'SEV2',
        entityRefs: ['payments-api'],
      });
    expect(declared.status).toBe(201);
    const incident = await request(server)
      .get('/api/multivac/incidents/INC-1')
      .set(asAda);
    expect(incident.status).toBe(200);
    expect(
      incident.body.jobs.map((job: { type: string }) => job.type),
    ).not.toContainEqual(expect.stringContaining('notifications'));
    // The annotation's channel is not offered.
    const paged = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({
        scheduleId: 'shop-247',
        entityRef: 'component:default/ledger',
        summary: 'Ledger writes fail',
      });
    expect(paged.status).toBe(201);
  });
});
