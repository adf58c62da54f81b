import { Entity } from '@backstage/catalog-model';
import { user } from '@multivac/plugin-multivac-node/testUtils';
import { FakeObject, FakeService, FakeUser } from './fakePagerDutySchedules';

/** PagerDuty users; their emails are the catalog Users'. */
export const pagerDutyUsers: FakeUser[] = [
  { id: 'PADA', name: 'Ada Lovelace', email: 'ada@nimbus.example' },
  { id: 'PGRACE', name: 'Grace Hopper', email: 'grace@nimbus.example' },
  { id: 'PALAN', name: 'Alan Turing', email: 'alan@nimbus.example' },
  { id: 'PKEN', name: 'Ken Thompson', email: 'Ken@Nimbus.example' },
  { id: 'PNOBODY', name: 'Not in the catalog', email: 'x@elsewhere.example' },
];

export const catalogUsers: Entity[] = [
  user('ada.lovelace', { email: 'ada@nimbus.example' }),
  user('grace.hopper', { email: 'grace@nimbus.example' }),
  user('alan.turing', { email: 'alan@nimbus.example' }),
  user('ken.thompson', { email: 'ken@nimbus.example' }),
  user('linus.torvalds', { email: 'linus@nimbus.example' }),
];

/** The payments service, on a policy made by hand in PagerDuty. */
export const paymentsService: FakeService = {
  id: 'PSVC1',
  name: 'Payments API',
  escalationPolicyId: 'PEPOLD',
};
export const handMadePolicy: FakeObject = {
  id: 'PEPOLD',
  name: 'Payments (by hand)',
  num_loops: 0,
  escalation_rules: [
    {
      id: 'PROLD',
      escalation_delay_in_minutes: 30,
      targets: [{ id: 'PKEN', type: 'user_reference' }],
    },
  ],
};

/** examples/schedules.yaml's payments-primary, marked for PagerDuty. */
export function paymentsSchedule(
  spec: Partial<Record<string, unknown>> = {},
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'multivac.io/v1alpha1',
    kind: 'Schedule',
    metadata: {
      name: 'payments-primary',
      namespace: 'default',
      title: 'Payments primary',
      annotations: {
        'pagerduty.com/reconcile': 'true',
        'pagerduty.com/service-id': 'PSVC1',
        ...annotations,
      },
    },
    spec: {
      owner: 'group:default/payments',
      timeZone: 'Europe/Berlin',
      layers: [
        {
          name: 'weekly',
          members: [
            'user:default/ada.lovelace',
            'user:default/grace.hopper',
            'user:default/alan.turing',
          ],
          rotation: { type: 'weekly', handoffDay: 'monday' },
          handoffTime: '09:00',
          start: '2026-01-05',
        },
      ],
      escalation: [
        { timeoutMinutes: 10, targets: [{ type: 'schedule' }] },
        {
          timeoutMinutes: 15,
          targets: [{ type: 'user', userRef: 'user:default/ken.thompson' }],
        },
      ],
      ...spec,
    },
    relations: [],
  };
}

/**
 * A schedule and policy a team made in PagerDuty before Multivac: business
 * hours on weekdays for Grace, a daily rotation behind it.
 */
export const existingPagerDutySchedule: FakeObject = {
  id: 'PEXIST',
  name: 'Storefront primary',
  description: 'Made in PagerDuty',
  time_zone: 'America/New_York',
  schedule_layers: [
    {
      id: 'PL-A',
      name: 'daily',
      start: '2026-01-01T10:00:00-05:00',
      rotation_virtual_start: '2026-01-01T10:00:00-05:00',
      rotation_turn_length_seconds: 86400,
      users: [
        { user: { id: 'PADA', type: 'user_reference' } },
        { user: { id: 'PALAN', type: 'user_reference' } },
      ],
      restrictions: [],
    },
    {
      id: 'PL-B',
      name: 'business hours',
      start: '2026-01-05T09:00:00-05:00',
      rotation_virtual_start: '2026-01-05T09:00:00-05:00',
      rotation_turn_length_seconds: 604800,
      users: [{ user: { id: 'PGRACE', type: 'user_reference' } }],
      restrictions: [1, 2, 3, 4, 5].map(day => ({
        type: 'weekly_restriction',
        start_time_of_day: '09:00:00',
        duration_seconds: 3 * 3600,
        start_day_of_week: day,
      })),
    },
  ],
};
export const existingPagerDutyPolicy: FakeObject = {
  id: 'PEPEXIST',
  name: 'Storefront escalation',
  num_loops: 2,
  escalation_rules: [
    {
      id: 'PR1',
      escalation_delay_in_minutes: 5,
      targets: [{ id: 'PEXIST', type: 'schedule_reference' }],
    },
    {
      id: 'PR2',
      escalation_delay_in_minutes: 20,
      targets: [{ id: 'PKEN', type: 'user_reference' }],
    },
  ],
};
export const storefrontService: FakeService = {
  id: 'PSVC2',
  name: 'Storefront',
  escalationPolicyId: 'PEPEXIST',
};
