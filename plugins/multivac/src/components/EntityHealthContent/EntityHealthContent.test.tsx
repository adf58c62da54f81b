import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ReportCard } from '@multivac/plugin-multivac-common';
import { configure, fireEvent, screen, within } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { EntityHealthContent } from './EntityHealthContent';

configure({ asyncUtilTimeout: 5_000 });

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments', namespace: 'default' },
};

const metrics = {
  count: 0,
  mtta: { n: 0, mean: null, p50: null, p90: null },
  mttr: { n: 0, mean: null, p50: null, p90: null },
  mobilise: { n: 0, mean: null, p50: null, p90: null },
};

const card: ReportCard = {
  team: { ref: 'group:default/payments', name: 'Payments' },
  period: { from: '2026-11-27T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z' },
  lines: [
    {
      id: 'mtta',
      title: 'MTTA',
      verdict: 'good',
      summary: 'As fast as the company or faster',
      reason: 'MTTA 4 minutes against a company median of 6 minutes',
    },
    {
      id: 'postmortems',
      title: 'Post-mortems',
      verdict: 'bad',
      summary: 'Post-mortems are overdue',
      reason: '3 post-mortems overdue: PM-4, PM-7, PM-9',
    },
  ],
  figures: {
    team: metrics,
    companyMedian: { mtta: 360, mttr: null },
    bySeverity: [],
    interruptions: { total: 0, business: 0, evening: 0, sleep: 0, weekend: 0 },
    postmortems: {
      due: 0,
      onTime: 0,
      late: [],
      overdue: ['PM-4', 'PM-7', 'PM-9'],
    },
    actionItemsOverdue: [],
    changeFailure: { releases: 0, failed: 0, rate: null },
    readiness: {
      components: 0,
      withoutOnCall: [],
      withoutSlackChannel: [],
      onCallPeople: 0,
      withoutPhone: [],
    },
  },
};

describe('EntityHealthContent', () => {
  it('shows the team’s report card with verdicts and reasons, and its on-call load', async () => {
    const api = mockMultivacApi({
      getReportCard: jest.fn(async () => card),
      getOnCallLoad: jest.fn(async () => ({
        period: card.period,
        schedules: [],
      })),
    });
    await renderWithMultivac(
      <EntityProvider entity={group}>
        <EntityHealthContent />
      </EntityProvider>,
      { api },
    );
    const table = await screen.findByRole('table', {
      name: 'Report card: Payments',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows.map(r => r.textContent)).toEqual([
      'WhatVerdictIn wordsWhy',
      'MTTAGoodAs fast as the company or fasterMTTA 4 minutes against a company median of 6 minutes',
      'Post-mortemsAct on itPost-mortems are overdue3 post-mortems overdue: PM-4, PM-7, PM-9',
    ]);
    expect(api.getReportCard).toHaveBeenCalledWith({
      team: 'group:default/payments',
      period: '7d',
    });
    expect(api.getOnCallLoad).toHaveBeenCalledWith(
      expect.objectContaining({ team: 'group:default/payments', period: '7d' }),
    );

    fireEvent.mouseDown(screen.getByLabelText('Period'));
    fireEvent.click(
      await screen.findByRole('option', { name: 'Last 30 days' }),
    );
    await screen.findByRole('table', { name: 'Report card: Payments' });
    expect(api.getReportCard).toHaveBeenLastCalledWith({
      team: 'group:default/payments',
      period: '30d',
    });
  });

  it('shows the error when the report card cannot be read', async () => {
    const api = mockMultivacApi({
      getReportCard: jest.fn(async () => {
        throw new Error('team: group:default/payments is not in the catalog');
      }),
      getOnCallLoad: jest.fn(async () => ({
        period: card.period,
        schedules: [],
      })),
    });
    await renderWithMultivac(
      <EntityProvider entity={group}>
        <EntityHealthContent />
      </EntityProvider>,
      { api },
    );
    expect(
      await screen.findByText(
        'Error: team: group:default/payments is not in the catalog',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: /Report card/ }),
    ).not.toBeInTheDocument();
  });
});
