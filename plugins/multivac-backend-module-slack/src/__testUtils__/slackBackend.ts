import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import {
  BackendFeature,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import multivacProvider from '@multivac/plugin-auth-backend-module-multivac-provider';
import multivacPlugin from '@multivac/plugin-multivac-backend';
import request from 'supertest';
import { multivacModuleSlack } from '../module';
import { FakeSlack } from './fakeSlack';
import { signSlackRequest } from './signSlackRequest';

export const SIGNING_SECRET = 'test-signing-secret';

/**
 * Everyone may do everything, except the users named here, and the
 * permissions (by name) named for a user in `deniedPermissions`.
 */
export function policyDenying(
  deniedUsers: string[],
  deniedPermissions: Record<string, string[]> = {},
) {
  return createBackendModule({
    pluginId: 'permission',
    moduleId: 'test-policy',
    register(reg) {
      reg.registerInit({
        deps: { policy: policyExtensionPoint },
        async init({ policy }) {
          policy.setPolicy({
            async handle(query, caller) {
              const user = caller?.info.userEntityRef;
              const denied =
                user &&
                (deniedUsers.includes(user) ||
                  deniedPermissions[user]?.includes(query.permission.name));
              return {
                result: denied ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
              };
            },
          });
        },
      });
    },
  });
}

/**
 * The multivac plugin with the Slack module against `fake`, with the real
 * auth, permission and user-info services, so that Slack users act with
 * their own catalog user's permissions.
 */
export async function startSlackBackend(options: {
  fake: FakeSlack;
  entities: Entity[];
  multivac: Record<string, unknown>;
  deniedUsers?: string[];
  /** Permission names the policy refuses to one user (by user ref). */
  deniedPermissions?: Record<string, string[]>;
  features?: BackendFeature[];
  /** More root config, e.g. `backend.database` (default: SQLite in memory). */
  config?: Record<string, unknown>;
}) {
  const backend = await startTestBackend({
    features: [
      multivacPlugin,
      multivacModuleSlack,
      authPlugin,
      multivacProvider,
      permissionPlugin,
      policyDenying(options.deniedUsers ?? [], options.deniedPermissions),
      authServiceFactory,
      httpAuthServiceFactory,
      permissionsServiceFactory,
      userInfoServiceFactory,
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          app: { baseUrl: 'http://portal.example' },
          permission: { enabled: true },
          auth: { providers: { multivac: {} } },
          multivac: {
            jobs: { pollIntervalSeconds: 0.1 },
            ...options.multivac,
            slack: {
              botToken: options.fake.botToken,
              signingSecret: SIGNING_SECRET,
              apiUrl: options.fake.url,
              // The fake's response URLs: those in Slack's payloads
              // (hooks.slack.com) are refused, never posted to.
              hooksUrl: new URL('/', options.fake.url).href,
              ...(options.multivac.slack as object),
            },
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  return { backend, slack: slackSender(backend.server) };
}

/** Sends signed requests as Slack does. */
export function slackSender(server: Parameters<typeof request>[0]) {
  return {
    command(fields: Record<string, string>) {
      const body = new URLSearchParams(fields).toString();
      return request(server)
        .post('/api/multivac/slack/commands')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .set(signSlackRequest(SIGNING_SECRET, body))
        .send(body);
    },
    interaction(payload: object) {
      const body = new URLSearchParams({
        payload: JSON.stringify(payload),
      }).toString();
      return request(server)
        .post('/api/multivac/slack/interactivity')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .set(signSlackRequest(SIGNING_SECRET, body))
        .send(body);
    },
    event(envelope: object) {
      const body = JSON.stringify(envelope);
      return request(server)
        .post('/api/multivac/slack/events')
        .set('Content-Type', 'application/json')
        .set(signSlackRequest(SIGNING_SECRET, body))
        .send(body);
    },
  };
}

/** Polls `read` until it returns something (jobs run in the background). */
export async function eventually<T>(
  read: () => T | undefined | false | Promise<T | undefined | false>,
  what = 'the expected state',
): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await read();
    if (value !== undefined && value !== false) {
      return value;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
