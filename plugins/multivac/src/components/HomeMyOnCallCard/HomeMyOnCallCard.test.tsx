import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis, TestApiProvider } from '@backstage/test-utils';
import { configure, screen } from '@testing-library/react';
import { ScheduleOverview } from '@multivac/plugin-multivac-common';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { HomeMyOnCallCard } from './HomeMyOnCallCard';

configure({ asyncUtilTimeout: 5_000 });

const grace = 'user:default/grace.hopper';
const HOUR = 60 * 60 * 1000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const person = (userRef: string) => ({ userRef, name: userRef });

function schedule(
  id: string,
  shifts: Array<[string, number, number]>,
): ScheduleOverview {
  return {
    id,
    name: `${id} primary`,
    timeZone: 'UTC',
    shifts: shifts.map(([userRef, start, end]) => ({
      person: person(userRef),
      start: at(start),
      end: at(end),
    })),
  };
}

function render(api = mockMultivacApi()) {
  return renderWithMultivac(
    <TestApiProvider
      apis={[[identityApiRef, mockApis.identity({ userEntityRef: grace })]]}
    >
      <HomeMyOnCallCard />
    </TestApiProvider>,
    { api },
  );
}

describe('HomeMyOnCallCard', () => {
  it("lists the user's shifts over the next 14 days, the current one first", async () => {
    const api = mockMultivacApi({
      listSchedules: jest.fn(async () => [
        schedule('payments', [
          [grace, -30, -6],
          ['user:default/ada.lovelace', -6, 18],
          [grace, 42, 66],
        ]),
        // The same person, as a schedule may spell her.
        schedule('checkout', [['User:default/Grace.Hopper', -2, 22]]),
      ]),
    });
    await render(api);
    const lines = await screen.findAllByRole('listitem');
    expect(lines.map(line => line.textContent)).toEqual([
      expect.stringContaining('checkout primary — on call now'),
      expect.stringContaining('payments primary'),
    ]);
    expect(lines[1].textContent).not.toContain('on call now');
    expect(api.listSchedules).toHaveBeenCalledWith(14);
    expect(screen.getByRole('link', { name: 'All schedules' })).toHaveAttribute(
      'href',
      '/multivac/oncall',
    );
  });

  it('says so when the user has no shift', async () => {
    await render(
      mockMultivacApi({
        listSchedules: jest.fn(async () => [
          schedule('payments', [['user:default/ada.lovelace', -6, 18]]),
        ]),
      }),
    );
    expect(
      await screen.findByText('You have no on-call shift in the next 14 days.'),
    ).toBeInTheDocument();
  });

  it('shows the error', async () => {
    await render(
      mockMultivacApi({
        listSchedules: jest.fn(async () => {
          throw new Error('You are not allowed to multivac.oncall.read');
        }),
      }),
    );
    expect(
      (await screen.findAllByText(/not allowed to multivac.oncall.read/))[0],
    ).toBeInTheDocument();
  });
});
