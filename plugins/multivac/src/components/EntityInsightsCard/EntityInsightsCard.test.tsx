import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  ChangeFailureInsights,
  IncidentInsights,
} from '@multivac/plugin-multivac-common';
import { configure, screen } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { EntityInsightsCard } from './EntityInsightsCard';

configure({ asyncUtilTimeout: 5_000 });

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
};

const changeFailure: ChangeFailureInsights = {
  period: { from: '2026-11-04T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z' },
  environment: 'production',
  windowHours: 24,
  byService: [
    {
      entityRef: 'component:default/payments-api',
      name: 'payments-api',
      releases: 4,
      failed: 2,
      rate: 0.5,
      failedReleases: [
        {
          id: 'r3',
          reference: 'REL-3',
          title: 'v2',
          entityRef: 'component:default/payments-api',
          start: '2026-11-10T10:00:00.000Z',
          end: '2026-11-10T11:00:00.000Z',
          status: 'done',
          rolledBack: false,
          incident: {
            id: 'i7',
            reference: 'INC-7',
            title: 'Checkout fails',
            severity: 'SEV2',
            declaredAt: '2026-11-10T12:00:00.000Z',
            entityRef: 'component:default/checkout',
          },
        },
        {
          id: 'r4',
          reference: 'REL-4',
          title: 'v3',
          entityRef: 'component:default/payments-api',
          start: '2026-11-12T10:00:00.000Z',
          end: '2026-11-12T11:00:00.000Z',
          status: 'rolled_back',
          rolledBack: true,
        },
      ],
    },
  ],
};

const none = { n: 0, mean: null, p50: null, p90: null };
const incidents = {
  total: {
    count: 3,
    mtta: { n: 3, mean: 245, p50: 240, p90: 300 },
    mttr: { n: 2, mean: 5400, p50: 5400, p90: 6000 },
    mobilise: none,
  },
} as unknown as IncidentInsights;

describe('EntityInsightsCard', () => {
  it('shows the last 30 days: incidents, MTTA, MTTR and change failure rate', async () => {
    const api = mockMultivacApi({
      getIncidentInsights: jest.fn(async () => incidents),
      getChangeFailure: jest.fn(async () => ({
        ...changeFailure,
        byService: [changeFailure.byService[0]],
      })),
    });
    await renderWithMultivac(
      <EntityProvider entity={component}>
        <EntityInsightsCard />
      </EntityProvider>,
      { api },
    );
    expect(await screen.findByText('4 minutes 5 seconds')).toBeInTheDocument();
    expect(screen.getByText('3')).toBeInTheDocument();
    expect(screen.getByText('1 hour 30 minutes')).toBeInTheDocument();
    expect(screen.getByText('50%')).toBeInTheDocument();
    expect(
      screen.getByText(
        '2 of 4 production releases: REL-3 (INC-7), REL-4 (rolled back)',
      ),
    ).toBeInTheDocument();
    const query = { period: '30d', service: 'component:default/payments-api' };
    expect(api.getIncidentInsights).toHaveBeenCalledWith(query);
    expect(api.getChangeFailure).toHaveBeenCalledWith(query);
  });

  it('says when the service had no releases', async () => {
    const api = mockMultivacApi({
      getIncidentInsights: jest.fn(async () => ({
        ...incidents,
        total: { count: 0, mtta: none, mttr: none, mobilise: none },
      })),
      getChangeFailure: jest.fn(async () => ({
        ...changeFailure,
        byService: [],
      })),
    });
    await renderWithMultivac(
      <EntityProvider entity={component}>
        <EntityInsightsCard />
      </EntityProvider>,
      { api },
    );
    expect(
      await screen.findByText('no production releases'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('–')).toHaveLength(3);
  });
});
