import { fireEvent, screen, waitFor } from '@testing-library/react';
import {
  anEvent,
  anIncident,
  mockMultivacApi,
} from '../../__testUtils__/fixtures';
import { Route, Routes } from 'react-router-dom';
import {
  aUser,
  withEntityPresentation,
} from '../../__testUtils__/entityPresentation';
import {
  renderIncidentPage,
  renderWithMultivac,
} from '../../__testUtils__/render';
import { IncidentPage } from './IncidentPage';

describe('IncidentPage', () => {
  const alertApi = { post: jest.fn(), alert$: jest.fn() };

  it('names the controller in the header by display name', async () => {
    await renderWithMultivac(
      withEntityPresentation(
        <Routes>
          <Route path="/multivac/incidents/:id" element={<IncidentPage />} />
        </Routes>,
        [aUser('ada.lovelace', 'Ada Lovelace')],
      ),
      { routeEntries: ['/multivac/incidents/INC-1'], alertApi },
    );
    expect(await screen.findByText('Controller')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByText('Controller').parentElement).toHaveTextContent(
        'ControllerAda Lovelace',
      ),
    );
  });

  it('shows the incident, its timeline and its side effects', async () => {
    const api = mockMultivacApi({
      getIncident: jest.fn(async () =>
        anIncident({
          jobs: [
            {
              id: 'j1',
              type: 'subscriber:slack',
              status: 'failed',
              attempts: 8,
              maxAttempts: 8,
              lastError: 'channel_not_found',
              createdAt: '2026-11-23T10:00:00.000Z',
              finishedAt: '2026-11-23T10:30:00.000Z',
            },
          ],
        }),
      ),
      getTimeline: jest.fn(async () => [
        anEvent(
          'declared',
          { severity: 'SEV2', entityRefs: ['component:default/payments-api'] },
          '1',
        ),
        anEvent('note', { text: 'Rolled back ledger-service' }, '2'),
      ]),
    });
    await renderIncidentPage({ api, alertApi });

    expect(
      await screen.findByRole('heading', {
        name: 'INC-1: Card payments failing',
      }),
    ).toBeInTheDocument();
    expect(api.getIncident).toHaveBeenCalledWith('INC-1');
    const timeline = screen.getByRole('list', { name: 'timeline' });
    expect(timeline).toHaveTextContent(
      'declared the incident (SEV2) on payments-api',
    );
    expect(timeline).toHaveTextContent('noted: Rolled back ledger-service');
    expect(
      screen.getByText('subscriber:slack: gave up after 8 attempts'),
    ).toBeInTheDocument();
    expect(screen.getByText('channel_not_found')).toBeInTheDocument();
    // only forward moves are offered from investigating
    expect(
      screen.queryByRole('button', { name: 'Acknowledge' }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Resolve' })).toBeEnabled();
  });

  it('resolves with the optional note, then reloads', async () => {
    const api = await renderIncidentPage({ alertApi });
    await screen.findByRole('heading', {
      name: 'INC-1: Card payments failing',
    });
    fireEvent.change(screen.getByLabelText('Note for this change (optional)'), {
      target: { value: 'Fixed by rollback' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Resolve' }));
    await waitFor(() =>
      expect(api.transitionIncident).toHaveBeenCalledWith(
        'incident-1',
        'resolved',
        'Fixed by rollback',
      ),
    );
    await waitFor(() => expect(api.getIncident).toHaveBeenCalledTimes(2));
  });

  it("shows the backend's refusal as an alert", async () => {
    const api = mockMultivacApi({
      transitionIncident: jest.fn(async () => {
        throw new Error(
          'INC-1 cannot move from investigating to resolved; allowed: cancelled',
        );
      }),
    });
    await renderIncidentPage({ api, alertApi });
    fireEvent.click(await screen.findByRole('button', { name: 'Resolve' }));
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message:
          'INC-1 cannot move from investigating to resolved; allowed: cancelled',
        severity: 'error',
      }),
    );
  });

  it('says so when the incident does not exist', async () => {
    const api = mockMultivacApi({
      getIncident: jest.fn(async () => {
        throw new Error('No incident INC-1');
      }),
    });
    await renderIncidentPage({ api, alertApi });
    expect(await screen.findAllByText(/No incident INC-1/)).not.toHaveLength(0);
  });
});
