import { ChangeFailureInsights } from '@multivac/plugin-multivac-common';
import { configure, screen, within } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { ChangeFailureTable, failedReleaseText } from './ChangeFailureTable';

configure({ asyncUtilTimeout: 5_000 });

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
    {
      entityRef: 'component:default/cart',
      name: 'cart',
      releases: 3,
      failed: 0,
      rate: 0,
      failedReleases: [],
    },
  ],
};

describe('ChangeFailureTable', () => {
  it('shows each service’s rate and names the failed releases and their incidents', async () => {
    const api = mockMultivacApi({
      getChangeFailure: jest.fn(async () => changeFailure),
    });
    await renderWithMultivac(
      <ChangeFailureTable period="30d" team="group:default/payments" />,
      { api },
    );
    const table = await screen.findByRole('table', {
      name: 'Change failure rate by service',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows.map(r => r.textContent)).toEqual([
      'ServiceReleasesFailedChange failure rateFailed releases',
      'payments-api4250%REL-3 (INC-7); REL-4 (rolled back)',
      'cart300%',
    ]);
    expect(
      screen.getByText(/until 24 hours after its end/),
    ).toBeInTheDocument();
    expect(api.getChangeFailure).toHaveBeenCalledWith({
      period: '30d',
      team: 'group:default/payments',
      service: undefined,
    });
  });

  it('says when there were no releases', async () => {
    const api = mockMultivacApi({
      getChangeFailure: jest.fn(async () => ({
        ...changeFailure,
        byService: [],
      })),
    });
    await renderWithMultivac(<ChangeFailureTable period="7d" />, { api });
    expect(
      await screen.findByText('No production releases in this period.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeDisabled();
  });

  it('writes a rollback that also had an incident with both', () => {
    expect(
      failedReleaseText({
        ...changeFailure.byService[0].failedReleases[0],
        rolledBack: true,
      }),
    ).toBe('REL-3 (rolled back, INC-7)');
  });
});
