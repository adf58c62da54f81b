import {
  act,
  cleanup,
  configure,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import {
  anIncident,
  aPage,
  aReport,
  mockMultivacApi,
} from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';

// Rendering the whole page in jsdom takes seconds on a busy machine.
configure({ asyncUtilTimeout: 5_000 });

const alertApi = { post: jest.fn(), alert$: jest.fn() };

function openReport(api = mockMultivacApi()) {
  return renderMultivacPage('/multivac/reports/RPT-1', { api, alertApi });
}

const PAGED = 'Paged Grace Hopper (level 1 of Payments primary)';

const pagingBox = () => screen.getByText('Paging').closest('[role="status"]')!;

describe('ReportDetailsPage', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('shows who was paged, how to reach them and what the reporter said', async () => {
    const api = await openReport(
      mockMultivacApi({
        getReport: jest.fn(async () =>
          aReport({
            scope: 'region',
            region: 'eu-west-1',
            links: ['https://grafana.example/d/payments'],
            severity: 'SEV3',
            severityReason: 'Only retries fail; payments go through',
          }),
        ),
      }),
    );
    expect(
      await screen.findByRole('heading', {
        name: 'RPT-1: Card payments failing',
      }),
    ).toBeInTheDocument();
    expect(api.getReport).toHaveBeenCalledWith('RPT-1');

    expect(pagingBox()).toHaveTextContent(PAGED);
    expect(pagingBox().className).toMatch(/MuiAlert-standardInfo/);

    const page = screen.getByRole('region', {
      name: 'Page to level 1 of Payments primary',
    });
    expect(within(page).getByText('triggered')).toBeInTheDocument();
    expect(
      within(page).getByText('Level 1 of Payments primary'),
    ).toBeInTheDocument();
    expect(
      within(page).getByRole('link', { name: 'Grace Hopper' }),
    ).toBeInTheDocument();
    expect(
      within(page).getByRole('link', { name: /^\+49 30 5550 1002/ }),
    ).toHaveAttribute('href', 'tel:+493055501002');
    expect(
      within(page).getByRole('link', {
        name: /^grace\.hopper@nimbus\.example/,
      }),
    ).toHaveAttribute('href', 'mailto:grace.hopper@nimbus.example');
    expect(within(page).getByRole('link', { name: /^Slack/ })).toHaveAttribute(
      'href',
      'https://slack.com/app_redirect?channel=U0GRACE',
    );
    expect(page).toHaveTextContent(
      'Delivery (builtin): recorded; shown on the On call card and page',
    );
    expect(
      within(page).getByRole('list', { name: 'page history' }),
    ).toHaveTextContent('Paged Grace Hopper (level 1)');

    expect(
      screen.getByText(
        'rubric said SEV2; lowered because: Only retries fail; payments go through',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('11–100 users')).toBeInTheDocument();
    expect(screen.getByText('One region: eu-west-1')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /^https:\/\/grafana\.example/ }),
    ).toHaveAttribute('href', 'https://grafana.example/d/payments');
    expect(
      screen.getByText('Visa payments return 502 at checkout'),
    ).toBeInTheDocument();
  });

  it('warns when the fallback schedule had to be paged', async () => {
    await openReport(
      mockMultivacApi({
        getReport: jest.fn(async () =>
          aReport({
            paging:
              'Nobody could be resolved for component:default/payments-api: no on-call annotation; paged the fallback schedule Platform on call instead',
            pages: [
              aPage({
                fallback: true,
                scheduleName: 'Platform on call',
                targets: [{ name: 'Ken Thompson' }],
              }),
            ],
          }),
        ),
      }),
    );
    expect(await screen.findByText(/Nobody could be resolved/)).toBeVisible();
    expect(pagingBox().className).toMatch(/MuiAlert-standardWarning/);
    expect(screen.getByText('fallback schedule')).toBeInTheDocument();
    expect(screen.getByText('Level 1 of Platform on call')).toBeInTheDocument();
  });

  it('acknowledges a page and reloads the report', async () => {
    const acknowledged = aReport({
      status: 'acknowledged',
      paging: 'Grace Hopper acknowledged',
      pages: [
        aPage({
          status: 'acknowledged',
          acknowledgedBy: 'user:default/grace.hopper',
          acknowledgedAt: '2026-11-23T10:03:00.000Z',
        }),
      ],
    });
    const api = await openReport(
      mockMultivacApi({
        getReport: jest
          .fn()
          .mockResolvedValueOnce(aReport())
          .mockResolvedValue(acknowledged),
        acknowledgePage: jest.fn(async () => acknowledged.pages[0]),
      }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Acknowledge' }));
    await waitFor(() =>
      expect(api.acknowledgePage).toHaveBeenCalledWith('page-1'),
    );
    expect(
      await screen.findByText('Grace Hopper acknowledged'),
    ).toBeInTheDocument();
    expect(screen.getByText(/^Acknowledged by/)).toHaveTextContent(
      'Acknowledged by grace.hopper at',
    );
    expect(
      screen.queryByRole('button', { name: 'Acknowledge' }),
    ).not.toBeInTheDocument();
  });

  it('starts an incident from the report and goes to it', async () => {
    const incident = anIncident({ number: 7, reference: 'INC-7' });
    const api = await openReport(
      mockMultivacApi({
        startIncidentFromReport: jest.fn(async () => incident),
        getIncident: jest.fn(async () => incident),
      }),
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'Start incident' }),
    );
    expect(
      await screen.findByRole('heading', {
        name: 'INC-7: Card payments failing',
      }),
    ).toBeInTheDocument();
    expect(api.startIncidentFromReport).toHaveBeenCalledWith('report-1');
    expect(api.getIncident).toHaveBeenCalledWith('INC-7');
  });

  it("shows the server's refusal to start an incident", async () => {
    await openReport(
      mockMultivacApi({
        startIncidentFromReport: jest.fn(async () => {
          throw new Error('RPT-1 is already INC-3');
        }),
      }),
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'Start incident' }),
    );
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message: 'RPT-1 is already INC-3',
        severity: 'error',
      }),
    );
  });

  it('links a handled report to its incident', async () => {
    await openReport(
      mockMultivacApi({
        getReport: jest.fn(async () =>
          aReport({
            status: 'incident',
            incidentId: 'incident-3',
            incidentReference: 'INC-3',
          }),
        ),
      }),
    );
    expect(await screen.findByRole('link', { name: 'INC-3' })).toHaveAttribute(
      'href',
      '/multivac/incidents/INC-3',
    );
    expect(screen.getByText(/^Handled as/)).toHaveTextContent(
      'Handled as INC-3',
    );
    expect(
      screen.queryByRole('button', { name: 'Start incident' }),
    ).not.toBeInTheDocument();
  });

  it('re-reads the report every 5 seconds until it is an incident', async () => {
    // fake time also moves with real time, so rendering needs no manual ticks
    jest.useFakeTimers({ advanceTimers: true });
    const getReport = jest
      .fn()
      .mockResolvedValueOnce(aReport())
      .mockResolvedValueOnce(
        aReport({
          status: 'acknowledged',
          paging: 'Grace Hopper acknowledged',
        }),
      )
      .mockResolvedValue(
        aReport({
          status: 'incident',
          incidentId: 'incident-3',
          incidentReference: 'INC-3',
        }),
      );
    await openReport(mockMultivacApi({ getReport }));
    await screen.findByText(PAGED);

    await act(() => jest.advanceTimersByTimeAsync(5000));
    expect(await screen.findByText('Grace Hopper acknowledged')).toBeVisible();

    await act(() => jest.advanceTimersByTimeAsync(5000));
    expect(await screen.findByRole('link', { name: 'INC-3' })).toBeVisible();
    const reads = getReport.mock.calls.length;
    await act(() => jest.advanceTimersByTimeAsync(30_000));
    expect(getReport).toHaveBeenCalledTimes(reads);
  });

  it('stops re-reading when the page is left', async () => {
    // fake time also moves with real time, so rendering needs no manual ticks
    jest.useFakeTimers({ advanceTimers: true });
    const api = mockMultivacApi();
    await openReport(api);
    await screen.findByText(PAGED);
    cleanup();
    const reads = api.getReport.mock.calls.length;
    await act(() => jest.advanceTimersByTimeAsync(30_000));
    expect(api.getReport).toHaveBeenCalledTimes(reads);
    // timeouts have fired by now; a leaked interval would still be pending
    expect(jest.getTimerCount()).toBe(0);
  });
});
