import { configure, screen } from '@testing-library/react';
import { anIncident, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { HomeActiveIncidentsCard } from './HomeActiveIncidentsCard';

configure({ asyncUtilTimeout: 5_000 });

describe('HomeActiveIncidentsCard', () => {
  it('lists the newest active incidents, linked, with a link to all', async () => {
    const api = mockMultivacApi({
      listIncidents: jest.fn(async () => ({
        items: [
          anIncident({ id: 'i2', reference: 'INC-2', title: 'Cart is slow' }),
          anIncident(),
        ],
        totalCount: 7,
        limit: 5,
        offset: 0,
      })),
    });
    await renderWithMultivac(<HomeActiveIncidentsCard />, { api });
    expect(
      await screen.findByRole('link', { name: 'INC-2 Cart is slow' }),
    ).toHaveAttribute('href', '/multivac/incidents/INC-2');
    expect(
      screen.getByRole('link', { name: 'INC-1 Card payments failing' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'All active incidents (7 in all)' }),
    ).toHaveAttribute('href', '/multivac/incidents?status=active');
    expect(api.listIncidents).toHaveBeenCalledWith({
      status: 'active',
      limit: 5,
    });
  });

  it('says so when nothing is open', async () => {
    await renderWithMultivac(<HomeActiveIncidentsCard />);
    expect(
      await screen.findByText('No incident is open. All quiet.'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'All active incidents' }),
    ).toBeInTheDocument();
  });

  it('shows the error', async () => {
    const api = mockMultivacApi({
      listIncidents: jest.fn(async () => {
        throw new Error('Backend unavailable');
      }),
    });
    await renderWithMultivac(<HomeActiveIncidentsCard />, { api });
    expect(
      (await screen.findAllByText(/Backend unavailable/))[0],
    ).toBeInTheDocument();
  });
});
