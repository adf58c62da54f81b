import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { aRelease, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';

/** Today 15:10–16:00 local time, so the default week view shows it. */
function todayAt(hours: number, minutes: number) {
  const time = new Date();
  time.setHours(hours, minutes, 0, 0);
  return time.toISOString();
}

const forced = aRelease({
  id: 'release-2',
  number: 2,
  reference: 'REL-2',
  title: 'v2.4.1',
  start: todayAt(15, 10),
  end: todayAt(16, 0),
  forced: {
    reason: 'ledger change is backwards compatible',
    by: 'user:default/ada.lovelace',
    at: todayAt(9, 0),
    conflicts: [
      {
        kind: 'dependency',
        sentence:
          'payments-api depends on ledger-service, which releases 15:00–15:30, overlapping by 20 minutes',
        blocking: true,
      },
    ],
  },
});
const ledger = aRelease({
  entityRef: 'component:default/ledger-service',
  title: 'v7.0.0',
  start: todayAt(15, 0),
  end: todayAt(15, 30),
});

describe('ReleaseCalendarPage', () => {
  async function renderCalendar(path = '/multivac/releases') {
    const api = mockMultivacApi({
      listReleases: jest.fn(async () => ({
        items: [ledger, forced],
        totalCount: 2,
        limit: 500,
        offset: 0,
      })),
      getRelease: jest.fn(async () => forced),
    });
    await renderMultivacPage(path, { api });
    return api;
  }

  it('loads the visible week and highlights a release booked past its conflicts', async () => {
    const api = await renderCalendar();
    const event = await screen.findByText('⚠ payments-api v2.4.1 · production');
    expect(
      screen.getByText('ledger-service v7.0.0 · production'),
    ).toBeInTheDocument();
    const box = event.closest('.rbc-event') as HTMLElement;
    expect(box.style.borderLeft).toBe('6px solid rgb(213, 0, 0)');
    expect(box.getAttribute('title')).toContain(
      '⚠ payments-api depends on ledger-service',
    );
    const query = api.listReleases.mock.calls[0][0]!;
    const week = Date.parse(query.to!) - Date.parse(query.from!);
    expect(week).toBeGreaterThan(6.9 * 86_400_000);
    expect(week).toBeLessThan(7.1 * 86_400_000);
    expect(Date.parse(query.from!)).toBeLessThanOrEqual(Date.now());

    fireEvent.click(screen.getByRole('button', { name: 'Month' }));
    await waitFor(() =>
      expect(api.listReleases.mock.calls.length).toBeGreaterThan(1),
    );
    const month = api.listReleases.mock.lastCall![0]!;
    expect(Date.parse(month.to!) - Date.parse(month.from!)).toBeGreaterThan(
      27 * 86_400_000,
    );
  });

  it("shows each conflict's sentence in the event and under the calendar, not only in the tooltip", async () => {
    await renderCalendar();
    const event = (
      await screen.findByText('⚠ payments-api v2.4.1 · production')
    ).closest('.rbc-event') as HTMLElement;
    const sentence =
      'payments-api depends on ledger-service, which releases 15:00–15:30, overlapping by 20 minutes';
    expect(within(event).getByText(sentence)).toBeInTheDocument();
    const list = screen.getByRole('region', { name: 'Conflicts in view' });
    expect(list).toHaveTextContent(`REL-2 payments-api v2.4.1 (production, `);
    // when, with the viewer's zone named
    expect(list).toHaveTextContent(
      /\(production, \w{3} \d{1,2} \w{3} 15:10 (UTC|[A-Z]{2,5}|GMT[+-]\d+)\)/,
    );
    expect(list).toHaveTextContent(`): ⚠ ${sentence}`);
    expect(list).not.toHaveTextContent('ledger-service v7.0.0');
    fireEvent.click(within(list).getByRole('button', { name: 'REL-2' }));
    expect(await screen.findByRole('dialog')).toHaveTextContent(
      'REL-2: v2.4.1',
    );
  });

  it('lays overlapping releases out side by side in the week view', async () => {
    await renderCalendar();
    const boxes = await Promise.all(
      [
        '⚠ payments-api v2.4.1 · production',
        'ledger-service v7.0.0 · production',
      ].map(
        async title =>
          (await screen.findByText(title)).closest('.rbc-event') as HTMLElement,
      ),
    );
    // the library writes e.g. `width: calc(50% - 3px); left: calc(50% + 3px)`
    const percent = (value: string) =>
      Number(/^calc\(([\d.]+)%/.exec(value)?.[1]);
    const columns = boxes.map(box => ({
      left: percent(box.style.left),
      width: percent(box.style.width),
    }));
    // two columns of half the day each, not one event drawn over the other
    expect(columns.map(c => Math.round(c.width))).toEqual([50, 50]);
    expect(columns.map(c => c.left).sort()).toEqual([0, 50]);
  });

  it('filters by environment and status', async () => {
    const api = await renderCalendar();
    await screen.findByText('⚠ payments-api v2.4.1 · production');
    fireEvent.mouseDown(screen.getByLabelText('Environment'));
    fireEvent.click(await screen.findByRole('option', { name: 'staging' }));
    await waitFor(() =>
      expect(api.listReleases).toHaveBeenLastCalledWith(
        expect.objectContaining({ environment: 'staging', limit: 500 }),
      ),
    );
    fireEvent.mouseDown(screen.getByLabelText('Status'));
    fireEvent.click(
      await screen.findByRole('option', { name: 'Planned or in progress' }),
    );
    await waitFor(() =>
      expect(api.listReleases).toHaveBeenLastCalledWith(
        expect.objectContaining({ environment: 'staging', status: 'active' }),
      ),
    );
  });

  it('opens the details with why it was forced, and its status buttons', async () => {
    await renderCalendar();
    fireEvent.click(
      await screen.findByText('⚠ payments-api v2.4.1 · production'),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('REL-2: v2.4.1');
    expect(dialog).toHaveTextContent(
      // No catalog here: the person is named by the ref's short form.
      'Forced past its conflicts by ada.lovelace: ledger change is backwards compatible',
    );
    expect(
      within(dialog).getByRole('button', { name: 'Start' }),
    ).toBeInTheDocument();
  });

  it('opens the release a link names', async () => {
    const api = await renderCalendar('/multivac/releases/REL-2');
    expect(await screen.findByRole('dialog')).toHaveTextContent(
      'REL-2: v2.4.1',
    );
    expect(api.getRelease).toHaveBeenCalledWith('REL-2');
  });

  it('gives a personal feed URL to copy', async () => {
    const writeText = jest.fn(async () => {});
    Object.assign(navigator, { clipboard: { writeText } });
    const api = await renderCalendar();
    fireEvent.click(screen.getByRole('button', { name: 'Subscribe' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('revokes your previous one');
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Create feed URL' }),
    );
    const copy = await within(dialog).findByRole('button', {
      name: 'Copy All releases',
    });
    fireEvent.click(copy);
    expect(writeText).toHaveBeenCalledWith(
      'http://backend/api/multivac/releases/calendar.ics?token=feed-token',
    );
    expect(api.createReleaseFeedToken).toHaveBeenCalledTimes(1);
  });
});
