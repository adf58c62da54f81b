import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import searchPlugin from '@backstage/plugin-search-backend';
import { IndexableDocument } from '@backstage/plugin-search-common';
import multivacProvider from '@multivac/plugin-auth-backend-module-multivac-provider';
// The test runs the real Multivac backend that the collators read.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import multivacPlugin, {
  createIncidentConditionalDecision,
  incidentConditions,
} from '@multivac/plugin-multivac-backend';
import {
  incidentReadPermission,
  postmortemReadPermission,
} from '@multivac/plugin-multivac-common';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import { Readable } from 'node:stream';
import request from 'supertest';
import {
  MultivacIncidentCollatorFactory,
  MultivacPostmortemCollatorFactory,
} from './index';
import searchModule from './index';

jest.setTimeout(120_000);

const ada = 'user:default/ada.lovelace'; // declares: the controller
const grace = 'user:default/grace.hopper'; // may not read incidents
const linus = 'user:default/linus.torvalds'; // reads incidents he has a role in

/**
 * Everyone may do everything, except: Grace may not read incidents, and
 * Linus reads only the incidents where he holds a role (a conditional
 * decision, which the search backend resolves per result by resourceRef).
 */
const policy: PermissionPolicy = {
  async handle(query, caller) {
    const userRef = caller?.info.userEntityRef;
    if (isPermission(query.permission, incidentReadPermission)) {
      if (userRef === grace) {
        return { result: AuthorizeResult.DENY };
      }
      if (userRef === linus) {
        return createIncidentConditionalDecision(
          query.permission,
          incidentConditions.hasIncidentRole({ userRef }),
        );
      }
    }
    return { result: AuthorizeResult.ALLOW };
  },
};

const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'test-policy',
  register(reg) {
    reg.registerInit({
      deps: { policies: policyExtensionPoint },
      async init({ policies }) {
        policies.setPolicy(policy);
      },
    });
  },
});

/** A Backstage token of `userRef`, signed in as Multivac's chat bot does. */
let userToken: (userRef: string) => Promise<string>;
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

/** The search plugin's services, to run the collators and the index tasks. */
let services: {
  scheduler: SchedulerService;
  incidents: MultivacIncidentCollatorFactory;
  postmortems: MultivacPostmortemCollatorFactory;
};
const servicesModule = createBackendModule({
  pluginId: 'search',
  moduleId: 'test-services',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        scheduler: coreServices.scheduler,
      },
      async init({ auth, catalog, config, discovery, scheduler }) {
        services = {
          scheduler,
          incidents: MultivacIncidentCollatorFactory.fromConfig(config, {
            auth,
            discovery,
            catalog,
          }),
          postmortems: MultivacPostmortemCollatorFactory.fromConfig(config, {
            auth,
            discovery,
            catalog,
          }),
        };
      },
    });
  },
});

async function collect(stream: Readable) {
  const documents: IndexableDocument[] = [];
  for await (const document of stream) {
    documents.push(document);
  }
  return documents;
}

describe('Multivac search collators', () => {
  let server: Parameters<typeof request>[0];
  const tokens = new Map<string, string>();
  let as: (userRef: string) => { Authorization: string };

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        multivacPlugin,
        searchPlugin,
        searchModule,
        servicesModule,
        permissionPlugin,
        policyModule,
        authPlugin,
        multivacProvider,
        signInModule,
        authServiceFactory,
        httpAuthServiceFactory,
        permissionsServiceFactory,
        userInfoServiceFactory,
        // Tasks run when the test says, not at startup.
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory({
          entities: [
            entity('Component', 'payments-api', {
              relations: [['ownedBy', 'group:default/payments']],
            }),
            entity('Group', 'payments', {
              spec: { profile: { displayName: 'Payments Team' } },
            }),
            // Owned by a Group and a User: the team is the Group.
            entity('Component', 'checkout-web', {
              relations: [
                ['ownedBy', 'group:default/checkout'],
                ['ownedBy', 'user:default/linus.torvalds'],
              ],
            }),
            entity('Group', 'checkout', { title: 'Checkout' }),
            // A Group's own incident: the team is the Group.
            entity('Group', 'platform'),
            user('ada.lovelace'),
            user('grace.hopper'),
            user('linus.torvalds'),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.example.com' },
            permission: { enabled: true },
            auth: { providers: { multivac: {} } },
            // One item a page: the collators must follow the pages.
            search: { collators: { multivac: { pageSize: 1 } } },
          },
        }),
      ],
    });
    server = backend.server;
    for (const userRef of [ada, grace, linus]) {
      tokens.set(userRef, await userToken(userRef));
    }
    as = userRef => ({ Authorization: `Bearer ${tokens.get(userRef)}` });

    const api = (method: 'post' | 'patch', path: string) =>
      request(server)[method](`/api/multivac${path}`).set(as(ada));
    /** Fails with the response's error when it is not `status`. */
    const expectStatus = async (
      pending: ReturnType<typeof api>,
      status: number,
    ) => {
      const res = await pending;
      if (res.status !== status) {
        throw new Error(
          `${res.status} instead of ${status}: ${JSON.stringify(res.body)}`,
        );
      }
      return res;
    };
    await expectStatus(
      api('post', '/incidents').send({
        title: 'Visa payments declined',
        severity: 'SEV2',
        entityRefs: ['component:default/payments-api'],
        description: 'Checkout returns 502 for Visa cards',
      }),
      201,
    );
    await expectStatus(
      api('patch', '/incidents/INC-1').send({
        summary:
          'Card **authorisations** time out, see [the runbook](https://wiki.example.com/visa)',
        impact: '- *EU* shoppers\n- `checkout` users',
      }),
      200,
    );
    await expectStatus(
      api('post', '/incidents/INC-1/notes').send({
        text: 'Acquirer confirms a faulty TLS certificate',
      }),
      201,
    );
    await expectStatus(
      api('post', '/incidents/INC-1/transitions').send({ to: 'resolved' }),
      200,
    );
    await expectStatus(api('post', '/incidents/INC-1/postmortem'), 201);
    await expectStatus(
      api('patch', '/postmortems/PM-1').send({
        sections: {
          trigger: [
            '## What broke',
            '',
            'An **expired** [intermediate certificate](https://wiki.example.com/tls):',
            '',
            '```sh',
            'openssl x509 -noout -dates',
            '```',
            '',
            '| Region | Declined |',
            '| ------ | -------- |',
            '| EU     | _12%_    |',
          ].join('\n'),
        },
      }),
      200,
    );
    await expectStatus(
      api('post', '/postmortems/PM-1/action-items').send({
        title: 'Alert on `certificate` expiry',
      }),
      201,
    );
    // A second incident, on which Linus holds a role.
    await expectStatus(
      api('post', '/incidents').send({
        title: 'Visa refunds delayed',
        severity: 'SEV4',
        entityRefs: [
          'component:default/payments-api',
          'component:default/checkout-web',
          'group:default/platform',
        ],
      }),
      201,
    );
    await expectStatus(
      api('post', '/incidents/INC-2/roles').send({
        role: 'responder',
        userRef: linus,
      }),
      200,
    );
  });

  it('yields incidents page by page, with their notes, teams and a resourceRef, as plain text', async () => {
    const documents = await collect(await services.incidents.getCollator());
    expect(documents.map(d => d.title).sort()).toEqual([
      'INC-1: Visa payments declined',
      'INC-2: Visa refunds delayed',
    ]);
    expect(documents.find(d => d.location.endsWith('INC-1'))).toEqual({
      title: 'INC-1: Visa payments declined',
      text: [
        'Checkout returns 502 for Visa cards',
        'Card authorisations time out, see the runbook',
        'EU shoppers\ncheckout users',
        'Acquirer confirms a faulty TLS certificate',
      ].join('\n\n'),
      location: '/multivac/incidents/INC-1',
      reference: 'INC-1',
      severity: 'SEV2',
      status: 'resolved',
      entityRefs: ['component:default/payments-api'],
      team: 'Payments Team',
      teamRefs: ['group:default/payments'],
      owner: ada,
      createdAt: expect.any(String),
      authorization: { resourceRef: 'INC-1' },
    });
    // Each owning Group once, sorted by ref, named as the catalog shows it.
    expect(documents.find(d => d.location.endsWith('INC-2'))).toMatchObject({
      team: 'Checkout, Payments Team, platform',
      teamRefs: [
        'group:default/checkout',
        'group:default/payments',
        'group:default/platform',
      ],
    });
    expect(services.incidents.visibilityPermission).toBe(
      incidentReadPermission,
    );
  });

  it('yields post-mortems with their sections and action items as plain text, and their teams', async () => {
    const documents = await collect(await services.postmortems.getCollator());
    expect(documents).toEqual([
      {
        title: expect.stringMatching(/^PM-1: .*Visa payments declined/),
        text: expect.any(String),
        location: '/multivac/postmortems/PM-1',
        reference: 'PM-1',
        incidentReference: 'INC-1',
        severity: 'SEV2',
        status: 'draft',
        entityRefs: ['component:default/payments-api'],
        team: 'Payments Team',
        teamRefs: ['group:default/payments'],
        owner: expect.stringMatching(/^user:default\//),
        dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        authorization: { resourceRef: 'PM-1' },
      },
    ]);
    expect(documents[0].text.split('\n\n')).toEqual([
      // The impact, from the incident.
      'EU shoppers\ncheckout users',
      // Each written section: its title, then its text. Summary and Impact
      // start from the incident's.
      'Summary\nCard authorisations time out, see the runbook',
      'Trigger\nWhat broke',
      'An expired intermediate certificate:',
      'openssl x509 -noout -dates',
      'Region\tDeclined\nEU\t12%',
      'Impact\nEU shoppers\ncheckout users',
      'Action item: Alert on certificate expiry',
    ]);
    expect(services.postmortems.visibilityPermission).toBe(
      postmortemReadPermission,
    );
  });

  describe('through the search backend', () => {
    beforeAll(async () => {
      await services.scheduler.triggerTask('search_index_multivac_incident');
      await services.scheduler.triggerTask('search_index_multivac_postmortem');
    });

    const search = async (userRef: string) => {
      const res = await request(server)
        .get('/api/search/query?term=Visa')
        .set(as(userRef));
      expect(res.status).toBe(200);
      return (res.body.results as { type: string; document: any }[])
        .map(r => `${r.type} ${r.document.reference}`)
        .sort();
    };

    it('finds the incidents and the post-mortem for a reader', async () => {
      expect(await search(ada)).toEqual([
        'multivac-incident INC-1',
        'multivac-incident INC-2',
        'multivac-postmortem PM-1',
      ]);
    });

    it('hides incidents from a user the policy denies multivac.incident.read', async () => {
      expect(await search(grace)).toEqual(['multivac-postmortem PM-1']);
    });

    it('filters by team', async () => {
      const searchTeam = async (team: string) => {
        const res = await request(server)
          .get('/api/search/query')
          .query({ term: 'Visa', filters: { team } })
          .set(as(ada));
        expect(res.status).toBe(200);
        return (res.body.results as { document: any }[])
          .map(r => r.document.reference)
          .sort();
      };
      expect(await searchTeam('Checkout')).toEqual(['INC-2']);
      expect(await searchTeam('Payments Team')).toEqual([
        'INC-1',
        'INC-2',
        'PM-1',
      ]);
    });

    it('filters each incident by its resourceRef under a conditional decision', async () => {
      expect(await search(linus)).toEqual([
        'multivac-incident INC-2',
        'multivac-postmortem PM-1',
      ]);
    });
  });
});
