import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import authPlugin from '@backstage/plugin-auth-backend';
import guestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import multivacProvider from '@multivac/plugin-auth-backend-module-multivac-provider';
import multivacPlugin from '@multivac/plugin-multivac-backend';
import request from 'supertest';
import { multivacModuleSlack } from '../module';
import { policyDenying } from './slackBackend';

/** An external-access token: a script calling as a service, not a user. */
export const SERVICE_TOKEN = 'chat-test-static-service-token';

export function entity(
  kind: string,
  name: string,
  extra: {
    annotations?: Record<string, string>;
    spec?: object;
    relations?: Entity['relations'];
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations: extra.annotations },
    spec: extra.spec ?? {},
    relations: extra.relations,
  };
}

export const user = (name: string, displayName: string) =>
  entity('User', name, {
    spec: { profile: { displayName, email: `${name}@nimbus.example` } },
  });

export const chatCatalog: Entity[] = [
  entity('Group', 'payments', {
    annotations: { 'multivac.io/oncall-schedule': 'payments-primary' },
  }),
  entity('Component', 'payments-api', {
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  }),
  user('ada.lovelace', 'Ada Lovelace'),
  user('grace.hopper', 'Grace Hopper'),
];

const schedules = [
  {
    id: 'payments-primary',
    name: 'Payments primary',
    timeZone: 'UTC',
    layers: [
      {
        name: 'all week',
        members: ['user:default/grace.hopper'],
        rotation: { type: 'daily' },
        start: '2026-01-01',
      },
    ],
  },
];

/**
 * The multivac plugin with the Slack module and no Slack config, with the
 * real auth, permission and user-info services, and guest sign-in as
 * `guest` (the embedded default's sign-in) unless it is false, and
 * `chatCatalog` unless other `entities` are given.
 */
export async function startChatBackend(options: {
  guest: string | false;
  deniedUsers?: string[];
  entities?: Entity[];
  /** More `multivac` config, e.g. alert integrations. */
  multivac?: Record<string, unknown>;
}) {
  const backend = await startTestBackend({
    features: [
      multivacPlugin,
      multivacModuleSlack,
      authPlugin,
      multivacProvider,
      ...(options.guest ? [guestProvider] : []),
      permissionPlugin,
      policyDenying(options.deniedUsers ?? []),
      authServiceFactory,
      httpAuthServiceFactory,
      permissionsServiceFactory,
      userInfoServiceFactory,
      catalogServiceMock.factory({
        entities: options.entities ?? chatCatalog,
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://portal.example' },
          backend: {
            auth: {
              externalAccess: [
                {
                  type: 'static',
                  options: { token: SERVICE_TOKEN, subject: 'a-script' },
                },
              ],
            },
          },
          permission: { enabled: true },
          auth: {
            providers: {
              multivac: {},
              ...(options.guest && {
                guest: {
                  userEntityRef: options.guest,
                  dangerouslyAllowOutsideDevelopment: true,
                },
              }),
            },
          },
          multivac: {
            jobs: { pollIntervalSeconds: 0.1 },
            onCall: { schedules },
            ...options.multivac,
          },
        },
      }),
    ],
  });
  return {
    backend,
    url: `http://localhost:${backend.server.port()}`,
  };
}

/** A user token from guest sign-in, as the portal gets one. */
export async function guestToken(
  server: Parameters<typeof request>[0],
): Promise<string> {
  const res = await request(server)
    .get('/api/auth/guest/refresh')
    .set('X-Requested-With', 'XMLHttpRequest')
    .expect(200);
  return res.body.backstageIdentity.token;
}
