import { ScheduleOverview } from '@multivac/plugin-multivac-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { DateTime, Settings } from 'luxon';
import {
  aUser,
  withEntityPresentation,
} from '../../__testUtils__/entityPresentation';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { OnCallPage } from './OnCallPage';

const NOW = Date.parse('2026-11-23T10:00:00Z');

const grace = {
  userRef: 'user:default/grace.hopper',
  name: 'Grace Hopper',
  email: 'grace.hopper@nimbus.example',
  phone: '+49 30 5550 1002',
};
const alan = { name: 'Alan Turing', phone: '+44 20 7946 0000' };
const ken = { userRef: 'user:default/ken.thompson', name: 'Ken Thompson' };

const payments: ScheduleOverview = {
  id: 'payments-primary',
  name: 'Payments primary',
  timeZone: 'Europe/Berlin',
  onCallNow: {
    person: grace,
    start: '2026-11-20T09:00:00.000+01:00',
    end: '2026-11-25T09:00:00.000+01:00',
  },
  shifts: [
    {
      person: grace,
      start: '2026-11-20T09:00:00.000+01:00',
      end: '2026-11-25T09:00:00.000+01:00',
    },
    {
      person: alan,
      start: '2026-11-25T09:00:00.000+01:00',
      end: '2026-11-28T09:00:00.000+01:00',
    },
    // nobody from the 28th, 09:00 to the 29th, 09:00
    {
      person: ken,
      start: '2026-11-29T09:00:00.000+01:00',
      end: '2026-12-02T09:00:00.000+01:00',
    },
  ],
};

const database: ScheduleOverview = {
  id: 'database-secondary',
  name: 'Database secondary',
  timeZone: 'America/New_York',
  shifts: [
    {
      person: { name: 'Ada Lovelace' },
      start: '2026-11-24T09:00:00.000-05:00',
      end: '2026-11-26T09:00:00.000-05:00',
    },
  ],
};

function renderPage(schedules: () => Promise<ScheduleOverview[]>) {
  return renderWithMultivac(<OnCallPage />, {
    api: mockMultivacApi({ listSchedules: jest.fn(schedules) }),
  });
}

describe('OnCallPage', () => {
  const savedZone = Settings.defaultZone;
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    // the viewer is in UTC; the Payments schedule is in Europe/Berlin
    Settings.defaultZone = 'UTC';
  });
  afterEach(() => {
    jest.restoreAllMocks();
    Settings.defaultZone = savedZone;
  });

  it('shows who is on call now for every schedule and how to reach them', async () => {
    const api = await renderPage(async () => [payments, database]);

    const table = await screen.findByRole('table', { name: 'On call now' });
    expect(api.listSchedules).toHaveBeenCalledWith(7);
    expect(
      screen.getByRole('heading', { name: 'On call' }),
    ).toBeInTheDocument();

    const [, paymentsRow, databaseRow] = within(table).getAllByRole('row');
    expect(within(paymentsRow).getByText('Payments primary')).toBeVisible();
    expect(within(paymentsRow).getByText('Europe/Berlin')).toBeVisible();
    expect(
      within(paymentsRow).getByRole('link', { name: 'Grace Hopper' }),
    ).toBeInTheDocument();
    // until when, in the viewer's zone and the schedule's, both named
    expect(
      within(paymentsRow).getByText(
        'Nov 25, 2026, 8:00 AM UTC (9:00 AM CET schedule time)',
      ),
    ).toBeInTheDocument();
    expect(
      within(paymentsRow).getByRole('link', { name: /^\+49 30 5550 1002/ }),
    ).toHaveAttribute('href', 'tel:+493055501002');
    expect(
      within(paymentsRow).getByRole('link', {
        name: /^grace\.hopper@nimbus\.example/,
      }),
    ).toHaveAttribute('href', 'mailto:grace.hopper@nimbus.example');

    expect(within(databaseRow).getByText('Database secondary')).toBeVisible();
    expect(within(databaseRow).getByText('Nobody')).toBeVisible();
  });

  it('draws the next 7 days of each schedule as one segment per shift, with gaps', async () => {
    await renderPage(async () => [payments, database]);

    const timeline = await screen.findByRole('list', {
      name: 'Payments primary timeline',
    });
    const shifts = within(timeline).getAllByTestId('oncall-shift');
    expect(shifts).toHaveLength(3);
    expect(shifts.map(s => s.textContent)).toEqual([
      'Grace Hopper',
      'Alan Turing',
      'Ken Thompson',
    ]);
    // Grace: from now (10:00Z) to the 25th, 08:00Z is 46 of 168 hours
    expect(shifts[0].style.left).toBe('0%');
    expect(parseFloat(shifts[0].style.width)).toBeCloseTo((46 / 168) * 100);
    expect(shifts[0].getAttribute('aria-label')).toBe(
      'Grace Hopper: Nov 20, 2026, 8:00 AM UTC – Nov 25, 2026, 8:00 AM UTC',
    );
    // each person has their own colour
    expect(shifts[0].style.backgroundColor).not.toBe(
      shifts[1].style.backgroundColor,
    );
    // the 28th to the 29th has nobody; Ken covers the rest of the window
    const gaps = within(timeline).getAllByTestId('oncall-gap');
    expect(gaps).toHaveLength(1);
    expect(gaps[0].getAttribute('aria-label')).toMatch(/^Nobody on call: /);

    const databaseTimeline = screen.getByRole('list', {
      name: 'Database secondary timeline',
    });
    expect(
      within(databaseTimeline).getAllByTestId('oncall-shift'),
    ).toHaveLength(1);
    expect(within(databaseTimeline).getAllByTestId('oncall-gap')).toHaveLength(
      2,
    );

    expect(
      screen.getByText(/Days in your time zone \(UTC\)\.$/),
    ).toBeInTheDocument();
    // day labels under the bars, in the viewer's local time
    const tuesday = DateTime.fromISO('2026-11-24T12:00:00Z').toFormat('ccc d');
    expect(screen.getAllByText(tuesday)).toHaveLength(2);

    fireEvent.mouseOver(shifts[1]);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      /^Alan Turing: .+ – .+$/,
    );
  });

  it('says how to configure schedules when there are none', async () => {
    await renderPage(async () => []);
    expect(
      await screen.findByText(/No built-in schedules are configured/),
    ).toHaveTextContent(
      'No built-in schedules are configured. Add them under multivac.onCall.schedules in app-config.yaml.',
    );
  });

  it('shows why the schedules could not be loaded', async () => {
    await renderPage(async () => {
      throw new Error('Multivac backend is down');
    });
    expect(
      await screen.findAllByText(/Multivac backend is down/),
    ).not.toHaveLength(0);
  });

  it("lists each schedule's covers with who made them, covers a shift and cancels one", async () => {
    const cover = {
      id: 'o-1',
      scheduleId: 'payments-primary',
      userRef: 'user:default/ken.thompson',
      person: ken,
      start: '2026-11-23T17:00:00.000Z',
      end: '2026-11-24T08:00:00.000Z',
      createdBy: 'user:default/ada.lovelace',
      createdAt: '2026-11-23T09:00:00.000Z',
      reason: 'Grace is at the dentist',
    };
    const api = mockMultivacApi({
      listSchedules: jest.fn(async () => [payments, database]),
      listOverrides: jest.fn(async (id: string) =>
        id === 'payments-primary' ? [cover] : [],
      ),
    });
    await renderWithMultivac(
      withEntityPresentation(<OnCallPage />, [
        aUser('ada.lovelace', 'Ada Lovelace'),
      ]),
      { api },
    );

    const list = await screen.findByRole('list', {
      name: 'Payments primary covers',
    });
    // who set it by display name
    await waitFor(() =>
      expect(within(list).getByRole('listitem')).toHaveTextContent(
        'Ken Thompson covers Nov 23, 2026, 5:00 PM UTC (6:00 PM CET schedule time) – Nov 24, 2026, 8:00 AM UTC (9:00 AM CET schedule time), set by Ada Lovelace: Grace is at the dentist',
      ),
    );
    expect(
      screen.queryByRole('list', { name: 'Database secondary covers' }),
    ).not.toBeInTheDocument();

    // The dialog names the schedule and its zone.
    fireEvent.click(
      screen.getByRole('button', { name: 'Cover a shift of Payments primary' }),
    );
    expect(
      await screen.findByText('Cover a shift of Payments primary'),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText(/From \(Europe\/Berlin\)/),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(
        screen.queryByText('Cover a shift of Payments primary'),
      ).not.toBeInTheDocument(),
    );

    // Cancelling reads the covers and the schedules again.
    expect(api.listSchedules).toHaveBeenCalledTimes(1);
    fireEvent.click(
      within(list).getByRole('button', {
        name: 'Cancel the cover by Ken Thompson',
      }),
    );
    await waitFor(() =>
      expect(api.cancelOverride).toHaveBeenCalledWith(
        'payments-primary',
        'o-1',
      ),
    );
    await waitFor(() => expect(api.listSchedules).toHaveBeenCalledTimes(2));
    expect(api.listOverrides).toHaveBeenCalledWith('payments-primary');
  });

  it('shows progress while loading', async () => {
    await renderPage(() => new Promise(() => {}));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });
});
