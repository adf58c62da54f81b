import {
  Incident,
  PageRecord,
  Release,
  TriageReport,
} from '@multivac/plugin-multivac-common';
import { ActionsBlock, Block, Button, KnownBlock } from '@slack/web-api';

export const ADA = 'user:default/ada.lovelace';
export const GRACE = 'user:default/grace.hopper';
export const KEN = 'user:default/ken.thompson';

/** Catalog user ref → Slack user id, for the people above but Ken. */
export const SLACK_IDS: Record<string, string> = {
  [ADA]: 'U0ADA',
  [GRACE]: 'U0GRACE',
};

export function page(overrides: Partial<PageRecord> = {}): PageRecord {
  return {
    id: 'page-1',
    entityRef: 'component:default/payments-api',
    resolvedFrom: 'group:default/payments',
    provider: 'builtin',
    scheduleId: 'payments-primary',
    scheduleName: 'Payments primary',
    fallback: false,
    reportId: 'report-3',
    summary: 'SEV2 payments-api: Checkout fails',
    details: {},
    urgency: 'high',
    dedupKey: 'report-3',
    status: 'triggered',
    level: 1,
    targets: [
      {
        userRef: GRACE,
        name: 'Grace Hopper',
        email: 'grace@example.com',
        phone: '+49 30 1001',
      },
    ],
    delivery: 'Sent to Grace Hopper',
    createdBy: ADA,
    createdAt: '2025-03-05T14:05:00.000Z',
    updatedAt: '2025-03-05T14:05:00.000Z',
    history: [{ at: '2025-03-05T14:05:00.000Z', text: 'paged level 1' }],
    ...overrides,
  };
}

export function report(overrides: Partial<TriageReport> = {}): TriageReport {
  return {
    id: 'report-3',
    number: 3,
    reference: 'RPT-3',
    title: 'Checkout fails with a 500 error',
    description: 'Every card payment fails since the deploy.',
    entityRef: 'component:default/payments-api',
    usersAffected: 'dozens',
    scope: 'region',
    region: 'eu-west-1',
    customerFacing: true,
    startedAt: '2025-03-05T13:50:00.000Z',
    links: ['https://grafana.example.com/d/payments?from=now-1h&to=now'],
    severity: 'SEV2',
    rubricSeverity: 'SEV2',
    status: 'open',
    reportedBy: ADA,
    createdAt: '2025-03-05T14:04:00.000Z',
    updatedAt: '2025-03-05T14:05:00.000Z',
    paging: 'Paged Grace Hopper (Payments primary, level 1)',
    pages: [page()],
    ...overrides,
  };
}

export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'incident-7',
    number: 7,
    reference: 'INC-7',
    title: 'Checkout fails with a 500 error',
    description: 'Every card payment fails since the deploy.',
    severity: 'SEV2',
    status: 'investigating',
    entityRefs: ['component:default/payments-api'],
    summary: '',
    impact: '11–100 users, one region (eu-west-1), customer-facing',
    createdBy: ADA,
    createdAt: '2025-03-05T14:10:00.000Z',
    updatedAt: '2025-03-05T14:20:00.000Z',
    stateTimestamps: {
      triggered: '2025-03-05T14:10:00.000Z',
      investigating: '2025-03-05T14:12:00.000Z',
    },
    roles: [
      {
        role: 'reporter',
        userRef: ADA,
        assignedAt: '2025-03-05T14:10:00.000Z',
      },
      {
        role: 'controller',
        userRef: GRACE,
        assignedAt: '2025-03-05T14:11:00.000Z',
      },
    ],
    ...overrides,
  };
}

/** Every mrkdwn and plain text of the blocks, in order. */
export function textsOf(blocks: Array<KnownBlock | Block>): string[] {
  const texts: string[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (
        (object.type === 'mrkdwn' || object.type === 'plain_text') &&
        typeof object.text === 'string'
      ) {
        texts.push(object.text);
      }
      Object.values(object).forEach(visit);
    }
  };
  visit(blocks);
  return texts;
}

/** All text of the blocks as one string, to search in. */
export function allText(blocks: Array<KnownBlock | Block>): string {
  return textsOf(blocks).join('\n');
}

/** The buttons of the blocks' actions blocks. */
export function buttonsOf(blocks: Array<KnownBlock | Block>): Button[] {
  return blocks
    .flatMap(block =>
      block.type === 'actions' ? (block as ActionsBlock).elements : [],
    )
    .filter((element): element is Button => element.type === 'button');
}

/** Slack's limits on what a message's blocks may hold. */
export function expectWithinSlackLimits(blocks: KnownBlock[]) {
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const block of blocks) {
    if (block.type === 'section') {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
      expect(block.fields?.length ?? 0).toBeLessThanOrEqual(10);
      for (const field of block.fields ?? []) {
        expect(field.text.length).toBeLessThanOrEqual(2000);
      }
    }
    if (block.type === 'header') {
      expect(block.text.text.length).toBeLessThanOrEqual(150);
    }
  }
}

export function release(overrides: Partial<Release> = {}): Release {
  return {
    id: 'release-12',
    number: 12,
    reference: 'REL-12',
    entityRef: 'component:default/ledger-service',
    title: 'v2.4.1',
    environment: 'production',
    start: '2026-11-24T14:00:00.000Z',
    end: '2026-11-24T14:30:00.000Z',
    status: 'planned',
    ownerRef: 'group:default/ledger',
    links: [],
    notes: '',
    createdBy: ADA,
    createdAt: '2026-11-20T09:00:00.000Z',
    updatedAt: '2026-11-20T09:00:00.000Z',
    history: [{ status: 'planned', at: '2026-11-20T09:00:00.000Z', by: ADA }],
    ...overrides,
  };
}
