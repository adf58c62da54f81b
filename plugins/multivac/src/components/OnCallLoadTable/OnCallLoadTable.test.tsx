import { OnCallLoad } from '@multivac/plugin-multivac-common';
import { configure, fireEvent, screen, within } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { OnCallLoadTable } from './OnCallLoadTable';

configure({ asyncUtilTimeout: 5_000 });

const load: OnCallLoad = {
  period: { from: '2026-11-04T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z' },
  schedules: [
    {
      id: 'payments-primary',
      name: 'Payments primary',
      timeZone: 'Europe/Berlin',
      hours: 720,
      interruptions: 8,
      people: 2,
      gini: 0.25,
      persons: [
        {
          scheduleId: 'payments-primary',
          userRef: 'user:default/ada.lovelace',
          name: 'Ada "the first" Lovelace',
          hours: 480,
          shifts: 3,
          interruptions: 6,
          interruptionsPerShift: 2,
          maxPerShift: 4,
          bursts: 1,
          badNights: 2,
          sreBreaches: 1,
          hoursShare: 2 / 3,
          interruptionsShare: 0.75,
          evenShare: 0.5,
        },
        {
          scheduleId: 'payments-primary',
          userRef: 'user:default/grace.hopper',
          name: 'Grace Hopper',
          hours: 240.25,
          shifts: 0,
          interruptions: 2,
          interruptionsPerShift: null,
          maxPerShift: 2,
          bursts: 0,
          badNights: 0,
          sreBreaches: 0,
          hoursShare: 1 / 3,
          interruptionsShare: 0.25,
          evenShare: 0.5,
        },
      ],
    },
  ],
};

describe('OnCallLoadTable', () => {
  it("asks for the team's load and shows each person's figures, the Gini and a CSV", async () => {
    const api = mockMultivacApi({ getOnCallLoad: jest.fn(async () => load) });
    await renderWithMultivac(
      <OnCallLoadTable team="group:default/payments" period="90d" />,
      { api },
    );
    const table = await screen.findByRole('table', {
      name: 'On-call load: Payments primary',
    });
    expect(api.getOnCallLoad).toHaveBeenCalledWith({
      period: '90d',
      team: 'group:default/payments',
    });
    expect(
      screen.getByText(
        '720 hours on call, 8 interruptions, 2 people (Europe/Berlin) · Gini of interruptions: 0.25',
      ),
    ).toBeInTheDocument();
    const [, ada, grace] = within(table).getAllByRole('row');
    expect(
      within(ada)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      'Ada "the first" Lovelace',
      '480',
      '3',
      '6',
      '2',
      '4',
      '1',
      '2',
      '1',
      '67%',
      '75%',
      '50%',
    ]);
    expect(within(grace).getAllByRole('cell')[4]).toHaveTextContent('–');
    expect(screen.getByText(/A bad night has 2 or more/)).toBeInTheDocument();

    const created: Blob[] = [];
    URL.createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:load';
    });
    URL.revokeObjectURL = jest.fn();
    const downloads: string[] = [];
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        downloads.push(this.download);
      });
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(downloads).toEqual([
      'oncall-load-90d-group_default_payments-payments-primary.csv',
    ]);
    expect(await created[0].text()).toBe(
      [
        'Person,Hours on call,Shifts,Interruptions,Per shift,Most in a shift,Bursts,Bad nights,SRE-rule breaches,Share of hours,Share of interruptions,Even share',
        '"Ada ""the first"" Lovelace",480,3,6,2,4,1,2,1,67%,75%,50%',
        'Grace Hopper,240.3,0,2,,2,0,0,0,33%,25%,50%',
      ].join('\r\n'),
    );
  });

  it('says so when the team has no built-in schedule, and asks for every schedule without a team', async () => {
    const api = mockMultivacApi({
      getOnCallLoad: jest.fn(async () => ({ ...load, schedules: [] })),
    });
    await renderWithMultivac(<OnCallLoadTable team="" />, { api });
    expect(
      await screen.findByText(
        'No built-in on-call schedule belongs to this team.',
      ),
    ).toBeInTheDocument();
    expect(api.getOnCallLoad).toHaveBeenCalledWith({
      period: '30d',
      team: undefined,
    });
  });
});
