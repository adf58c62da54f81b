import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  IncidentChange,
  multivacIncidentsExtensionPoint,
} from '@multivac/plugin-multivac-node';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from './__testUtils__/databases';
import { multivacPlugin } from './plugin';
import { waitFor } from './__testUtils__/waitFor';

jest.setTimeout(60_000);

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';

const catalogEntities = [
  entity('Component', 'payments-api', {
    spec: { owner: 'payments' },
    relations: [
      ['ownedBy', 'group:default/payments'],
      ['partOf', 'system:default/payments'],
    ],
  }),
  entity('Component', 'ledger-service'),
  entity('Group', 'payments'),
  entity('System', 'payments'),
  user('ada.lovelace'),
  user('grace.hopper'),
];

function startBackend(
  options: {
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    features?: any[];
    config?: object;
    knex?: Knex;
  } = {},
) {
  return startTestBackend({
    features: [
      multivacPlugin,
      catalogServiceMock.factory({ entities: catalogEntities }),
      mockServices.rootConfig.factory({
        data: { multivac: options.config ?? {} },
      }),
      ...(options.permission
        ? [mockServices.permissions.factory({ result: options.permission })]
        : []),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...(options.features ?? []),
    ],
  });
}

const asAda = { Authorization: mockCredentials.user.header(ada) };
const asGrace = { Authorization: mockCredentials.user.header(grace) };

describe('multivac backend plugin', () => {
  it('answers /health without sign-in and refuses unauthenticated API calls', async () => {
    const { server } = await startBackend();
    await request(server)
      .get('/api/multivac/health')
      .expect(200, { status: 'ok' });
    const refused = await request(server)
      .get('/api/multivac/incidents')
      .set('Authorization', mockCredentials.none.header());
    expect(refused.status).toBe(401);
  });

  it('declares, runs and resolves an incident over REST', async () => {
    const { server } = await startBackend();
    const declared = await request(server)
      .post('/api/multivac/incidents')
      .set(asAda)
      .send({
        title: 'Checkout payments failing',
        severity: 'SEV2',
        entityRefs: ['payments-api'],
        description: 'Visa payments return 502',
      });
    expect(declared.status).toBe(201);
    expect(declared.body).toMatchObject({
      id: expect.any(String),
      number: 1,
      reference: 'INC-1',
      status: 'triggered',
      entityRefs: ['component:default/payments-api'],
      roles: [{ role: 'controller', userRef: ada }],
    });

    const move = (to: string, headers = asAda) =>
      request(server)
        .post('/api/multivac/incidents/INC-1/transitions')
        .set(headers)
        .send({ to });
    expect((await move('acknowledged', asGrace)).body.status).toBe(
      'acknowledged',
    );
    expect((await move('investigating')).body.status).toBe('investigating');

    const backward = await move('acknowledged');
    expect(backward.status).toBe(409);
    expect(backward.body.error).toMatchObject({
      name: 'ConflictError',
      message:
        'INC-1 cannot move from investigating to acknowledged; allowed: identified, monitoring, resolved, cancelled',
    });

    const handover = await request(server)
      .post(`/api/multivac/incidents/${declared.body.id}/roles`)
      .set(asAda)
      .send({ role: 'controller', userRef: 'user:default/grace.hopper' });
    expect(handover.status).toBe(200);
    expect(handover.body.roles).toEqual([
      expect.objectContaining({ role: 'controller', userRef: grace }),
    ]);

    const note = await request(server)
      .post('/api/multivac/incidents/INC-1/notes')
      .set(asGrace)
      .send({ text: 'Rolled back ledger-service 4.2.1' });
    expect(note.status).toBe(201);

    const patched = await request(server)
      .patch('/api/multivac/incidents/INC-1')
      .set(asGrace)
      .send({ severity: 'SEV1', impact: 'No card payments for 8 minutes' });
    expect(patched.body).toMatchObject({
      severity: 'SEV1',
      impact: 'No card payments for 8 minutes',
    });

    expect((await move('resolved', asGrace)).body.status).toBe('resolved');

    const timeline = await request(server)
      .get('/api/multivac/incidents/INC-1/timeline')
      .set(asAda);
    // Paging on declare runs as jobs beside the requests (see IncidentPaging).
    const byPeople = timeline.body.items.filter(
      (e: any) => e.actor !== 'service:multivac',
    );
    expect(byPeople.map((e: any) => [e.type, e.actor])).toEqual([
      ['declared', ada],
      ['role_assigned', ada],
      ['status_changed', grace],
      ['status_changed', ada],
      ['role_assigned', ada],
      ['note', grace],
      ['field_changed', grace],
      ['severity_changed', grace],
      ['status_changed', grace],
    ]);

    const fetched = await request(server)
      .get('/api/multivac/incidents/INC-1')
      .set(asAda);
    expect(fetched.body).toMatchObject({ status: 'resolved' });
    expect(fetched.body.jobs.map((j: any) => j.type)).toEqual([
      'incident.page',
    ]);
    expect(Object.keys(fetched.body.stateTimestamps).sort()).toEqual([
      'acknowledged',
      'investigating',
      'resolved',
      'triggered',
    ]);
  });

  it('answers 400 naming the field for a bad body, and refuses unknown entities', async () => {
    const { server } = await startBackend();
    const badSeverity = await request(server)
      .post('/api/multivac/incidents')
      .set(asAda)
      .send({ title: 'x', severity: 'SEV9', entityRefs: ['payments-api'] });
    expect(badSeverity.status).toBe(400);
    expect(badSeverity.body.error.name).toBe('InputError');
    expect(badSeverity.body.error.message).toMatch(
      /^Invalid incident: severity: /,
    );

    const noTitle = await request(server)
      .post('/api/multivac/incidents')
      .set(asAda)
      .send({ severity: 'SEV3', entityRefs: ['payments-api'] });
    expect(noTitle.status).toBe(400);
    expect(noTitle.body.error.message).toContain('title');

    const unknown = await request(server)
      .post('/api/multivac/incidents')
      .set(asAda)
      .send({
        title: 'x',
        severity: 'SEV3',
        entityRefs: ['payments-api', 'component:default/nope'],
      });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'entityRefs: unknown catalog entity: component:default/nope',
    );
    const list = await request(server)
      .get('/api/multivac/incidents')
      .set(asAda);
    expect(list.body.totalCount).toBe(0);

    const badState = await request(server)
      .post('/api/multivac/incidents/INC-1/transitions')
      .set(asAda)
      .send({ to: 'done' });
    expect(badState.status).toBe(400);
    expect(badState.body.error.message).toMatch(/^Invalid transition: to: /);

    const missing = await request(server)
      .post('/api/multivac/incidents/INC-404/transitions')
      .set(asAda)
      .send({ to: 'resolved' });
    expect(missing.status).toBe(404);

    const badQuery = await request(server)
      .get('/api/multivac/incidents?limit=1000')
      .set(asAda);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.message).toContain('limit');
  });

  it('lists with filters, paging, and a team or system seeing its services', async () => {
    const { server } = await startBackend();
    const declare = (title: string, entityRefs: string[], severity = 'SEV3') =>
      request(server)
        .post('/api/multivac/incidents')
        .set(asAda)
        .send({ title, severity, entityRefs })
        .expect(201);
    await declare('payments down', ['payments-api'], 'SEV1');
    await declare('ledger slow', ['ledger-service']);
    await declare('both', ['payments-api', 'ledger-service']);
    await request(server)
      .post('/api/multivac/incidents/INC-2/transitions')
      .set(asAda)
      .send({ to: 'resolved' })
      .expect(200);

    const list = async (query: string) =>
      (
        await request(server)
          .get(`/api/multivac/incidents?${query}`)
          .set(asAda)
          .expect(200)
      ).body;

    expect((await list('')).items.map((i: any) => i.reference)).toEqual([
      'INC-3',
      'INC-2',
      'INC-1',
    ]);
    expect(
      (await list('entityRef=component:default/payments-api')).totalCount,
    ).toBe(2);
    expect(
      (await list('entityRef=group:default/payments')).items.map(
        (i: any) => i.reference,
      ),
    ).toEqual(['INC-3', 'INC-1']);
    expect((await list('entityRef=system:default/payments')).totalCount).toBe(
      2,
    );
    expect((await list('status=active')).totalCount).toBe(2);
    expect((await list('status=resolved')).items[0].reference).toBe('INC-2');
    expect((await list('severity=SEV1&severity=SEV2')).totalCount).toBe(1);
    const page = await list('limit=2&offset=2');
    expect(page).toMatchObject({ totalCount: 3, limit: 2, offset: 2 });
    expect(page.items.map((i: any) => i.reference)).toEqual(['INC-1']);

    // `all` is any state, alone or beside others
    expect((await list('status=all')).totalCount).toBe(3);
    expect((await list('status=all&status=resolved')).totalCount).toBe(3);
    // text search in the title (and summary), with the other filters
    expect((await list('q=LEDGER')).items.map((i: any) => i.reference)).toEqual(
      ['INC-2'],
    );
    expect((await list('q=%20down%20&status=active')).totalCount).toBe(1);
    expect((await list('q=')).totalCount).toBe(3);

    const refused = async (query: string) => {
      const response = await request(server)
        .get(`/api/multivac/incidents?${query}`)
        .set(asAda);
      expect(response.status).toBe(400);
      return response.body.error.message;
    };
    expect(await refused('status=everything')).toBe(
      'Invalid query: status: must be one of triggered, acknowledged, investigating, identified, monitoring, resolved, cancelled, active, all',
    );
    expect(await refused(`q=${'x'.repeat(201)}`)).toBe(
      'Invalid query: q: at most 200 characters',
    );
    expect(await refused('q=a&q=b')).toMatch(/^Invalid query: q: /);
    expect(await refused('status=active&status=closed')).toBe(
      'Invalid query: status: #2: must be one of triggered, acknowledged, investigating, identified, monitoring, resolved, cancelled, active, all',
    );
  });

  it('checks permissions on every route', async () => {
    const { server } = await startBackend({ permission: AuthorizeResult.DENY });
    const calls = [
      request(server).get('/api/multivac/incidents'),
      request(server).get('/api/multivac/incidents/INC-1'),
      request(server).get('/api/multivac/incidents/INC-1/timeline'),
      request(server)
        .post('/api/multivac/incidents')
        .send({ title: 'x', severity: 'SEV3', entityRefs: ['payments-api'] }),
      request(server)
        .patch('/api/multivac/incidents/INC-1')
        .send({ title: 'y' }),
      request(server)
        .post('/api/multivac/incidents/INC-1/transitions')
        .send({ to: 'resolved' }),
      request(server)
        .post('/api/multivac/incidents/INC-1/roles')
        .send({ role: 'observer', userRef: ada }),
      request(server)
        .post('/api/multivac/incidents/INC-1/notes')
        .send({ text: 'hi' }),
    ];
    for (const call of calls) {
      const res = await call.set(asAda);
      expect(res.status).toBe(403);
    }
  });

  describe('incident subscribers', () => {
    const databases = createTestDatabases();

    /** The test subscriber's jobs on an incident (not paging's). */
    const subscriberJobs = (incident: { jobs: any[] }) =>
      incident.jobs.filter(j => j.type === 'subscriber:test');

    function subscriberModule(
      handler: (change: IncidentChange) => Promise<void>,
    ) {
      return createBackendModule({
        pluginId: 'multivac',
        moduleId: 'test-subscriber',
        register(reg) {
          reg.registerInit({
            deps: { incidents: multivacIncidentsExtensionPoint },
            async init({ incidents }) {
              incidents.addSubscriber({
                id: 'test',
                onIncidentChange: handler,
              });
            },
          });
        },
      });
    }

    it.each(databases.eachSupportedId())(
      'delivers each change as a job that survives a backend restart (%s)',
      async id => {
        const knex = await databases.init(id);
        const jobConfig = {
          // No paging on declare: only the subscriber's jobs run here.
          incidents: { paging: { SEV3: 'none' } },
          jobs: {
            leaseSeconds: 1,
            pollIntervalSeconds: 0.2,
            initialBackoffSeconds: 0,
            shutdownGraceSeconds: 0.1,
          },
        };

        // First backend: the subscriber hangs, as if the process died mid-call.
        const first = await startBackend({
          knex,
          config: jobConfig,
          features: [subscriberModule(() => new Promise(() => {}))],
        });
        const declared = await request(first.server)
          .post('/api/multivac/incidents')
          .set(asAda)
          .send({
            title: 'Restart me',
            severity: 'SEV3',
            entityRefs: ['payments-api'],
          })
          .expect(201);
        await waitFor(async () => {
          const res = await request(first.server)
            .get(`/api/multivac/incidents/${declared.body.id}`)
            .set(asAda);
          return subscriberJobs(res.body).some(j => j.status === 'running');
        });
        await first.stop();

        // Second backend on the same database: it finishes the deliveries.
        const received: IncidentChange[] = [];
        const second = await startBackend({
          knex,
          config: jobConfig,
          features: [
            subscriberModule(async change => {
              received.push(change);
            }),
          ],
        });
        try {
          await waitFor(async () => {
            const res = await request(second.server)
              .get(`/api/multivac/incidents/${declared.body.id}`)
              .set(asAda);
            const jobs = subscriberJobs(res.body);
            return (
              jobs.length === 2 && jobs.every(j => j.status === 'succeeded')
            );
          });
          expect(received.map(c => c.event.type).sort()).toEqual([
            'declared',
            'role_assigned',
          ]);
          expect(received[0].incident.reference).toBe('INC-1');
        } finally {
          await second.stop();
        }
      },
    );

    it('shows a job that keeps failing on the incident until it gives up', async () => {
      const { server } = await startBackend({
        config: {
          jobs: {
            maxAttempts: 2,
            initialBackoffSeconds: 0,
            pollIntervalSeconds: 0.1,
          },
        },
        features: [
          subscriberModule(async () => {
            throw new Error('chat is down');
          }),
        ],
      });
      await request(server)
        .post('/api/multivac/incidents')
        .set(asAda)
        .send({
          title: 'Failing side effect',
          severity: 'SEV4',
          entityRefs: ['payments-api'],
        })
        .expect(201);
      let jobs: any[] = [];
      await waitFor(async () => {
        jobs = subscriberJobs(
          (
            await request(server)
              .get('/api/multivac/incidents/INC-1')
              .set(asAda)
          ).body,
        );
        return jobs.length === 2 && jobs.every(j => j.status === 'failed');
      });
      expect(jobs[0]).toMatchObject({
        type: 'subscriber:test',
        attempts: 2,
        maxAttempts: 2,
        lastError: expect.stringContaining('chat is down'),
      });
    });
  });
});
