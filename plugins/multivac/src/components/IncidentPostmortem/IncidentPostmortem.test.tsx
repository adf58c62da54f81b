import { fireEvent, screen, waitFor } from '@testing-library/react';
import {
  anIncident,
  aPostmortem,
  mockMultivacApi,
} from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';

const resolved = anIncident({ status: 'resolved' });

describe('the post-mortem on the incident page', () => {
  const alertApi = { post: jest.fn(), alert$: jest.fn() };

  it('writes the post-mortem of a resolved incident and opens it', async () => {
    const api = await renderMultivacPage('/multivac/incidents/INC-1', {
      api: mockMultivacApi({ getIncident: jest.fn(async () => resolved) }),
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Write post-mortem' }),
    );
    await waitFor(() =>
      expect(api.createPostmortem).toHaveBeenCalledWith('incident-1'),
    );
    expect(
      await screen.findByRole('heading', {
        name: 'Post-mortem: Card payments failing',
      }),
    ).toBeInTheDocument();
    expect(api.getPostmortem).toHaveBeenCalledWith('PM-1');
  });

  it('links to the post-mortem once there is one', async () => {
    const api = await renderMultivacPage('/multivac/incidents/INC-1', {
      api: mockMultivacApi({
        getIncident: jest.fn(async () => resolved),
        findIncidentPostmortem: jest.fn(async () =>
          aPostmortem({ reference: 'PM-1', status: 'in_review' }),
        ),
      }),
    });
    expect(
      await screen.findByRole('link', { name: 'Post-mortem PM-1' }),
    ).toHaveAttribute('href', '/multivac/postmortems/PM-1');
    expect(screen.getByText('In review')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Write post-mortem' }),
    ).not.toBeInTheDocument();
    expect(api.findIncidentPostmortem).toHaveBeenCalledWith('incident-1');
  });

  it('offers nothing while the incident is still running', async () => {
    const api = await renderMultivacPage('/multivac/incidents/INC-1');
    await screen.findByRole('button', { name: 'Resolve' });
    await waitFor(() => expect(api.findIncidentPostmortem).toHaveBeenCalled());
    expect(
      screen.queryByRole('button', { name: 'Write post-mortem' }),
    ).not.toBeInTheDocument();
  });

  it("shows the backend's refusal", async () => {
    const api = mockMultivacApi({
      getIncident: jest.fn(async () => resolved),
      createPostmortem: jest.fn(async () => {
        throw new Error(
          'INC-1 is monitoring: its post-mortem can be written once it is resolved',
        );
      }),
    });
    await renderMultivacPage('/multivac/incidents/INC-1', { api, alertApi });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Write post-mortem' }),
    );
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message:
          'INC-1 is monitoring: its post-mortem can be written once it is resolved',
        severity: 'error',
      }),
    );
    expect(
      screen.getByRole('button', { name: 'Write post-mortem' }),
    ).toBeEnabled();
  });
});
