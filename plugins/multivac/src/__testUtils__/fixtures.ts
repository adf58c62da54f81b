import {
  Alert,
  AlertGroupDetails,
  AlertIntegrationInfo,
  DEFAULT_SEVERITY_RUBRIC,
  Incident,
  DEFAULT_POSTMORTEM_TEMPLATE,
  PageRecord,
  Postmortem,
  PostmortemActionItem,
  Release,
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

/** An open action item of PM-1, without a tracker. */
export function anActionItem(
  overrides: Partial<PostmortemActionItem> = {},
): PostmortemActionItem {
  return {
    id: 'item-1',
    postmortemId: 'postmortem-1',
    title: 'Alert on ledger p99 latency',
    ownerRef: 'user:default/grace.hopper',
    dueDate: '2026-12-04',
    status: 'open',
    createdBy: 'user:default/ada.lovelace',
    createdAt: '2026-11-24T09:00:00.000Z',
    updatedAt: '2026-11-24T09:00:00.000Z',
    ...overrides,
  };
}

/** PM-1: the draft post-mortem of the resolved INC-1, sections empty. */
export function aPostmortem(overrides: Partial<Postmortem> = {}): Postmortem {
  return {
    id: 'postmortem-1',
    reference: 'PM-1',
    incidentId: 'incident-1',
    incidentReference: 'INC-1',
    title: 'Post-mortem: Card payments failing',
    severity: 'SEV2',
    status: 'draft',
    ownerRef: 'user:default/ada.lovelace',
    reviewerRefs: ['user:default/grace.hopper'],
    dueDate: '2026-11-30',
    overdue: false,
    url: 'http://portal/multivac/postmortems/PM-1',
    incidentUrl: 'http://portal/multivac/incidents/INC-1',
    createdBy: 'user:default/ada.lovelace',
    createdAt: '2026-11-23T11:00:00.000Z',
    updatedAt: '2026-11-23T11:00:00.000Z',
    facts: {
      incidentTitle: 'Card payments failing',
      startedAt: '2026-11-23T10:00:00.000Z',
      resolvedAt: '2026-11-23T10:42:00.000Z',
      durationMs: 42 * 60_000,
      duration: '42 minutes',
      controllerRef: 'user:default/ada.lovelace',
      participantRefs: [
        'user:default/ada.lovelace',
        'user:default/grace.hopper',
      ],
      entityRefs: ['component:default/payments-api'],
      impact: 'No card payments',
      timeline: [
        {
          at: '2026-11-23T10:00:00.000Z',
          source: 'incident',
          actor: 'user:default/ada.lovelace',
          text: 'declared the incident (SEV2) on payments-api',
        },
        {
          at: '2026-11-23T10:42:00.000Z',
          source: 'incident',
          actor: 'user:default/ada.lovelace',
          text: 'moved the incident from monitoring to resolved',
        },
      ],
    },
    sections: DEFAULT_POSTMORTEM_TEMPLATE.map(section => ({
      ...section,
      text: '',
    })),
    actionItems: [],
    ...overrides,
  };
}

/** REL-1: payments-api v2.4.1 in production, 24 Nov 14:00–14:30 UTC, planned. */
export function aRelease(overrides: Partial<Release> = {}): Release {
  return {
    id: 'release-1',
    number: 1,
    reference: 'REL-1',
    entityRef: 'component:default/payments-api',
    title: 'v2.4.1',
    environment: 'production',
    start: '2026-11-24T14:00:00.000Z',
    end: '2026-11-24T14:30:00.000Z',
    status: 'planned',
    ownerRef: 'group:default/payments',
    links: [],
    notes: '',
    createdBy: 'user:default/ada.lovelace',
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    history: [
      {
        status: 'planned',
        at: '2026-11-23T10:00:00.000Z',
        by: 'user:default/ada.lovelace',
      },
    ],
    ...overrides,
  };
}

/** A firing high-urgency alert on payments-api from the `prom` integration. */
export function anAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'alert-1',
    integrationId: 'prom',
    dedupKey: 'fp-1@2026-11-23T10:00:00.000Z',
    status: 'firing',
    summary: 'Checkout error rate above 5%',
    severity: 'critical',
    urgency: 'high',
    labels: { alertname: 'HighErrorRate', service: 'payments-api' },
    links: ['https://grafana.nimbus.example/d/checkout'],
    entityRef: 'component:default/payments-api',
    routedBy: 'label:service',
    groupId: 'group-1',
    startsAt: '2026-11-23T10:00:00.000Z',
    deliveries: 3,
    createdAt: '2026-11-23T10:00:05.000Z',
    updatedAt: '2026-11-23T10:02:00.000Z',
    ...overrides,
  };
}

/** The group of `anAlert()`, which paged once. */
export function anAlertGroup(
  overrides: Partial<AlertGroupDetails> = {},
): AlertGroupDetails {
  return {
    id: 'group-1',
    entityRef: 'component:default/payments-api',
    status: 'firing',
    urgency: 'high',
    alertCount: 1,
    firingCount: 1,
    pageId: 'page-1',
    createdAt: '2026-11-23T10:00:05.000Z',
    lastAlertAt: '2026-11-23T10:02:00.000Z',
    alerts: [anAlert()],
    ...overrides,
  };
}

/** The demo's generic integration, from app-config.yaml. */
export function anIntegration(
  overrides: Partial<AlertIntegrationInfo> = {},
): AlertIntegrationInfo {
  return {
    id: 'demo',
    name: 'Demo monitoring (generic JSON)',
    vendor: 'generic',
    url: 'http://backend/api/multivac/alerts/integrations/demo',
    secretCount: 1,
    defaultEntityRef: 'component:default/api-gateway',
    rules: [],
    urgency: { critical: 'high' },
    groupWindowMinutes: 30,
    managedBy: 'config',
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
    getOnCallCard: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    listSchedules: jest.fn(async () => []),
    listOverrides: jest.fn(async () => []),
    createOverride: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    cancelOverride: jest.fn(async () => {}),
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
    getIncidentInsights: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    getInterruptionInsights: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    getOnCallLoad: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    getChangeFailure: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    getReportCard: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    getReport: jest.fn(async () => aReport()),
    startIncidentFromReport: jest.fn(async () => anIncident()),
    createPostmortem: jest.fn(async () => aPostmortem()),
    findIncidentPostmortem: jest.fn(async () => undefined),
    listPostmortems: jest.fn(async () => ({ items: [], totalCount: 0 })),
    listActionItems: jest.fn(async () => ({ items: [], totalCount: 0 })),
    getPostmortem: jest.fn(async () => aPostmortem()),
    updatePostmortem: jest.fn(async () => aPostmortem()),
    setPostmortemStatus: jest.fn(async () => aPostmortem()),
    addActionItem: jest.fn(async () => anActionItem()),
    updateActionItem: jest.fn(async () => anActionItem()),
    deleteActionItem: jest.fn(async () => {}),
    exportPostmortemMarkdown: jest.fn(async () => ({
      filename: 'PM-1.md',
      text: '# PM-1\n',
    })),
    listReleases: jest.fn(async () => ({
      items: [],
      totalCount: 0,
      limit: 500,
      offset: 0,
    })),
    getRelease: jest.fn(async () => aRelease()),
    createRelease: jest.fn(async () => ({ ...aRelease(), conflicts: [] })),
    updateRelease: jest.fn(async () => ({ ...aRelease(), conflicts: [] })),
    setReleaseStatus: jest.fn(async () => aRelease()),
    checkRelease: jest.fn(async () => ({ conflicts: [], blocked: false })),
    listReleaseEnvironments: jest.fn(async () => [
      { id: 'production', policy: 'block' as const },
      { id: 'staging', policy: 'warn' as const },
    ]),
    listReleasesAround: jest.fn(async () => []),
    createReleaseFeedToken: jest.fn(async () => ({
      token: 'feed-token',
      url: 'http://backend/api/multivac/releases/calendar.ics?token=feed-token',
    })),
    listAlerts: jest.fn(async () => ({ items: [], totalCount: 0 })),
    getAlertGroup: jest.fn(async () => anAlertGroup()),
    startIncidentFromAlertGroup: jest.fn(async () => anIncident()),
    acknowledgeAlertGroup: jest.fn(async () => aPage()),
    listAlertIntegrations: jest.fn(async () => [anIntegration()]),
    previewAlertRouting: jest.fn(async () => []),
    listAlertDeadLetters: jest.fn(async () => []),
    createAlertIntegration: jest.fn(async () => ({
      integration: anIntegration({ id: 'prom', managedBy: 'portal' }),
      secret: 'new-secret-shown-once',
    })),
    rotateAlertIntegrationSecret: jest.fn(async () => ({
      integration: anIntegration({ id: 'prom', managedBy: 'portal' }),
      secret: 'rotated-secret-shown-once',
    })),
    deleteAlertIntegration: jest.fn(async () => {}),
    getPagerDutyPlan: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    getPagerDutyState: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    reconcilePagerDuty: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    importPagerDutySchedule: jest.fn(async () => {
      throw new Error('not configured in this test');
    }),
    ...impl,
  } as jest.Mocked<MultivacApi>;
}
