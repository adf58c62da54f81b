import { Entity } from '@backstage/catalog-model';
import { configApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { mockApis, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { PagerDutyPlan, PagerDutyReconcileState } from '../../api/MultivacApi';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { SchedulePagerDutyCard } from './SchedulePagerDutyCard';

function aSchedule(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'multivac.io/v1alpha1',
    kind: 'Schedule',
    metadata: { name: 'payments-primary', namespace: 'default', annotations },
    spec: { owner: 'group:default/payments' },
  };
}

const marked = aSchedule({ 'pagerduty.com/reconcile': 'true' });
const ref = 'schedule:default/payments-primary';

const succeeded: PagerDutyReconcileState = {
  status: 'succeeded',
  attempts: 2,
  lastError: null,
  lastRunAt: '2026-12-05T03:00:00.000Z',
  nextAttemptAt: null,
  pagerDuty: {
    scheduleId: 'PSCHED1',
    escalationPolicyId: 'PPOL1',
    serviceIds: ['PSVC1', 'PSVC2'],
  },
};

const planned = { entityRef: ref, title: 'Payments primary' };

const changing: PagerDutyPlan = {
  schedule: { ...planned, account: 'default' },
  changes: [
    {
      resource: 'schedule',
      action: 'update',
      id: 'PSCHED1',
      fields: [
        { path: 'layers[0].users', from: ['ada'], to: ['ada', 'grace'] },
        { path: 'time_zone', from: 'UTC', to: 'Europe/Berlin' },
      ],
    },
    {
      resource: 'escalationPolicy',
      action: 'none',
      id: 'PPOL1',
      fields: [],
    },
    {
      resource: 'serviceLink',
      action: 'create',
      fields: [{ path: 'escalation_policy.id', from: null, to: 'PPOL1' }],
    },
  ],
};

const inSync: PagerDutyPlan = {
  schedule: { ...planned, account: 'default' },
  changes: changing.changes.map(c => ({ ...c, action: 'none', fields: [] })),
};

function renderCard(
  entity: Entity,
  api = mockMultivacApi(),
  config: object = {},
) {
  return renderWithMultivac(
    <TestApiProvider apis={[[configApiRef, mockApis.config({ data: config })]]}>
      <EntityProvider entity={entity}>
        <SchedulePagerDutyCard />
      </EntityProvider>
    </TestApiProvider>,
    { api },
  );
}

describe('SchedulePagerDutyCard', () => {
  it('says how to mark a schedule for PagerDuty, and asks nothing', async () => {
    const api = await renderCard(aSchedule());
    expect(
      await screen.findByText(/does not keep this schedule in PagerDuty/),
    ).toBeInTheDocument();
    expect(screen.getByText("pagerduty.com/reconcile: 'true'")).toBeVisible();
    expect(api.getPagerDutyState).not.toHaveBeenCalled();
    expect(api.getPagerDutyPlan).not.toHaveBeenCalled();
  });

  it('shows the last reconcile with links to PagerDuty, and each change of the dry run', async () => {
    const api = await renderCard(
      marked,
      mockMultivacApi({
        getPagerDutyState: jest.fn(async () => ({
          ...succeeded,
          status: 'retrying' as const,
          lastError: 'PagerDuty answered 429 Too Many Requests',
          nextAttemptAt: '2026-12-05T03:05:00.000Z',
        })),
        getPagerDutyPlan: jest.fn(async () => changing),
      }),
      { multivac: { pagerDuty: { webUrl: 'https://nimbus.pagerduty.com/' } } },
    );
    expect(await screen.findByRole('status')).toHaveTextContent('Retrying');
    expect(screen.getByText('Attempts:').parentElement).toHaveTextContent(
      'Attempts: 2',
    );
    expect(screen.getByText('Last run:').parentElement).toHaveTextContent(
      /Last run: Dec 5, 2026/,
    );
    expect(screen.getByText('Next attempt:').parentElement).toHaveTextContent(
      /Next attempt: Dec 5, 2026/,
    );
    expect(screen.getByLabelText('Last error')).toHaveTextContent(
      'PagerDuty answered 429 Too Many Requests',
    );
    expect(screen.getByRole('link', { name: 'PSCHED1' })).toHaveAttribute(
      'href',
      'https://nimbus.pagerduty.com/schedules/PSCHED1',
    );
    expect(screen.getByRole('link', { name: 'PPOL1' })).toHaveAttribute(
      'href',
      'https://nimbus.pagerduty.com/escalation_policies/PPOL1',
    );
    expect(screen.getByRole('link', { name: 'PSVC2' })).toHaveAttribute(
      'href',
      'https://nimbus.pagerduty.com/service-directory/PSVC2',
    );

    const table = await screen.findByRole('table', {
      name: 'Changes a reconcile would make',
    });
    const rows = within(table)
      .getAllByRole('row')
      .map(row =>
        within(row)
          .queryAllByRole('cell')
          .map(cell => cell.textContent),
      )
      .filter(cells => cells.length);
    expect(rows).toEqual([
      [
        'Schedule PSCHED1',
        'update',
        'layers[0].users',
        '["ada"] → ["ada","grace"]',
      ],
      ['Schedule PSCHED1', 'update', 'time_zone', 'UTC → Europe/Berlin'],
      ['Service link', 'create', 'escalation_policy.id', '— → PPOL1'],
    ]);
    expect(
      screen.getByText('Already in sync: Escalation policy PPOL1.'),
    ).toBeInTheDocument();
    expect(api.getPagerDutyState).toHaveBeenCalledWith(ref);
    expect(api.getPagerDutyPlan).toHaveBeenCalledWith(ref);
  });

  it('says "In sync" when a reconcile would change nothing', async () => {
    await renderCard(
      marked,
      mockMultivacApi({
        getPagerDutyState: jest.fn(async () => succeeded),
        getPagerDutyPlan: jest.fn(async () => inSync),
      }),
    );
    expect(await screen.findByText(/^In sync:/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    // No PagerDuty address configured: the ids without links.
    expect(await screen.findByText('PSCHED1')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'PSCHED1' })).toBeNull();
  });

  it("does not link another account's ids to the default account's address", async () => {
    await renderCard(
      marked,
      mockMultivacApi({
        getPagerDutyState: jest.fn(async () => succeeded),
        getPagerDutyPlan: jest.fn(async () => ({
          ...inSync,
          schedule: { ...planned, account: 'eu' },
        })),
      }),
      { multivac: { pagerDuty: { webUrl: 'https://nimbus.pagerduty.com' } } },
    );
    expect(await screen.findByText(/^In sync:/)).toBeInTheDocument();
    expect(screen.getByText('PSCHED1')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'PSCHED1' })).toBeNull();
  });

  it("says when the schedule was never reconciled, in the backend's words", async () => {
    await renderCard(
      marked,
      mockMultivacApi({
        getPagerDutyState: jest.fn(async () => {
          throw Object.assign(
            new Error(`${ref} has not been reconciled to PagerDuty yet`),
            { statusCode: 404 },
          );
        }),
        getPagerDutyPlan: jest.fn(async () => changing),
      }),
    );
    expect(
      await screen.findByText(
        `Not reconciled yet: ${ref} has not been reconciled to PagerDuty yet`,
      ),
    ).toBeInTheDocument();
    expect(await screen.findByRole('table')).toBeInTheDocument();
  });

  it('reconciles now, follows the state until it is done, then reads the plan again', async () => {
    const states = [
      { ...succeeded, status: 'pending' as const, attempts: 0 },
      { ...succeeded, status: 'running' as const, attempts: 1 },
      { ...succeeded, attempts: 1 },
    ];
    let reads = 0;
    const api = mockMultivacApi({
      getPagerDutyState: jest.fn(async () => {
        if (reads === 0) {
          reads++;
          throw Object.assign(new Error('never reconciled'), {
            statusCode: 404,
          });
        }
        return states[Math.min(reads++ - 1, states.length - 1)];
      }),
      getPagerDutyPlan: jest
        .fn()
        .mockResolvedValueOnce(changing)
        .mockResolvedValue(inSync),
      reconcilePagerDuty: jest.fn(async () => states[0]),
    });
    await renderCard(marked, api);
    const button = await screen.findByRole('button', { name: 'Reconcile now' });
    await waitFor(() => expect(button).toBeEnabled());
    fireEvent.click(button);

    await waitFor(() =>
      expect(api.reconcilePagerDuty).toHaveBeenCalledWith(ref),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      /Waiting to run|Running/,
    );
    expect(
      await screen.findByText('Succeeded', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(await screen.findByText(/^In sync:/)).toBeInTheDocument();
    expect(api.getPagerDutyPlan).toHaveBeenCalledTimes(2);
    expect(api.reconcilePagerDuty).toHaveBeenCalledTimes(1);
  });

  it("shows the backend's refusal when the reconcile is refused", async () => {
    await renderCard(
      marked,
      mockMultivacApi({
        getPagerDutyState: jest.fn(async () => succeeded),
        getPagerDutyPlan: jest.fn(async () => inSync),
        reconcilePagerDuty: jest.fn(async () => {
          throw Object.assign(
            new Error(
              'You are not allowed to reconcile schedules to PagerDuty (multivac.oncall.reconcile)',
            ),
            { statusCode: 403 },
          );
        }),
      }),
    );
    const button = await screen.findByRole('button', { name: 'Reconcile now' });
    await waitFor(() => expect(button).toBeEnabled());
    fireEvent.click(button);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You are not allowed to reconcile schedules to PagerDuty (multivac.oncall.reconcile)',
    );
  });
});
