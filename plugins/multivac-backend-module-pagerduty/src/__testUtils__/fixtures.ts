import { Entity } from '@backstage/catalog-model';
import { randomUUID } from 'node:crypto';
import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { FakeOnCall, FakePagerDutyData, FakeResource } from './fakePagerDuty';

/** The time tests ask about: Monday 2 March 2026, 10:30 UTC. */
export const AT = new Date('2026-03-02T10:30:00Z');

const user = (id: string, summary: string) => ({
  id,
  type: 'user_reference',
  summary,
});

const policyRef = {
  id: 'PEP1',
  type: 'escalation_policy_reference',
  summary: 'Payments escalation',
};

/**
 * Payments on PagerDuty: level 1 a weekly rotation (Grace until 10:15 today,
 * then Ada in two contiguous pieces, then Grace again), level 2 Alan targeted
 * directly (permanent), level 3 Linus through two schedules.
 */
export const paymentsAccount = (
  overrides: Partial<FakePagerDutyData> = {},
): FakePagerDutyData => ({
  apiToken: 'us-token',
  services: [
    {
      id: 'PSVC1',
      type: 'service',
      name: 'Payments API',
      html_url: 'https://nimbus.pagerduty.com/service-directory/PSVC1',
      escalation_policy: policyRef,
    },
  ],
  escalationPolicies: [
    {
      id: 'PEP1',
      type: 'escalation_policy',
      name: 'Payments escalation',
      summary: 'Payments escalation',
      html_url: 'https://nimbus.pagerduty.com/escalation_policies/PEP1',
      num_loops: 0,
      escalation_rules: [
        { id: 'R1', escalation_delay_in_minutes: 30, targets: [] },
        { id: 'R2', escalation_delay_in_minutes: 15, targets: [] },
        { id: 'R3', escalation_delay_in_minutes: 60, targets: [] },
      ],
    },
  ],
  users: [
    {
      id: 'PADA',
      type: 'user',
      name: 'Ada Lovelace',
      email: 'ada@nimbus.example',
      contact_methods: [
        {
          id: 'C1',
          type: 'email_contact_method',
          label: 'Work',
          address: 'ada@nimbus.example',
        },
        {
          id: 'C2',
          type: 'phone_contact_method',
          label: 'Mobile',
          country_code: 49,
          address: '3055501001',
        },
        {
          id: 'C3',
          type: 'sms_contact_method',
          label: 'Other',
          country_code: 49,
          address: '3055509999',
        },
      ],
    },
    {
      id: 'PGRACE',
      type: 'user',
      name: 'Grace Hopper',
      email: 'grace@nimbus.example',
      contact_methods: [
        {
          id: 'C4',
          type: 'push_notification_contact_method',
          label: 'Phone app',
          address: 'device-token',
        },
        {
          id: 'C5',
          type: 'sms_contact_method',
          label: 'Mobile',
          country_code: 44,
          address: '2055501003',
        },
      ],
    },
    {
      id: 'PALAN',
      type: 'user',
      name: 'Alan Turing',
      email: 'alan@nimbus.example',
      contact_methods: [
        {
          id: 'C6',
          type: 'email_contact_method',
          label: 'Work',
          address: 'alan@nimbus.example',
        },
      ],
    },
    {
      id: 'PLINUS',
      type: 'user',
      name: 'Linus Torvalds',
      email: 'linus@nimbus.example',
      contact_methods: [
        {
          id: 'C7',
          type: 'phone_contact_method',
          label: 'Work',
          country_code: 1,
          address: '5035550105',
        },
      ],
    },
  ],
  oncalls: [
    {
      user: user('PGRACE', 'Grace Hopper'),
      escalation_policy: policyRef,
      escalation_level: 1,
      start: '2026-02-23T10:15:00Z',
      end: '2026-03-02T10:15:00Z',
    },
    {
      user: user('PADA', 'Ada Lovelace'),
      escalation_policy: policyRef,
      escalation_level: 1,
      start: '2026-03-02T10:15:00Z',
      end: '2026-03-05T10:15:00Z',
    },
    {
      user: user('PADA', 'Ada Lovelace'),
      escalation_policy: policyRef,
      escalation_level: 1,
      start: '2026-03-05T10:15:00Z',
      end: '2026-03-09T10:15:00Z',
    },
    {
      user: user('PGRACE', 'Grace Hopper'),
      escalation_policy: policyRef,
      escalation_level: 1,
      // PagerDuty renders times in the account's zone.
      start: '2026-03-09T11:15:00+01:00',
      end: '2026-03-16T11:15:00+01:00',
    },
    {
      user: user('PALAN', 'Alan Turing'),
      escalation_policy: policyRef,
      escalation_level: 2,
      start: null,
      end: null,
    },
    {
      user: user('PLINUS', 'Linus Torvalds'),
      escalation_policy: policyRef,
      escalation_level: 3,
      start: '2026-03-01T00:00:00Z',
      end: '2026-04-01T00:00:00Z',
    },
    {
      user: user('PLINUS', 'Linus Torvalds'),
      escalation_policy: policyRef,
      escalation_level: 3,
      start: '2026-02-15T00:00:00Z',
      end: '2026-03-15T00:00:00Z',
    },
    {
      user: user('PADA', 'Ada Lovelace'),
      escalation_policy: { id: 'POTHER' },
      escalation_level: 1,
      start: '2026-03-01T00:00:00Z',
      end: '2026-03-31T00:00:00Z',
    },
  ],
  ...overrides,
});

/** A second account (the EU service region). */
export const euAccount = (): FakePagerDutyData => ({
  apiToken: 'eu-token',
  services: [
    {
      id: 'PEUSVC',
      name: 'Ledger',
      escalation_policy: { id: 'PEUEP', summary: 'Ledger escalation' },
    },
  ],
  escalationPolicies: [
    {
      id: 'PEUEP',
      name: 'Ledger escalation',
      html_url: 'https://nimbus-eu.eu.pagerduty.com/escalation_policies/PEUEP',
      escalation_rules: [{ escalation_delay_in_minutes: 10, targets: [] }],
    },
  ],
  users: [
    {
      id: 'PHEDY',
      name: 'Hedy Lamarr',
      email: 'hedy@nimbus.example',
      contact_methods: [],
    },
  ],
  oncalls: [
    {
      user: { id: 'PHEDY', summary: 'Hedy Lamarr' },
      escalation_policy: { id: 'PEUEP' },
      escalation_level: 1,
      start: '2026-03-01T08:00:00Z',
      end: '2026-03-08T08:00:00Z',
    },
  ],
});

const DAY_MS = 24 * 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');
const ref = (id: string, type: string) => ({ id, type, summary: id });

/**
 * An account of `count` services (`PSVC00`, ...) and as many users. Service
 * i escalates to policy i: level 1 a weekly schedule (`Responder <i>` until
 * 6 days after `now`, then user i+1), level 2 user i+2 targeted directly,
 * level 3 a monthly schedule (user i+3).
 */
export function serviceFleet(count: number, now: Date): FakePagerDutyData {
  const users: FakeResource[] = [];
  const services: FakeResource[] = [];
  const escalationPolicies: FakeResource[] = [];
  const oncalls: FakeOnCall[] = [];
  const userId = (i: number) => `PUSER${pad(i % count)}`;
  const at = (days: number) => new Date(+now + days * DAY_MS).toISOString();
  for (let i = 0; i < count; i++) {
    users.push({
      id: userId(i),
      type: 'user',
      name: `Responder ${pad(i)}`,
      email: `responder${pad(i)}@nimbus.example`,
      contact_methods: [
        {
          id: `PCM${pad(i)}`,
          type: 'phone_contact_method',
          country_code: 1,
          address: `50355501${pad(i)}`,
        },
      ],
    });
    const policy = ref(`PEP${pad(i)}`, 'escalation_policy_reference');
    services.push({
      id: `PSVC${pad(i)}`,
      type: 'service',
      name: `Service ${pad(i)}`,
      escalation_policy: policy,
    });
    escalationPolicies.push({
      id: policy.id,
      type: 'escalation_policy',
      name: `Escalation ${pad(i)}`,
      escalation_rules: [30, 15, 60].map(delay => ({
        escalation_delay_in_minutes: delay,
        targets: [],
      })),
    });
    const weekly = ref(`PSCHW${pad(i)}`, 'schedule_reference');
    const monthly = ref(`PSCHM${pad(i)}`, 'schedule_reference');
    const onCall = (
      responder: number,
      level: number,
      schedule: typeof weekly | null,
      start: string | null,
      end: string | null,
    ): FakeOnCall => ({
      user: ref(userId(responder), 'user_reference'),
      escalation_policy: policy,
      schedule,
      escalation_level: level,
      start,
      end,
    });
    oncalls.push(
      onCall(i, 1, weekly, at(-1), at(6)),
      onCall(i + 1, 1, weekly, at(6), at(13)),
      onCall(i + 2, 2, null, null, null),
      onCall(i + 3, 3, monthly, at(-10), at(20)),
    );
  }
  return {
    apiToken: 'fleet-token',
    services,
    escalationPolicies,
    users,
    oncalls,
  };
}

/** payments-api, owned by payments, with the annotations given. */
export const component = (annotations: Record<string, string>): Entity =>
  entity('Component', 'payments-api', {
    annotations,
    spec: { owner: 'payments' },
  });

/** A v3 webhook as PagerDuty sends it (developer docs, "Webhook Payload"). */
export const incidentWebhook = (
  eventType: string,
  overrides: {
    agent?: object | null;
    data?: object;
    id?: string;
    occurred_at?: string;
  } = {},
) => ({
  event: {
    // Each event its own id, occurred just now, as PagerDuty sends them.
    id: `01DEN${randomUUID().replace(/-/g, '').slice(0, 21).toUpperCase()}`,
    event_type: eventType,
    resource_type: 'incident',
    occurred_at: new Date().toISOString(),
    agent: {
      html_url: 'https://nimbus.pagerduty.com/users/PADA',
      id: 'PADA',
      self: 'https://api.pagerduty.com/users/PADA',
      summary: 'Ada Lovelace',
      type: 'user_reference',
    },
    client: { name: 'PagerDuty' },
    data: {
      id: 'PINC1',
      type: 'incident',
      self: 'https://api.pagerduty.com/incidents/PINC1',
      html_url: 'https://nimbus.pagerduty.com/incidents/PINC1',
      number: 1,
      status: eventType.replace('incident.', ''),
      incident_key: 'multivac-page-1',
      created_at: '2026-03-02T10:30:00Z',
      title: 'SEV2 payments-api: card payments failing',
      service: {
        html_url: 'https://nimbus.pagerduty.com/services/PSVC1',
        id: 'PSVC1',
        self: 'https://api.pagerduty.com/services/PSVC1',
        summary: 'Payments API',
        type: 'service_reference',
      },
      assignees: [],
      escalation_policy: {
        id: 'PEP1',
        summary: 'Payments escalation',
        type: 'escalation_policy_reference',
      },
      teams: [],
      priority: null,
      urgency: 'high',
      conference_bridge: null,
      resolve_reason: null,
    },
    ...overrides,
  },
});
