import {
  IncidentInsights,
  IncidentMetrics,
  InterruptionInsights,
} from '@multivac/plugin-multivac-common';
import { configure, fireEvent, screen, within } from '@testing-library/react';
import { Route, Routes, useLocation } from 'react-router-dom';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { MultivacPage } from '../MultivacPage';
import { toCsv } from './csv';

configure({ asyncUtilTimeout: 5_000 });

const Location = () => <output>{useLocation().search}</output>;

const metrics = (count: number, mtta: number | null, mttr: number | null) =>
  ({
    count,
    mtta: { n: mtta === null ? 0 : count, mean: mtta, p50: mtta, p90: mtta },
    mttr: { n: mttr === null ? 0 : count, mean: mttr, p50: mttr, p90: mttr },
    mobilise: { n: 0, mean: null, p50: null, p90: null },
  } satisfies IncidentMetrics);

const incidents: IncidentInsights = {
  period: { from: '2026-11-04T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z' },
  previousPeriod: {
    from: '2026-10-05T00:00:00.000Z',
    to: '2026-11-04T00:00:00.000Z',
  },
  total: {
    ...metrics(3, 300, 5400),
    mtta: { n: 3, mean: 300, p50: 240, p90: 480 },
  },
  previous: metrics(2, 600, 7200),
  change: { count: 0.5, mttaMean: -0.5, mttrMean: -0.25, mobiliseMean: null },
  byTeam: [
    {
      key: 'group:default/payments',
      name: 'Payments, "core"',
      ...metrics(3, 300, 5400),
      previous: metrics(2, 600, 7200),
    },
  ],
  byService: [
    {
      key: 'component:default/payments-api',
      name: 'payments-api',
      ...metrics(3, 300, 5400),
      previous: metrics(0, null, null),
    },
  ],
  bySeverity: [
    {
      key: 'SEV2',
      name: 'SEV2',
      ...metrics(3, 300, 5400),
      previous: metrics(2, 600, 7200),
    },
  ],
  trend: [
    { start: '2026-11-04T00:00:00.000Z', ...metrics(1, 300, 3600) },
    { start: '2026-11-05T00:00:00.000Z', ...metrics(0, null, null) },
  ],
};

const interruptions: InterruptionInsights = {
  period: incidents.period,
  previousPeriod: incidents.previousPeriod,
  total: { total: 5, business: 1, evening: 1, sleep: 2, weekend: 1 },
  previous: { total: 1, business: 1, evening: 0, sleep: 0, weekend: 0 },
  byPerson: [
    {
      userRef: 'user:default/ada.lovelace',
      name: 'Ada Lovelace',
      total: 5,
      business: 1,
      evening: 1,
      sleep: 2,
      weekend: 1,
    },
  ],
  heatmap: [
    { weekday: 6, hour: 3, count: 2 },
    { weekday: 1, hour: 10, count: 1 },
  ],
};

function openInsights(path: string) {
  const api = mockMultivacApi({
    getIncidentInsights: jest.fn(async () => incidents),
    getInterruptionInsights: jest.fn(async () => interruptions),
    getOnCallLoad: jest.fn(async () => ({
      period: incidents.period,
      schedules: [],
    })),
  });
  return renderWithMultivac(
    <>
      <Routes>
        <Route path="/multivac/*" element={<MultivacPage />} />
      </Routes>
      <Location />
    </>,
    { api, routeEntries: [path] },
  );
}

describe('InsightsPage', () => {
  it('reads period, team and service from the link and shows each figure with its definition', async () => {
    const api = await openInsights(
      '/multivac/insights?period=90d&team=group%3Adefault%2Fpayments&service=component%3Adefault%2Fpayments-api',
    );
    expect(await screen.findByText('5 minutes')).toBeInTheDocument();
    const query = {
      period: '90d',
      team: 'group:default/payments',
      service: 'component:default/payments-api',
    };
    expect(api.getIncidentInsights).toHaveBeenCalledWith(query);
    expect(api.getInterruptionInsights).toHaveBeenCalledWith(query);
    // The on-call load section, for the team and period of the page.
    expect(
      await screen.findByText(
        'No built-in on-call schedule belongs to this team.',
      ),
    ).toBeInTheDocument();
    expect(api.getOnCallLoad).toHaveBeenCalledWith({
      period: '90d',
      team: 'group:default/payments',
    });

    // MTTR 5400 s, its percentiles and the change against the period before.
    expect(screen.getByText('1 hour 30 minutes')).toBeInTheDocument();
    expect(
      screen.getByText(
        'p50 4 minutes · p90 8 minutes · 3 incidents; -50% against the previous period',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('+50% against the previous period'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /^Mean time to acknowledge: from an incident's first page/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/^Time to mobilise:/)).toBeInTheDocument();
    expect(
      screen.getByText(
        'Interruptions: 5 (business hours 1, evening 1, sleep 2, weekend 1)',
      ),
    ).toBeInTheDocument();

    const heatmap = screen.getByRole('table', {
      name: 'Interruptions by weekday and hour',
    });
    expect(
      within(heatmap).getByTitle('Sat 3:00: 2 interruptions'),
    ).toHaveTextContent('2');
    expect(
      within(heatmap).getByTitle('Mon 10:00: 1 interruptions'),
    ).toHaveTextContent('1');
    expect(
      within(heatmap).getByTitle('Sun 23:00: 0 interruptions'),
    ).toHaveTextContent('');

    const people = screen.getByRole('table', {
      name: 'Interruptions by person',
    });
    expect(within(people).getByText('Ada Lovelace')).toBeInTheDocument();
  });

  it('keeps the period in the URL and exports a table as CSV', async () => {
    const api = await openInsights('/multivac/insights');
    await screen.findByText('5 minutes');
    expect(api.getIncidentInsights).toHaveBeenCalledWith({ period: '30d' });

    const created: Blob[] = [];
    URL.createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:insights';
    });
    URL.revokeObjectURL = jest.fn();
    const downloads: string[] = [];
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        downloads.push(this.download);
      });
    // The tables in order: by team, by service, by severity, by person.
    const [byTeam] = screen.getAllByRole('button', { name: 'Export CSV' });
    fireEvent.click(byTeam);
    expect(created).toHaveLength(1);
    expect(downloads).toEqual(['insights-30d-teams.csv']);
    expect(await created[0].text()).toBe(
      [
        'Team,Incidents,Previous period,MTTA mean (s),MTTA p90 (s),MTTR mean (s),MTTR p90 (s),Mobilise mean (s)',
        '"Payments, ""core""",3,2,300,300,5400,5400,',
      ].join('\r\n'),
    );

    fireEvent.mouseDown(screen.getByLabelText('Period'));
    fireEvent.click(await screen.findByRole('option', { name: 'Last 7 days' }));
    expect(await screen.findByText('?period=7d')).toBeInTheDocument();
    expect(api.getIncidentInsights).toHaveBeenLastCalledWith({ period: '7d' });
  });
});

describe('toCsv', () => {
  it('quotes separators and defuses spreadsheet formulas', () => {
    expect(
      toCsv(
        [
          { a: '=SUM(A1)', b: -3 },
          { a: 'line\nbreak', b: null },
        ],
        [
          { header: 'A', value: (r: { a: string }) => r.a },
          { header: 'B', value: (r: { b: number | null }) => r.b },
        ],
      ),
    ).toBe('A,B\r\n\'=SUM(A1),-3\r\n"line\nbreak",');
  });
});
