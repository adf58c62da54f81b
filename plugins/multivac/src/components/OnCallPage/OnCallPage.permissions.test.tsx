import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { OnCallPage } from './OnCallPage';

describe('OnCallPage without multivac.oncall.override', () => {
  it('lists the covers but offers neither covering nor cancelling', async () => {
    const api = mockMultivacApi({
      listSchedules: jest.fn(async () => [
        {
          id: 'payments-primary',
          name: 'Payments primary',
          timeZone: 'Europe/Berlin',
          shifts: [],
        },
      ]),
      listOverrides: jest.fn(async () => [
        {
          id: 'o-1',
          scheduleId: 'payments-primary',
          userRef: 'user:default/ken.thompson',
          person: { name: 'Ken Thompson' },
          start: '2030-11-23T17:00:00.000Z',
          end: '2030-11-24T08:00:00.000Z',
          createdBy: 'user:default/ada.lovelace',
          createdAt: '2030-11-23T09:00:00.000Z',
        },
      ]),
    });
    await renderWithMultivac(<OnCallPage />, {
      api,
      permission: AuthorizeResult.DENY,
    });
    expect(
      await screen.findByRole('list', { name: 'Payments primary covers' }),
    ).toHaveTextContent(/Ken Thompson covers/);
    expect(
      screen.queryByRole('button', { name: /Cover a shift/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Cancel the cover/ }),
    ).not.toBeInTheDocument();
  });
});
