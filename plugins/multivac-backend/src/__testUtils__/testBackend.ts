import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  entity,
  TestEntityRelation,
  user,
} from '@multivac/plugin-multivac-node/testUtils';
import { multivacPlugin } from '../plugin';

/** The multivac plugin in a test backend, with a small org and schedules. */

export const asAda = {
  Authorization: mockCredentials.user.header('user:default/ada.lovelace'),
};

const owned = (group: string, system?: string): TestEntityRelation[] => [
  ['ownedBy', `group:default/${group}`],
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
  user('ada.lovelace', {
    displayName: 'Ada Lovelace',
    email: 'ada.lovelace@nimbus.example',
    annotations: {
      'multivac.io/phone': '+49 30 1001',
      'slack.com/user-id': 'U0ADA',
    },
  }),
  user('grace.hopper', {
    displayName: 'Grace Hopper',
    email: 'grace.hopper@nimbus.example',
  }),
  user('ken.thompson', {
    displayName: 'Ken Thompson',
    email: 'ken.thompson@nimbus.example',
  }),
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
