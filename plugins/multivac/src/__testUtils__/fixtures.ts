import {
  DEFAULT_SEVERITY_RUBRIC,
  Incident,
  PageRecord,
  TimelineEvent,
  TriageReport,
} from '@multivac/plugin-multivac-common';
import { MultivacApi } from '../api/MultivacApi';

export function anIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'incident-1',
    number: 1,
    reference: 'INC-1',
    title: 'Card payments failing',
    description: 'Visa payments return 502',
    severity: 'SEV2',
    status: 'investigating',
    entityRefs: ['component:default/payments-api'],
    summary: '',
    impact: 'No card payments',
    createdBy: 'user:default/ada.lovelace',
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:05:00.000Z',
    stateTimestamps: {
      triggered: '2026-11-23T10:00:00.000Z',
      investigating: '2026-11-23T10:02:00.000Z',
    },
    roles: [
      {
        role: 'controller',
        userRef: 'user:default/ada.lovelace',
        assignedAt: '2026-11-23T10:00:00.000Z',
      },
    ],
    ...overrides,
  };
}

export function anEvent(
  type: TimelineEvent['type'],
  payload: Record<string, unknown>,
  id = '1',
): TimelineEvent {
  return {
    id,
    incidentId: 'incident-1',
    type,
    actor: 'user:default/ada.lovelace',
    createdAt: '2026-11-23T10:00:00.000Z',
    payload,
  };
}

/** A page to Grace Hopper, level 1 of Payments primary, not yet acknowledged. */
export function aPage(overrides: Partial<PageRecord> = {}): PageRecord {
  return {
    id: 'page-1',
    entityRef: 'component:default/payments-api',
    resolvedFrom: 'group:default/payments',
    provider: 'builtin',
    scheduleId: 'payments-primary',
    scheduleName: 'Payments primary',
    fallback: false,
    summary: 'Card payments failing',
    details: {},
    urgency: 'high',
    dedupKey: 'multivac-page-page-1',
    status: 'triggered',
    level: 1,
    targets: [
      {
        userRef: 'user:default/grace.hopper',
        name: 'Grace Hopper',
        email: 'grace.hopper@nimbus.example',
        phone: '+49 30 5550 1002',
        slackUserId: 'U0GRACE',
      },
    ],
    delivery: 'recorded; shown on the On call card and page',
    createdBy: 'user:default/ada.lovelace',
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    history: [
      { at: '2026-11-23T10:00:00.000Z', text: 'Paged Grace Hopper (level 1)' },
    ],
    ...overrides,
  };
}

/** RPT-1: an open report about payments-api that paged Grace Hopper. */
export function aReport(overrides: Partial<TriageReport> = {}): TriageReport {
  return {
    id: 'report-1',
    number: 1,
    reference: 'RPT-1',
    title: 'Card payments failing',
    description: 'Visa payments return 502 at checkout',
    entityRef: 'component:default/payments-api',
    usersAffected: 'dozens',
    scope: 'global',
    customerFacing: true,
    links: [],
    severity: 'SEV2',
    rubricSeverity: 'SEV2',
    status: 'open',
    reportedBy: 'user:default/ada.lovelace',
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    paging: 'Paged Grace Hopper (level 1 of Payments primary)',
    pages: [aPage({ reportId: 'report-1' })],
    ...overrides,
  };
}

/** A MultivacApi whose methods are jest mocks. */
export function mockMultivacApi(
  impl: Partial<MultivacApi> = {},
): jest.Mocked<MultivacApi> {
  return {
    listIncidents: jest.fn(async () => ({
      items: [],
      totalCount: 0,
      limit: 20,
      offset: 0,
    })),
    getIncident: jest.fn(async () => anIncident()),
    declareIncident: jest.fn(async () => anIncident()),
    updateIncident: jest.fn(async () => anIncident()),
    transitionIncident: jest.fn(async () => anIncident()),
    changeRole: jest.fn(async () => anIncident()),
    addNote: jest.fn(async () => anEvent('note', { text: 'x' })),
    getTimeline: jest.fn(async () => []),
    getOnCall: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    listSchedules: jest.fn(async () => []),
    createPage: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    listPages: jest.fn(async () => []),
    acknowledgePage: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    getSeverityRubric: jest.fn(async () => DEFAULT_SEVERITY_RUBRIC),
    submitReport: jest.fn(async () => aReport()),
    listReports: jest.fn(async () => ({ items: [], totalCount: 0 })),
    getReport: jest.fn(async () => aReport()),
    startIncidentFromReport: jest.fn(async () => anIncident()),
    ...impl,
  } as jest.Mocked<MultivacApi>;
}
