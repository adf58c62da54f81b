import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import {
  BackendFeature,
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import multivacProvider from '@multivac/plugin-auth-backend-module-multivac-provider';
import {
  incidentCreatePermission,
  releaseReadPermission,
} from '@multivac/plugin-multivac-common';
import {
  multivacReleasesExtensionPoint,
  ReleaseChange,
} from '@multivac/plugin-multivac-node';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import ICAL from 'ical.js';
import request from 'supertest';
import { multivacPlugin } from '../plugin';
import { waitFor } from '../__testUtils__/waitFor';

jest.setTimeout(60_000);

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const asAda = { Authorization: mockCredentials.user.header(ada) };

/** checkout → payments-api → ledger-service; the payments team owns both. */
const catalog = [
  entity('Group', 'payments'),
  entity('Group', 'storefront'),
  entity('System', 'shop'),
  entity('Component', 'payments-api', {
    relations: [
      ['ownedBy', 'group:default/payments'],
      ['partOf', 'system:default/shop'],
      ['dependsOn', 'component:default/ledger-service'],
    ],
  }),
  entity('Component', 'ledger-service', {
    relations: [['ownedBy', 'group:default/payments']],
  }),
  entity('Component', 'checkout', {
    relations: [
      ['ownedBy', 'group:default/storefront'],
      ['partOf', 'system:default/shop'],
      ['dependsOn', 'component:default/payments-api'],
    ],
  }),
  entity('Component', 'unowned'),
  user('ada.lovelace', {
    displayName: 'Ada Lovelace',
    memberOf: ['group:default/payments'],
  }),
  user('grace.hopper', { memberOf: ['group:default/storefront'] }),
];

const base = {
  entityRef: 'payments-api',
  title: 'v2.4.1',
  environment: 'production',
  start: '2026-11-24T14:10:00Z',
  end: '2026-11-24T15:00:00Z',
};
const ledgerRelease = {
  ...base,
  entityRef: 'ledger-service',
  title: 'v7.0.0',
  start: '2026-11-24T14:00:00Z',
  end: '2026-11-24T14:30:00Z',
};
const ledgerSentence =
  'payments-api depends on ledger-service, which releases 14:00–14:30 UTC, overlapping by 20 minutes';

/**
 * The tests book windows on 24 November 2026: the clock says it is 09:00
 * that morning (and runs on from there), so that none of them has ended.
 */
const MORNING = Date.parse('2026-11-24T09:00:00Z');
beforeEach(() => {
  jest.useFakeTimers({
    now: MORNING,
    advanceTimers: true,
    doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
  });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('/api/multivac/releases', () => {
  function startBackend(
    options: {
      permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
      features?: BackendFeature[];
    } = {},
  ) {
    return startTestBackend({
      features: [
        multivacPlugin,
        catalogServiceMock.factory({ entities: catalog }),
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://portal.example.com' } },
        }),
        ...(options.permission
          ? [mockServices.permissions.factory({ result: options.permission })]
          : []),
        ...(options.features ?? []),
      ],
    });
  }

  it('books a release, lists it by its team, and moves it through its statuses', async () => {
    const { server } = await startBackend();
    const created = await request(server)
      .post('/api/multivac/releases')
      .set(asAda)
      .send({
        ...base,
        links: [{ kind: 'ci', url: 'https://ci.example.com/runs/7' }],
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      reference: 'REL-1',
      entityRef: 'component:default/payments-api',
      environment: 'production',
      start: '2026-11-24T14:10:00.000Z',
      status: 'planned',
      ownerRef: 'group:default/payments', // from the catalog
      createdBy: ada,
      links: [{ kind: 'ci', url: 'https://ci.example.com/runs/7' }],
      conflicts: [],
    });

    const byTeam = await request(server)
      .get(
        '/api/multivac/releases?entityRef=group:default/payments&status=active',
      )
      .set(asAda);
    expect(byTeam.body).toMatchObject({
      totalCount: 1,
      items: [{ reference: 'REL-1' }],
    });
    const otherTeam = await request(server)
      .get('/api/multivac/releases?entityRef=group:default/storefront')
      .set(asAda);
    expect(otherTeam.body.totalCount).toBe(0);
    const outside = await request(server)
      .get(
        '/api/multivac/releases?from=2026-11-24T15:00:00Z&to=2026-11-25T00:00:00Z',
      )
      .set(asAda);
    expect(outside.body.totalCount).toBe(0);

    const edited = await request(server)
      .patch('/api/multivac/releases/REL-1')
      .set(asAda)
      .send({ notes: 'Feature flag stays off', ownerRef: 'storefront' });
    expect(edited.body).toMatchObject({
      notes: 'Feature flag stays off',
      ownerRef: 'group:default/storefront',
    });

    const started = await request(server)
      .post('/api/multivac/releases/REL-1/status')
      .set(asAda)
      .send({ to: 'in_progress' });
    expect(started.body.status).toBe('in_progress');
    const wrong = await request(server)
      .post('/api/multivac/releases/REL-1/status')
      .set(asAda)
      .send({ to: 'cancelled' });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.message).toBe(
      'REL-1 cannot move from in_progress to cancelled; allowed: done, rolled_back',
    );
    const rolledBack = await request(server)
      .post(`/api/multivac/releases/${created.body.id}/status`)
      .set(asAda)
      .send({ to: 'rolled_back', note: 'error rate doubled' });
    expect(rolledBack.body.history.map((h: any) => h.status)).toEqual([
      'planned',
      'in_progress',
      'rolled_back',
    ]);
    const moveFinished = await request(server)
      .patch('/api/multivac/releases/REL-1')
      .set(asAda)
      .send({ end: '2026-11-24T16:00:00Z' });
    expect(moveFinished.status).toBe(409);
    expect(moveFinished.body.error.message).toBe(
      'REL-1 is rolled_back; only planned or in-progress releases can move',
    );
  });

  it('answers 409 with the conflicts, and books a forced release with who and why', async () => {
    const { server } = await startBackend();
    const post = (body: object) =>
      request(server).post('/api/multivac/releases').set(asAda).send(body);
    const ledger = await post(ledgerRelease);
    expect(ledger.status).toBe(201);

    const dryRun = await request(server)
      .post('/api/multivac/releases/check')
      .set(asAda)
      .send(base);
    expect(dryRun.body).toEqual({
      blocked: true,
      conflicts: [
        expect.objectContaining({
          kind: 'dependency',
          sentence: ledgerSentence,
          releaseReference: 'REL-1',
          blocking: true,
        }),
      ],
    });

    const blocked = await post(base);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error).toMatchObject({
      name: 'ConflictError',
      message: `1 conflict blocks releasing into production: ${ledgerSentence}. Choose another window, or give force.reason to release anyway`,
    });
    expect(blocked.body.conflicts).toEqual(dryRun.body.conflicts);
    expect(blocked.body.response).toEqual({ statusCode: 409 });

    const forced = await post({
      ...base,
      force: { reason: 'Hotfix for failing card payments' },
    });
    expect(forced.status).toBe(201);
    expect(forced.body.forced).toMatchObject({
      reason: 'Hotfix for failing card payments',
      by: ada,
      conflicts: [{ kind: 'dependency', sentence: ledgerSentence }],
    });
    const stored = await request(server)
      .get('/api/multivac/releases/REL-2')
      .set(asAda);
    expect(stored.body.forced.reason).toBe('Hotfix for failing card payments');

    // staging only warns
    await post({ ...ledgerRelease, environment: 'staging' });
    const warned = await post({ ...base, environment: 'staging' });
    expect(warned.status).toBe(201);
    expect(warned.body.conflicts).toEqual([
      expect.objectContaining({ kind: 'dependency', blocking: false }),
    ]);
    expect(warned.body.forced).toBeUndefined();

    // Listed with their conflicts as they stand now: both staging releases
    // see each other, including the one booked first.
    const listed = await request(server)
      .get('/api/multivac/releases?environment=staging&withConflicts=true')
      .set(asAda);
    const kinds = Object.fromEntries(
      listed.body.items.map((r: any) => [
        r.reference,
        r.conflicts.map((c: any) => `${c.kind} ${c.blocking}`),
      ]),
    );
    expect(kinds).toEqual({
      'REL-3': ['dependent false'],
      'REL-4': ['dependency false'],
    });
    const plain = await request(server)
      .get('/api/multivac/releases?environment=staging')
      .set(asAda);
    expect(plain.body.items[0].conflicts).toBeUndefined();
  });

  it('checks a moved window again', async () => {
    const { server } = await startBackend();
    await request(server)
      .post('/api/multivac/releases')
      .set(asAda)
      .send(ledgerRelease);
    const payments = await request(server)
      .post('/api/multivac/releases')
      .set(asAda)
      .send({
        ...base,
        start: '2026-11-24T15:00:00Z',
        end: '2026-11-24T16:00:00Z',
      });
    expect(payments.body.conflicts).toEqual([]);

    const patch = (body: object) =>
      request(server)
        .patch(`/api/multivac/releases/${payments.body.reference}`)
        .set(asAda)
        .send(body);
    const blocked = await patch({ start: '2026-11-24T14:10:00Z' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.conflicts[0].sentence).toBe(
      'payments-api depends on ledger-service, which releases 14:00–14:30 UTC, overlapping by 20 minutes',
    );
    const backwards = await patch({ start: '2026-11-24T17:00:00Z' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toBe(
      'Invalid release update: end: must be after start',
    );
    const moved = await patch({
      start: '2026-11-24T14:10:00Z',
      force: { reason: 'ledger change is backwards compatible' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      start: '2026-11-24T14:10:00.000Z',
      forced: { reason: 'ledger change is backwards compatible' },
    });
  });

  it("lists an entity's releases and those of what it depends on, with why", async () => {
    const { server } = await startBackend();
    const book = (body: object) =>
      request(server).post('/api/multivac/releases').set(asAda).send(body);
    await book(ledgerRelease);
    await book({
      ...base,
      start: '2026-11-24T15:00:00Z',
      end: '2026-11-24T16:00:00Z',
    });
    // checkout depends on payments-api, not the other way round
    await book({
      ...base,
      entityRef: 'checkout',
      start: '2026-11-24T17:00:00Z',
      end: '2026-11-24T18:00:00Z',
    });
    await book({ ...ledgerRelease, environment: 'staging' });
    await book({
      ...ledgerRelease,
      start: '2026-11-26T14:00:00Z',
      end: '2026-11-26T15:00:00Z',
    });

    const around = await request(server)
      .get('/api/multivac/releases/around')
      .query({
        entityRef: 'payments-api',
        environment: 'production',
        from: '2026-11-24T00:00:00Z',
        to: '2026-11-25T00:00:00Z',
      })
      .set(asAda);
    expect(around.status).toBe(200);
    expect(
      around.body.items.map(
        (item: {
          release: { entityRef: string; start: string };
          reason?: string;
        }) => [item.release.entityRef, item.release.start, item.reason],
      ),
    ).toEqual([
      [
        'component:default/ledger-service',
        '2026-11-24T14:00:00.000Z',
        'payments-api depends on ledger-service',
      ],
      ['component:default/payments-api', '2026-11-24T15:00:00.000Z', undefined],
    ]);

    const noWindow = await request(server)
      .get('/api/multivac/releases/around?entityRef=payments-api')
      .set(asAda);
    expect(noWindow.status).toBe(400);
    expect(noWindow.body.error.message).toMatch(/from: .*to: /);
  });

  it('answers 400 naming what is wrong, and stores nothing', async () => {
    const { server } = await startBackend();
    const post = (body: object) =>
      request(server).post('/api/multivac/releases').set(asAda).send(body);
    const cases: Array<[object, string]> = [
      [
        { ...base, end: base.start },
        'Invalid release: end: must be after start',
      ],
      [
        { ...base, entityRef: 'no-such-service' },
        'entityRefs: unknown catalog entity: component:default/no-such-service',
      ],
      [
        { ...base, environment: 'prod' },
        "environment: unknown environment 'prod'; configured: production, staging",
      ],
      [
        {
          ...base,
          links: [
            { kind: 'ci', url: 'data:text/html,<script>alert(1)</script>' },
          ],
        },
        'Invalid release: links.0.url: must be an http(s) URL',
      ],
      [
        { ...base, ownerRef: 'nobody' },
        'ownerRef: unknown catalog entity group:default/nobody',
      ],
      [
        { ...base, start: '24.11.2026 14:00' },
        'Invalid release: start: must be an ISO 8601 time with a zone, e.g. 2026-11-24T14:00:00Z',
      ],
      [
        { ...base, version: '1' },
        "Invalid release: Unrecognized key(s) in object: 'version'",
      ],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect({ status: res.status, message: res.body.error.message }).toEqual({
        status: 400,
        message,
      });
    }
    const check = await request(server)
      .post('/api/multivac/releases/check')
      .set(asAda)
      .send({ ...base, environment: 'prod' });
    expect(check.status).toBe(400);
    const list = await request(server).get('/api/multivac/releases').set(asAda);
    expect(list.body.totalCount).toBe(0);
    const missing = await request(server)
      .get('/api/multivac/releases/REL-9')
      .set(asAda);
    expect(missing.status).toBe(404);
    const environments = await request(server)
      .get('/api/multivac/releases/environments')
      .set(asAda);
    expect(environments.body.items).toEqual([
      { id: 'production', policy: 'block' },
      { id: 'staging', policy: 'warn' },
    ]);
  });

  it('refuses windows that ended, except a past release recorded as done with a reason', async () => {
    const { server } = await startBackend();
    const post = (body: object) =>
      request(server).post('/api/multivac/releases').set(asAda).send(body);
    const yesterday = {
      ...base,
      start: '2026-11-23T14:00:00Z',
      end: '2026-11-23T15:00:00Z',
    };
    const refused: Array<[object, string]> = [
      [
        yesterday,
        "Invalid release: end: the window ended at Nov 23, 2026, 3:00 PM UTC; book a window that has not ended, or record a release that already happened with status 'done' and a reason",
      ],
      [
        { ...yesterday, status: 'done' },
        'Invalid release: reason: say why the past release is recorded as done',
      ],
      [
        { ...yesterday, reason: 'Booked late' },
        "Invalid release: status: a reason goes with status 'done' (a release that already happened)",
      ],
      [
        { ...yesterday, status: 'planned', reason: 'Booked late' },
        "Invalid release: status: only 'done' (a release that already happened) may be booked with a status",
      ],
      [
        { ...yesterday, status: 'done', reason: 'x'.repeat(2001) },
        'Invalid release: reason: keep it to 2000 characters',
      ],
      [
        { ...base, status: 'done', reason: 'Booked late' },
        'Invalid release: status: only a release whose window has ended can be recorded as done; this one ends Nov 24, 2026, 3:00 PM UTC',
      ],
    ];
    for (const [body, message] of refused) {
      const res = await post(body);
      expect({ status: res.status, message: res.body.error.message }).toEqual({
        status: 400,
        message,
      });
    }
    expect(
      (await request(server).get('/api/multivac/releases').set(asAda)).body
        .totalCount,
    ).toBe(0);

    const recorded = await post({
      ...yesterday,
      status: 'done',
      reason: 'Shipped during INC-4, booked afterwards',
    });
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({
      reference: 'REL-1',
      status: 'done',
      conflicts: [],
      history: [
        {
          status: 'done',
          by: ada,
          note: 'Shipped during INC-4, booked afterwards',
        },
      ],
    });

    // moving a window so that it has ended is refused too
    const today = await post(base);
    expect(today.status).toBe(201);
    const moved = await request(server)
      .patch('/api/multivac/releases/REL-2')
      .set(asAda)
      .send({ start: yesterday.start, end: yesterday.end });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toBe(
      'Invalid release update: end: the window would have ended at 2026-11-23T15:00:00Z; choose a window that has not ended',
    );
  });

  it('moves releases to in progress and done as their windows pass, except where CI set the status', async () => {
    const tasks = new Map<string, () => Promise<void>>();
    const scheduler = mockServices.scheduler.mock({
      async scheduleTask(task) {
        tasks.set(task.id, task.fn as () => Promise<void>);
      },
    });
    const { server } = await startBackend({ features: [scheduler.factory] });
    const post = (body: object) =>
      request(server).post('/api/multivac/releases').set(asAda).send(body);
    const status = async (reference: string) =>
      (
        await request(server)
          .get(`/api/multivac/releases/${reference}`)
          .set(asAda)
      ).body.status;
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'multivac-release-statuses',
        scope: 'global',
        frequency: { minutes: 1 },
      }),
    );
    const tick = tasks.get('multivac-release-statuses')!;
    // REL-1 14:10–15:00, REL-2 (staging) 14:00–14:30, started by CI
    expect((await post(base)).status).toBe(201);
    expect(
      (await post({ ...ledgerRelease, environment: 'staging' })).status,
    ).toBe(201);
    await request(server)
      .post('/api/multivac/releases/REL-2/status')
      .set(asAda)
      .send({ to: 'in_progress', note: 'CI deploy started' })
      .expect(200);

    jest.setSystemTime(Date.parse('2026-11-24T14:15:00Z'));
    await tick();
    expect([await status('REL-1'), await status('REL-2')]).toEqual([
      'in_progress',
      'in_progress',
    ]);
    jest.setSystemTime(Date.parse('2026-11-24T16:00:00Z'));
    await tick();
    expect([await status('REL-1'), await status('REL-2')]).toEqual([
      'done',
      'in_progress', // CI said it started and has not said it ended
    ]);
  });

  it('takes the owner from a service caller or fails naming ownerRef', async () => {
    const { server } = await startBackend();
    const asCi = {
      Authorization: mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('external:github-actions'),
        targetPluginId: 'multivac',
      }),
    };
    const booked = await request(server)
      .post('/api/multivac/releases')
      .set(asCi)
      .send(base);
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({
      createdBy: 'service:external:github-actions',
      ownerRef: 'group:default/payments',
    });
    const unowned = await request(server)
      .post('/api/multivac/releases')
      .set(asCi)
      .send({ ...base, entityRef: 'unowned', environment: 'staging' });
    expect(unowned.status).toBe(400);
    expect(unowned.body.error.message).toBe(
      'ownerRef: unowned has no owner in the catalog; say who owns the release',
    );
    const byUser = await request(server)
      .post('/api/multivac/releases')
      .set(asAda)
      .send({ ...base, entityRef: 'unowned', environment: 'staging' });
    expect(byUser.body.ownerRef).toBe(ada);
    const token = await request(server)
      .post('/api/multivac/releases/feed-token')
      .set(asCi);
    expect(token.status).toBe(403);
  });

  it('checks the release permissions on every route', async () => {
    const { server } = await startBackend({ permission: AuthorizeResult.DENY });
    const calls = [
      request(server).get('/api/multivac/releases'),
      request(server).get('/api/multivac/releases/REL-1'),
      request(server).get('/api/multivac/releases/environments'),
      request(server).get(
        '/api/multivac/releases/around?entityRef=payments-api&from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z',
      ),
      request(server).get('/api/multivac/releases/calendar.ics'),
      request(server).post('/api/multivac/releases').send(base),
      request(server).post('/api/multivac/releases/check').send(base),
      request(server).post('/api/multivac/releases/feed-token'),
      request(server)
        .patch('/api/multivac/releases/REL-1')
        .send({ notes: 'x' }),
      request(server)
        .post('/api/multivac/releases/REL-1/status')
        .send({ to: 'done' }),
    ];
    for (const call of calls) {
      const res = await call.set(asAda);
      expect(res.status).toBe(403);
    }
    const anonymous = { Authorization: mockCredentials.none.header() };
    expect(
      (await request(server).get('/api/multivac/releases').set(anonymous))
        .status,
    ).toBe(401);
    expect(
      (
        await request(server)
          .get('/api/multivac/releases/calendar.ics')
          .set(anonymous)
      ).status,
    ).toBe(401);
  });

  it('tells release subscribers, with the dependents and their owners', async () => {
    const changes: ReleaseChange[] = [];
    const subscriberModule = createBackendModule({
      pluginId: 'multivac',
      moduleId: 'test-release-subscriber',
      register(reg) {
        reg.registerInit({
          deps: { releases: multivacReleasesExtensionPoint },
          async init({ releases }) {
            releases.addReleaseSubscriber({
              id: 'test',
              async onReleaseChange(change) {
                changes.push(change);
              },
            });
          },
        });
      },
    });
    const { server } = await startBackend({ features: [subscriberModule] });
    await request(server)
      .post('/api/multivac/releases')
      .set(asAda)
      .send({ ...base, entityRef: 'ledger-service' });
    await waitFor(() => changes.length === 1);
    expect(changes[0]).toMatchObject({
      change: 'scheduled',
      release: { reference: 'REL-1' },
      dependents: [
        {
          entityRef: 'component:default/payments-api',
          ownerRef: 'group:default/payments',
          reason: 'payments-api depends on ledger-service',
        },
        {
          entityRef: 'component:default/checkout',
          ownerRef: 'group:default/storefront',
          reason:
            'checkout depends on payments-api, which depends on ledger-service',
        },
      ],
      attempt: 1,
    });

    await request(server)
      .post('/api/multivac/releases/REL-1/status')
      .set(asAda)
      .send({ to: 'in_progress' });
    await waitFor(() => changes.length === 2);
    await request(server)
      .post('/api/multivac/releases/REL-1/status')
      .set(asAda)
      .send({ to: 'done' });
    await waitFor(() => changes.length === 3);
    expect(changes.map(c => [c.change, c.release.status])).toEqual([
      ['scheduled', 'planned'],
      ['starting', 'in_progress'],
      ['status', 'done'],
    ]);
  });
});

describe('release calendar feeds and CI, with the real auth and permission services', () => {
  const CI_TOKEN = 'ci-release-token-0123456789';
  /**
   * A date some days from now: the feed shows 30 days back and a year ahead
   * of the real clock, so these windows must move with it.
   */
  const day = (days: number) =>
    new Date(MORNING + days * 86_400_000).toISOString().slice(0, 10);
  const paymentsWindow = {
    start: `${day(3)}T14:10:00Z`,
    end: `${day(3)}T15:00:00Z`,
  };
  /** Users whose release reads the policy denies. */
  const denied = new Set<string>();
  let server: Parameters<typeof request>[0];
  let userToken: (userRef: string) => Promise<string>;

  /** Users may read releases unless denied; nobody else gets anything. */
  const policyModule = createBackendModule({
    pluginId: 'permission',
    moduleId: 'test-policy',
    register(reg) {
      reg.registerInit({
        deps: { policy: policyExtensionPoint },
        async init({ policy }) {
          policy.setPolicy({
            async handle(req, caller) {
              const allowed =
                req.permission.name === releaseReadPermission.name &&
                !denied.has(caller?.info.userEntityRef ?? '');
              return {
                result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
              };
            },
          });
        },
      });
    },
  });

  /** Signs users in the way the plugin does, to call it as them. */
  const signInModule = createBackendModule({
    pluginId: 'multivac',
    moduleId: 'test-sign-in',
    register(reg) {
      reg.registerInit({
        deps: { auth: coreServices.auth, discovery: coreServices.discovery },
        async init({ auth, discovery }) {
          userToken = async userRef => {
            const { token } = await auth.getPluginRequestToken({
              onBehalfOf: await auth.getOwnServiceCredentials(),
              targetPluginId: 'auth',
            });
            const response = await fetch(
              `${await discovery.getBaseUrl('auth')}/multivac/refresh`,
              {
                headers: {
                  authorization: `Bearer ${token}`,
                  'x-multivac-user-entity-ref': userRef,
                  'x-multivac-reason': 'sign a test user in',
                },
              },
            );
            return (await response.json()).backstageIdentity.token;
          };
        },
      });
    },
  });

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        multivacPlugin,
        authPlugin,
        multivacProvider,
        permissionPlugin,
        policyModule,
        signInModule,
        authServiceFactory,
        httpAuthServiceFactory,
        permissionsServiceFactory,
        userInfoServiceFactory,
        catalogServiceMock.factory({ entities: catalog }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.example.com' },
            permission: { enabled: true },
            auth: { providers: { multivac: {} } },
            backend: {
              auth: {
                externalAccess: [
                  {
                    type: 'static',
                    options: { token: CI_TOKEN, subject: 'github-actions' },
                    accessRestrictions: [
                      {
                        plugin: 'multivac',
                        permission: [
                          'multivac.release.read',
                          'multivac.release.create',
                          'multivac.release.update',
                        ],
                      },
                    ],
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
  });

  const asCi = { Authorization: `Bearer ${CI_TOKEN}` };

  it('lets CI book and finish releases with its external access token, and nothing else', async () => {
    const booked = await request(server)
      .post('/api/multivac/releases')
      .set(asCi)
      .send({
        ...base,
        ...paymentsWindow,
        links: [
          {
            kind: 'ci',
            url: 'https://github.com/nimbus/payments/actions/runs/1',
          },
          {
            kind: 'changelog',
            url: 'https://github.com/nimbus/payments/compare/v2.4.0...v2.4.1',
          },
        ],
        notes: 'Card tokenisation moves to the new vault',
      });
    expect(booked.status).toBe(201);
    expect(booked.body.createdBy).toBe('service:github-actions');
    const done = await request(server)
      .post(`/api/multivac/releases/${booked.body.reference}/status`)
      .set(asCi)
      .send({ to: 'done' });
    expect(done.body.status).toBe('done');

    // The token's access restrictions leave out incidents ...
    const incident = await request(server)
      .post('/api/multivac/incidents')
      .set(asCi)
      .send({ title: 'x', severity: 'SEV4', entityRefs: ['payments-api'] });
    expect(incident.status).toBe(403);
    expect(incident.body.error.message).toBe(
      `You are not allowed to ${incidentCreatePermission.name}`,
    );
    // ... and the policy, which only lets users read, does not apply to it.
    const asAdaForReal = {
      Authorization: `Bearer ${await userToken(ada)}`,
    };
    const asUser = await request(server)
      .post('/api/multivac/releases')
      .set(asAdaForReal)
      .send({ ...base, environment: 'staging' });
    expect(asUser.status).toBe(403);
    const wrongToken = await request(server)
      .get('/api/multivac/releases')
      .set({ Authorization: 'Bearer not-the-ci-token' });
    expect(wrongToken.status).toBe(401);
  });

  it('serves a valid iCalendar feed to whoever holds a user feed token, while the user may read releases', async () => {
    const asAdaForReal = { Authorization: `Bearer ${await userToken(ada)}` };
    await request(server)
      .post('/api/multivac/releases')
      .set(asCi)
      .send({
        ...ledgerRelease,
        start: `${day(10)}T09:00:00+01:00`,
        end: `${day(10)}T09:30:00+01:00`,
        environment: 'staging',
      });
    const first = await request(server)
      .post('/api/multivac/releases/feed-token')
      .set(asAdaForReal);
    expect(first.status).toBe(201);
    const { token, url } = first.body;
    expect(token).toMatch(/^[\w-]{43}$/); // 32 random bytes
    expect(url).toMatch(
      new RegExp(
        `^http://.+/api/multivac/releases/calendar\\.ics\\?token=${token}$`,
      ),
    );
    const path = new URL(url).pathname + new URL(url).search;

    const feed = await request(server).get(path);
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');

    const calendar = new ICAL.Component(ICAL.parse(feed.text));
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toMatch(/Multivac/);
    const events = calendar
      .getAllSubcomponents('vevent')
      .map(vevent => new ICAL.Event(vevent));
    const byTitle = Object.fromEntries(events.map(e => [e.summary, e]));
    expect(Object.keys(byTitle).sort()).toEqual([
      'ledger-service v7.0.0 (staging)',
      'payments-api v2.4.1 (production)',
    ]);
    const payments = byTitle['payments-api v2.4.1 (production)'];
    expect(payments.startDate.toJSDate().toISOString()).toBe(
      `${day(3)}T14:10:00.000Z`,
    );
    expect(payments.endDate.toJSDate().toISOString()).toBe(
      `${day(3)}T15:00:00.000Z`,
    );
    expect(payments.startDate.zone.tzid).toBe('UTC');
    expect(payments.description).toBe(
      [
        'REL-1: done',
        'Owner: payments',
        'CI run: https://github.com/nimbus/payments/actions/runs/1',
        'Change log: https://github.com/nimbus/payments/compare/v2.4.0...v2.4.1',
        '',
        'Card tokenisation moves to the new vault',
      ].join('\n'),
    );
    expect(payments.component.getFirstPropertyValue('url')).toBe(
      'http://portal.example.com/multivac/releases/REL-1',
    );
    const ledger = byTitle['ledger-service v7.0.0 (staging)'];
    expect(ledger.startDate.toJSDate().toISOString()).toBe(
      `${day(10)}T08:00:00.000Z`,
    );

    // The UID stays when the release moves, so subscribed calendars update it.
    const uid = ledger.uid;
    await request(server)
      .patch('/api/multivac/releases/REL-2')
      .set(asCi)
      .send({ start: `${day(10)}T10:00:00Z`, end: `${day(10)}T11:00:00Z` });
    const moved = new ICAL.Component(
      ICAL.parse((await request(server).get(path)).text),
    )
      .getAllSubcomponents('vevent')
      .map(vevent => new ICAL.Event(vevent))
      .find(e => e.uid === uid)!;
    expect(moved.startDate.toJSDate().toISOString()).toBe(
      `${day(10)}T10:00:00.000Z`,
    );

    // A conflict's sentence is in the event's description.
    const overlapping = await request(server)
      .post('/api/multivac/releases')
      .set(asCi)
      .send({
        ...base,
        environment: 'staging',
        start: `${day(10)}T10:15:00Z`,
        end: `${day(10)}T10:45:00Z`,
        ownerRef: 'user:default/ada.lovelace',
      });
    expect(overlapping.status).toBe(201);
    const withConflict = new ICAL.Component(
      ICAL.parse((await request(server).get(path)).text),
    )
      .getAllSubcomponents('vevent')
      .map(vevent => new ICAL.Event(vevent))
      .find(e => e.summary === 'payments-api v2.4.1 (staging)')!;
    expect(withConflict.description.split('\n').slice(0, 3)).toEqual([
      'REL-3: planned',
      // A person owning it by display name.
      'Owner: Ada Lovelace',
      'Conflict: payments-api depends on ledger-service, which releases 10:00–11:00 UTC, overlapping by 30 minutes',
    ]);

    // An entity's feed
    const ledgerFeed = await request(server).get(
      `${path}&entityRef=ledger-service`,
    );
    expect(
      new ICAL.Component(ICAL.parse(ledgerFeed.text))
        .getAllSubcomponents('vevent')
        .map(v => v.getFirstPropertyValue('summary')),
    ).toEqual(['ledger-service v7.0.0 (staging)']);

    // A new token replaces the old one.
    const second = await request(server)
      .post('/api/multivac/releases/feed-token')
      .set(asAdaForReal);
    expect((await request(server).get(path)).status).toBe(401);
    expect(
      (
        await request(server).get(
          `/api/multivac/releases/calendar.ics?token=${second.body.token}`,
        )
      ).status,
    ).toBe(200);

    // The token is only as good as its user's permission.
    denied.add(ada);
    try {
      const revoked = await request(server).get(
        `/api/multivac/releases/calendar.ics?token=${second.body.token}`,
      );
      expect(revoked.status).toBe(403);
    } finally {
      denied.delete(ada);
    }
    expect(
      (
        await request(server).get(
          '/api/multivac/releases/calendar.ics?token=guess',
        )
      ).status,
    ).toBe(401);
  });

  it('gives no feed token to users who may not read releases', async () => {
    denied.add(grace);
    try {
      const res = await request(server)
        .post('/api/multivac/releases/feed-token')
        .set({ Authorization: `Bearer ${await userToken(grace)}` });
      expect(res.status).toBe(403);
    } finally {
      denied.delete(grace);
    }
  });

  it('revokes a feed token, lets it expire, and says when it expires', async () => {
    const adaSignedIn = { Authorization: `Bearer ${await userToken(ada)}` };
    const feedOf = (token: string) =>
      request(server).get(`/api/multivac/releases/calendar.ics?token=${token}`);
    // Ada may hold a token from the tests above.
    await request(server)
      .delete('/api/multivac/releases/feed-token')
      .set(adaSignedIn);
    expect(
      (
        await request(server)
          .get('/api/multivac/releases/feed-token')
          .set(adaSignedIn)
      ).status,
    ).toBe(404);

    const expiring = await request(server)
      .post('/api/multivac/releases/feed-token')
      .set(adaSignedIn)
      .send({ expiresInDays: 7 });
    expect(expiring.status).toBe(201);
    const expiresAt = Date.parse(expiring.body.expiresAt);
    expect(expiresAt - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    const info = await request(server)
      .get('/api/multivac/releases/feed-token')
      .set(adaSignedIn);
    expect(info.body).toEqual({
      createdAt: expiring.body.createdAt,
      expiresAt: expiring.body.expiresAt,
    });
    expect(JSON.stringify(info.body)).not.toContain(expiring.body.token);
    expect((await feedOf(expiring.body.token)).status).toBe(200);

    const revoked = await request(server)
      .delete('/api/multivac/releases/feed-token')
      .set(adaSignedIn);
    expect(revoked.status).toBe(204);
    expect((await feedOf(expiring.body.token)).status).toBe(401);

    for (const expiresInDays of [0, 367, 1.5, '7']) {
      const bad = await request(server)
        .post('/api/multivac/releases/feed-token')
        .set(adaSignedIn)
        .send({ expiresInDays });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/expiresInDays/);
    }
    const unexpiring = await request(server)
      .post('/api/multivac/releases/feed-token')
      .set(adaSignedIn);
    expect(unexpiring.status).toBe(201);
    expect(unexpiring.body.expiresAt).toBeUndefined();
  });

  it('bounds the feed: each description at most 2,000 characters, linking to the rest', async () => {
    const booked = await request(server)
      .post('/api/multivac/releases')
      .set(asCi)
      .send({
        ...ledgerRelease,
        title: 'v9.9.9',
        start: `${day(20)}T09:00:00Z`,
        end: `${day(20)}T09:30:00Z`,
        environment: 'staging',
        notes: 'x'.repeat(20000),
        links: Array.from({ length: 20 }, (_, i) => ({
          kind: 'other',
          url: `https://ci.example.com/${'y'.repeat(1500)}/${i}`,
        })),
      });
    expect(booked.status).toBe(201);
    const { token } = (
      await request(server)
        .post('/api/multivac/releases/feed-token')
        .set({ Authorization: `Bearer ${await userToken(ada)}` })
    ).body;

    const feed = await request(server).get(
      `/api/multivac/releases/calendar.ics?token=${token}&entityRef=ledger-service`,
    );

    const event = new ICAL.Component(ICAL.parse(feed.text))
      .getAllSubcomponents('vevent')
      .map(vevent => new ICAL.Event(vevent))
      .find(e => e.summary === 'ledger-service v9.9.9 (staging)')!;
    expect(event.description).toHaveLength(2000);
    expect(event.description).toMatch(
      new RegExp(
        `…\\n\\nMore in the portal: http://portal\\.example\\.com/multivac/releases/${booked.body.reference}$`,
      ),
    );
  });
});
