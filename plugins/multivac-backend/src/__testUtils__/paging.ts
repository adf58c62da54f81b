import { PagingOnCallProvider } from '@multivac/plugin-multivac-node';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import { ScheduleDefinition } from '../oncall/schedule';

/** Catalog entities, a built-in schedule and a paging provider for tests. */

export const catalogEntities = [
  entity('Component', 'payments-api', {
    annotations: { 'multivac.io/oncall-schedule': 'payments' },
  }),
  entity('Component', 'checkout', {
    annotations: { 'pagerduty.com/service-id': 'PSVC1' },
  }),
  user('grace', { displayName: 'grace' }),
  user('ken', { displayName: 'ken' }),
];

export const schedule: ScheduleDefinition = {
  id: 'payments',
  name: 'Payments',
  timeZone: 'UTC',
  layers: [
    {
      name: 'always grace',
      members: ['user:default/grace'],
      rotation: { type: 'daily' },
      handoffTime: '00:00',
      start: '2026-01-01',
    },
  ],
  escalation: [
    { timeoutMinutes: 10, targets: [{ type: 'schedule' }] },
    {
      timeoutMinutes: 15,
      targets: [{ type: 'user', userRef: 'user:default/ken' }],
    },
  ],
};

/** A provider that pages itself, like PagerDuty. */
export function delegatingProvider(): PagingOnCallProvider & {
  calls: string[];
} {
  const calls: string[] = [];
  return {
    id: 'fakepd',
    calls,
    handles: e => Boolean(e.metadata.annotations?.['pagerduty.com/service-id']),
    getOnCall: async () => ({
      provider: 'fakepd',
      schedule: { id: 'EP1', name: 'Checkout policy' },
      levels: [{ level: 1, timeoutMinutes: 5, onCall: [] }],
    }),
    page: async (_e, request) => {
      calls.push(
        `page ${request.dedupKey} ${request.urgency} ${request.summary}`,
      );
      return { externalId: request.dedupKey, status: 'accepted by fakepd' };
    },
    acknowledge: async (_e, dedupKey) => {
      calls.push(`acknowledge ${dedupKey}`);
    },
    resolve: async () => {},
  };
}
