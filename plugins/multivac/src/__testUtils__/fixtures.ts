import { Incident, TimelineEvent } from '@multivac/plugin-multivac-common';
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
    ...impl,
  } as jest.Mocked<MultivacApi>;
}
