import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import multivacProvider from '@multivac/plugin-auth-backend-module-multivac-provider';
import {
  RESOURCE_TYPE_MULTIVAC_INCIDENT,
  RESOURCE_TYPE_MULTIVAC_PAGE,
  RESOURCE_TYPE_MULTIVAC_POSTMORTEM,
  RESOURCE_TYPE_MULTIVAC_RELEASE,
} from '@multivac/plugin-multivac-common';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import request from 'supertest';
import {
  createIncidentConditionalDecision,
  createPageConditionalDecision,
  createPostmortemConditionalDecision,
  createReleaseConditionalDecision,
  incidentConditions,
  MultivacSamplePolicy,
  pageConditions,
  postmortemConditions,
  releaseConditions,
} from '../permissions';
import { multivacPlugin } from '../plugin';

jest.setTimeout(120_000);

const ada = 'user:default/ada.lovelace'; // payments
const margaret = 'user:default/margaret.hamilton'; // storefront
const ken = 'user:default/ken.thompson'; // platform: the admins
// Users whose decisions no earlier test asked for (decisions are cached).
const linus = 'user:default/linus.torvalds'; // storefront
const grace = 'user:default/grace.hopper'; // payments

// A static external access token, as automation (CI, scripts) calls with,
// restricted to reading Multivac as production configs must restrict it.
const externalToken = 'ci-bot-0123456789abcdef';

const samplePolicy = new MultivacSamplePolicy({
  admins: ['group:default/platform'],
});

/**
 * Users read incidents, post-mortems and releases only where they own an
 * entity or hold a role: a policy whose list decisions are conditional.
 */
const readOwnOnly: PermissionPolicy = {
  async handle(query, caller) {
    const { permission } = query;
    if (!caller || permission.attributes.action !== 'read') {
      return samplePolicy.handle(query, caller);
    }
    const claims = caller.info.ownershipEntityRefs;
    const userRef = caller.info.userEntityRef;
    if (isResourcePermission(permission, RESOURCE_TYPE_MULTIVAC_INCIDENT)) {
      return createIncidentConditionalDecision(permission, {
        anyOf: [
          incidentConditions.isOwnedByUserGroups({ claims }),
          incidentConditions.hasIncidentRole({ userRef }),
        ],
      });
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_MULTIVAC_POSTMORTEM)) {
      return createPostmortemConditionalDecision(
        permission,
        postmortemConditions.isOwnedByUserGroups({ claims }),
      );
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_MULTIVAC_RELEASE)) {
      return createReleaseConditionalDecision(
        permission,
        releaseConditions.isReleaseOwner({ claims }),
      );
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_MULTIVAC_PAGE)) {
      return createPageConditionalDecision(
        permission,
        pageConditions.isPageTarget({ userRef }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  },
};

describe('permissions with the sample policy', () => {
  let policy: PermissionPolicy = samplePolicy;
  let server: Parameters<typeof request>[0];
  let userToken: (userRef: string) => Promise<string>;
  const tokens = new Map<string, string>();

  /** Request headers that sign `userRef` in with their groups. */
  async function as(userRef: string) {
    if (!tokens.has(userRef)) {
      tokens.set(userRef, await userToken(userRef));
    }
    return { Authorization: `Bearer ${tokens.get(userRef)}` };
  }

  const policyModule = createBackendModule({
    pluginId: 'permission',
    moduleId: 'test-policy',
    register(reg) {
      reg.registerInit({
        deps: { policies: policyExtensionPoint },
        async init({ policies }) {
          policies.setPolicy({
            handle: (query, caller) => policy.handle(query, caller),
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
        catalogServiceMock.factory({
          entities: [
            entity('Group', 'payments'),
            entity('Group', 'storefront'),
            entity('Group', 'platform'),
            entity('Component', 'payments-api', {
              relations: [['ownedBy', 'group:default/payments']],
            }),
            entity('Component', 'cart', {
              relations: [['ownedBy', 'group:default/storefront']],
            }),
            ...[
              ['ada.lovelace', 'payments'],
              ['margaret.hamilton', 'storefront'],
              ['ken.thompson', 'platform'],
              ['linus.torvalds', 'storefront'],
              ['grace.hopper', 'payments'],
            ].map(([name, group]) =>
              user(name, {
                memberOf: [group],
                email: `${name}@nimbus.example`,
                annotations: { 'multivac.io/phone': '+49 30 1001' },
              }),
            ),
          ],
        }),
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
                    options: { token: externalToken, subject: 'ci-bot' },
                    // Backstage never asks the policy about service
                    // principals: restrictions are what limit a token.
                    accessRestrictions: [
                      {
                        plugin: 'multivac',
                        permissionAttribute: { action: ['read'] },
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

  beforeEach(() => {
    policy = samplePolicy;
  });

  /** Declaring makes the declarer the incident's controller. */
  async function declare(entityRef: string, title: string, by = ken) {
    const res = await request(server)
      .post('/api/multivac/incidents')
      .set(await as(by))
      .send({ title, severity: 'SEV3', entityRefs: [entityRef] });
    expect(res.status).toBe(201);
    return res.body.reference as string;
  }

  const transition = async (userRef: string, incident: string, to: string) =>
    request(server)
      .post(`/api/multivac/incidents/${incident}/transitions`)
      .set(await as(userRef))
      .send({ to });

  it('lets only the owning team, responders and admins change an incident', async () => {
    const incident = await declare('payments-api', 'Checkout fails');

    const outsider = await transition(margaret, incident, 'resolved');
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toBe(
      `You are not allowed to multivac.incident.update on ${incident}`,
    );
    const note = await request(server)
      .post(`/api/multivac/incidents/${incident}/notes`)
      .set(await as(margaret))
      .send({ text: 'I can help' });
    expect(note.status).toBe(403);
    // Everyone reads.
    const read = await request(server)
      .get(`/api/multivac/incidents/${incident}`)
      .set(await as(margaret));
    expect(read.status).toBe(200);

    // The owning team adds her as a responder: now she may act on it.
    const roles = await request(server)
      .post(`/api/multivac/incidents/${incident}/roles`)
      .set(await as(ada))
      .send({ role: 'responder', userRef: margaret, action: 'assign' });
    expect(roles.status).toBe(200);
    expect((await transition(margaret, incident, 'investigating')).status).toBe(
      200,
    );

    const other = await declare('cart', 'Cart is empty');
    expect((await transition(ada, other, 'resolved')).status).toBe(403);
    expect((await transition(ken, other, 'resolved')).status).toBe(200);
    expect((await transition(ada, incident, 'resolved')).body.status).toBe(
      'resolved',
    );
  });

  it('does not let anyone but its target or the owning team acknowledge a page', async () => {
    const paged = await request(server)
      .post('/api/multivac/pages')
      .set(await as(ken))
      .send({ userRef: ada, entityRef: 'payments-api', summary: 'Disk full' });
    expect(paged.status).toBe(201);
    const ack = async (userRef: string) =>
      request(server)
        .post(`/api/multivac/pages/${paged.body.id}/acknowledge`)
        .set(await as(userRef));

    const outsider = await ack(margaret);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toBe(
      `You are not allowed to multivac.page.acknowledge on ${paged.body.id}`,
    );
    const page = await request(server)
      .get(`/api/multivac/pages/${paged.body.id}`)
      .set(await as(margaret));
    expect(page.body.status).not.toBe('acknowledged');

    const target = await ack(ada);
    expect(target.status).toBe(200);
    expect(target.body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: ada,
    });
  });

  it('lets release owners cancel their releases and only the owning team force a booking', async () => {
    const window = {
      start: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      end: new Date(Date.now() + 3 * 86_400_000 + 3_600_000).toISOString(),
    };
    const booked = await request(server)
      .post('/api/multivac/releases')
      .set(await as(ada))
      .send({
        ...window,
        entityRef: 'payments-api',
        title: 'v1',
        environment: 'production',
      });
    expect(booked.status).toBe(201);
    const cancel = async (userRef: string) =>
      request(server)
        .post(`/api/multivac/releases/${booked.body.reference}/status`)
        .set(await as(userRef))
        .send({ to: 'cancelled' });
    expect((await cancel(margaret)).status).toBe(403);

    // A second booking of the same service in that window is blocked ...
    const second = {
      ...window,
      entityRef: 'payments-api',
      title: 'v2',
      environment: 'production',
    };
    const blocked = await request(server)
      .post('/api/multivac/releases')
      .set(await as(ada))
      .send(second);
    expect(blocked.status).toBe(409);
    // ... and only the team owning it may force it past the block.
    const forcedByOutsider = await request(server)
      .post('/api/multivac/releases')
      .set(await as(margaret))
      .send({ ...second, force: { reason: 'Hotfix' } });
    expect(forcedByOutsider.status).toBe(403);
    expect(forcedByOutsider.body.error.message).toBe(
      'You are not allowed to multivac.release.force on a release of component:default/payments-api owned by group:default/payments',
    );
    // Naming herself the owner does not let her force another team's service.
    const ownedByHerTeam = await request(server)
      .post('/api/multivac/releases')
      .set(await as(margaret))
      .send({
        ...second,
        ownerRef: 'group:default/storefront',
        force: { reason: 'Hotfix' },
      });
    expect(ownedByHerTeam.status).toBe(403);
    const forced = await request(server)
      .post('/api/multivac/releases')
      .set(await as(ada))
      .send({ ...second, force: { reason: 'Hotfix' } });
    expect(forced.status).toBe(201);
    expect(forced.body.forced).toMatchObject({ reason: 'Hotfix', by: ada });

    expect((await cancel(ada)).body.status).toBe('cancelled');
  });

  it('lists only what a conditional read decision allows, counted in SQL', async () => {
    const payments = await declare('payments-api', 'Payments list');
    const cart = await declare('cart', 'Cart list');
    for (const reference of [payments, cart]) {
      expect((await transition(ken, reference, 'resolved')).status).toBe(200);
      const pm = await request(server)
        .post(`/api/multivac/incidents/${reference}/postmortem`)
        .set(await as(ken));
      expect(pm.status).toBe(201);
    }
    const booked = await request(server)
      .post('/api/multivac/releases')
      .set(await as(margaret))
      .send({
        entityRef: 'cart',
        title: 'cart v9',
        environment: 'staging',
        start: new Date(Date.now() + 5 * 86_400_000).toISOString(),
        end: new Date(Date.now() + 5 * 86_400_000 + 3_600_000).toISOString(),
      });
    expect(booked.status).toBe(201);

    policy = readOwnOnly;
    const list = async (path: string) => {
      const res = await request(server)
        .get(`/api/multivac${path}`)
        .set(await as(linus));
      expect(res.status).toBe(200);
      return res.body;
    };

    const incidents = await list('/incidents?status=resolved&limit=100');
    const references = incidents.items.map(
      (i: { reference: string }) => i.reference,
    );
    expect(references).toContain(cart);
    expect(references).not.toContain(payments);
    expect(incidents.totalCount).toBe(incidents.items.length);
    // The same as one page of one: the count is of every allowed incident.
    const firstOnly = await list('/incidents?status=resolved&limit=1');
    expect(firstOnly.totalCount).toBe(incidents.totalCount);

    const postmortems = await list('/postmortems?limit=100');
    expect(
      postmortems.items.map(
        (p: { incidentReference: string }) => p.incidentReference,
      ),
    ).toEqual([cart]);
    expect(postmortems.totalCount).toBe(1);

    const releases = await list('/releases?limit=100');
    expect(releases.items.map((r: { title: string }) => r.title)).toEqual([
      'cart v9',
    ]);
    expect(releases.totalCount).toBe(1);

    // One item outside the conditions is refused, one inside is shown.
    const single = await request(server)
      .get(`/api/multivac/incidents/${payments}`)
      .set(await as(linus));
    expect(single.status).toBe(403);
    const own = await request(server)
      .get(`/api/multivac/incidents/${cart}`)
      .set(await as(linus));
    expect(own.status).toBe(200);

    // Grace, in payments, sees the other side.
    const graces = await request(server)
      .get('/api/multivac/postmortems?limit=100')
      .set(await as(grace));
    expect(
      graces.body.items.map(
        (p: { incidentReference: string }) => p.incidentReference,
      ),
    ).toEqual([payments]);
  });

  it('lists and shows only the pages a conditional read decision allows', async () => {
    const pageOf = async (userRef: string, summary: string) => {
      const res = await request(server)
        .post('/api/multivac/pages')
        .set(await as(ken))
        .send({ userRef, entityRef: 'cart', summary });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const linusPage = await pageOf(linus, 'Cart checkout slow');
    const gracePage = await pageOf(grace, 'Cart images missing');

    policy = readOwnOnly;
    const listed = await request(server)
      .get('/api/multivac/pages?entityRef=cart&limit=50')
      .set(await as(linus));
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: { id: string }) => p.id)).toEqual([
      linusPage,
    ]);

    const others = await request(server)
      .get(`/api/multivac/pages/${gracePage}`)
      .set(await as(linus));
    expect(others.status).toBe(403);
    expect(others.body.error.message).toBe(
      `You are not allowed to multivac.page.read on ${gracePage}`,
    );
    const own = await request(server)
      .get(`/api/multivac/pages/${linusPage}`)
      .set(await as(linus));
    expect(own.status).toBe(200);
  });

  it('lets an external access token restricted to reading change nothing', async () => {
    const incident = await declare('cart', 'Seen by the CI bot');
    const paged = await request(server)
      .post('/api/multivac/pages')
      .set(await as(ken))
      .send({ userRef: margaret, entityRef: 'cart', summary: 'CI bot test' });
    expect(paged.status).toBe(201);
    const bot = { Authorization: `Bearer ${externalToken}` };

    const read = await request(server)
      .get(`/api/multivac/incidents/${incident}`)
      .set(bot);
    expect(read.status).toBe(200);
    const pages = await request(server)
      .get('/api/multivac/pages?entityRef=cart&limit=50')
      .set(bot);
    expect(pages.status).toBe(200);

    const changes = [
      request(server)
        .post(`/api/multivac/incidents/${incident}/transitions`)
        .set(bot)
        .send({ to: 'resolved' }),
      request(server)
        .post('/api/multivac/incidents')
        .set(bot)
        .send({ title: 'By a bot', severity: 'SEV3', entityRefs: ['cart'] }),
      request(server)
        .post(`/api/multivac/pages/${paged.body.id}/acknowledge`)
        .set(bot),
      request(server)
        .post('/api/multivac/pages')
        .set(bot)
        .send({ userRef: ada, entityRef: 'cart', summary: 'Spam' }),
      request(server)
        .post('/api/multivac/releases')
        .set(bot)
        .send({
          entityRef: 'cart',
          title: 'bot release',
          environment: 'production',
          start: new Date(Date.now() + 9 * 86_400_000).toISOString(),
          end: new Date(Date.now() + 9 * 86_400_000 + 3_600_000).toISOString(),
        }),
    ];
    for (const res of await Promise.all(changes)) {
      expect(res.status).toBe(403);
    }
    const after = await request(server)
      .get(`/api/multivac/incidents/${incident}`)
      .set(bot);
    expect(after.body.status).not.toBe('resolved');
  });
});
