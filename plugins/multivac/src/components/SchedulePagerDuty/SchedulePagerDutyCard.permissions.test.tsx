import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { SchedulePagerDutyCard } from './SchedulePagerDutyCard';

describe('SchedulePagerDutyCard without multivac.oncall.reconcile', () => {
  it('shows the state and the dry run, and says why Reconcile now is disabled', async () => {
    const api = mockMultivacApi({
      getPagerDutyState: jest.fn(async () => ({
        status: 'succeeded' as const,
        attempts: 1,
        lastError: null,
        lastRunAt: '2026-12-05T03:00:00.000Z',
        nextAttemptAt: null,
        pagerDuty: {
          scheduleId: 'PSCHED1',
          escalationPolicyId: 'PPOL1',
          serviceIds: [],
        },
      })),
      getPagerDutyPlan: jest.fn(async () => ({
        schedule: {
          entityRef: 'schedule:default/payments-primary',
          title: 'Payments primary',
          account: 'default',
        },
        changes: [],
      })),
    });
    await renderWithMultivac(
      <EntityProvider
        entity={{
          apiVersion: 'multivac.io/v1alpha1',
          kind: 'Schedule',
          metadata: {
            name: 'payments-primary',
            namespace: 'default',
            annotations: { 'pagerduty.com/reconcile': 'true' },
          },
        }}
      >
        <SchedulePagerDutyCard />
      </EntityProvider>,
      { api, permission: AuthorizeResult.DENY },
    );
    expect(await screen.findByText(/^In sync:/)).toBeInTheDocument();
    expect(
      await screen.findByText(
        'You may not reconcile schedules to PagerDuty (multivac.oncall.reconcile).',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Reconcile now' }),
    ).toBeDisabled();
    expect(api.reconcilePagerDuty).not.toHaveBeenCalled();
  });
});
