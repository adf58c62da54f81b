import { configure, screen, waitFor } from '@testing-library/react';
import { Settings } from 'luxon';
import { Route, Routes } from 'react-router-dom';
import {
  aUser,
  withEntityPresentation,
} from '../../__testUtils__/entityPresentation';
import {
  anAlertGroup,
  aPage,
  mockMultivacApi,
} from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { AlertGroupPage } from './AlertGroupPage';

// Rendering the whole page in jsdom takes seconds on a busy machine.
configure({ asyncUtilTimeout: 5_000 });

describe('AlertGroupPage times and names', () => {
  const savedZone = Settings.defaultZone;
  beforeEach(() => {
    Settings.defaultZone = 'Europe/Berlin';
  });
  afterEach(() => {
    Settings.defaultZone = savedZone;
  });

  it('names who acknowledged by display name and every time with its zone', async () => {
    await renderWithMultivac(
      withEntityPresentation(
        <Routes>
          <Route
            path="/multivac/alerts/groups/:id"
            element={<AlertGroupPage />}
          />
        </Routes>,
        [aUser('grace.hopper', 'Grace Hopper (Payments)')],
      ),
      {
        routeEntries: ['/multivac/alerts/groups/group-1'],
        api: mockMultivacApi({
          getAlertGroup: jest.fn(async () => anAlertGroup()),
          listPages: jest.fn(async () => [
            aPage({
              status: 'acknowledged',
              acknowledgedBy: 'user:default/grace.hopper',
            }),
          ]),
        }),
      },
    );
    expect(await screen.findByText('First alert')).toBeInTheDocument();
    // 10:00:05 and 10:02 UTC, seen from Berlin
    expect(screen.getByText('First alert').parentElement).toHaveTextContent(
      'Nov 23, 2026, 11:00 AM CET',
    );
    expect(screen.getByText('Last alert').parentElement).toHaveTextContent(
      'Nov 23, 2026, 11:02 AM CET',
    );
    expect(screen.getByText('Started').parentElement).toHaveTextContent(
      'Nov 23, 2026, 11:00 AM CET',
    );
    await waitFor(() =>
      expect(screen.getByText('Page').parentElement).toHaveTextContent(
        'acknowledged by Grace Hopper (Payments)',
      ),
    );
    expect(screen.queryByText(/user:default/)).not.toBeInTheDocument();
  });
});
