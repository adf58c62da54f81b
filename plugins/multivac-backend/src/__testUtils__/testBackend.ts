import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { multivacPlugin } from '../plugin';

/** The multivac plugin in a test backend, with a small org and schedules. */

export const asAda = {
  Authorization: mockCredentials.user.header('user:default/ada.lovelace'),
};

function entity(
  kind: string,
  name: string,
  options: {
    annotations?: Record<string, string>;
    relations?: Entity['relations'];
    spec?: object;
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations: options.annotations },
    spec: options.spec ?? {},
    relations: options.relations,
  };
}

const user = (
  name: string,
  displayName: string,
  annotations?: Record<string, string>,
) =>
  entity('User', name, {
    annotations,
    spec: { profile: { displayName, email: `${name}@nimbus.example` } },
  });

const owned = (group: string, system?: string): Entity['relations'] => [
  { type: 'ownedBy', targetRef: `group:default/${group}` },
  ...(system
    ? [{ type: 'partOf', targetRef: `system:default/${system}` }]
    : []),
];

export const catalog = [
  entity('Group', 'payments', {
    annotations: { 'multivac.io/oncall-schedule': 'payments-primary' },
  }),
  entity('Group', 'storefront'),
  entity('System', 'shop', {
    annotations: { 'multivac.io/oncall-schedule': 'shop-247' },
  }),
  entity('Component', 'payments-api', { relations: owned('payments', 'shop') }),
  entity('Component', 'ledger', {
    annotations: { 'multivac.io/oncall-schedule': 'shop-247' },
    relations: owned('payments'),
  }),
  entity('Component', 'cart', { relations: owned('storefront', 'shop') }),
  entity('Component', 'orphan', { relations: owned('storefront') }),
  entity('Component', 'misconfigured', {
    annotations: { 'multivac.io/oncall-schedule': 'no-such-schedule' },
  }),
  user('ada.lovelace', 'Ada Lovelace', {
    'multivac.io/phone': '+49 30 1001',
    'slack.com/user-id': 'U0ADA',
  }),
  user('grace.hopper', 'Grace Hopper'),
  user('ken.thompson', 'Ken Thompson'),
];

export const schedules = [
  {
    id: 'payments-primary',
    name: 'Payments primary',
    timeZone: 'Europe/Berlin',
    layers: [
      {
        name: 'weekly',
        members: ['user:default/ada.lovelace', 'user:default/grace.hopper'],
        rotation: { type: 'weekly', handoffDay: 'monday' },
        handoffTime: '09:00',
        start: '2026-11-02',
      },
    ],
    escalation: [
      { timeoutMinutes: 10, targets: [{ type: 'schedule' }] },
      {
        timeoutMinutes: 15,
        targets: [{ type: 'user', userRef: 'user:default/ken.thompson' }],
      },
    ],
  },
  {
    id: 'shop-247',
    name: 'Shop 24/7',
    timeZone: 'UTC',
    layers: [
      {
        name: 'all week',
        members: ['user:default/ken.thompson'],
        rotation: { type: 'daily' },
        start: '2026-01-01',
      },
    ],
  },
];

export function startBackend(
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  multivacConfig: object = {},
  features: Array<BackendFeature> = [],
) {
  return startTestBackend({
    features: [
      multivacPlugin,
      catalogServiceMock.factory({ entities: catalog }),
      mockServices.rootConfig.factory({
        data: {
          multivac: {
            onCall: {
              schedules,
              contacts: [
                { user: 'user:default/grace.hopper', phone: '+49 30 1002' },
              ],
            },
            ...multivacConfig,
          },
        },
      }),
      ...(permission
        ? [mockServices.permissions.factory({ result: permission })]
        : []),
      ...features,
    ],
  });
}
