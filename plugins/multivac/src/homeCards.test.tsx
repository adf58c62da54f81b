import { configure, screen } from '@testing-library/react';
import { anIncident, mockMultivacApi } from './__testUtils__/fixtures';
import { renderWithMultivac } from './__testUtils__/render';
import {
  MultivacActiveIncidentsCard,
  MultivacMyActionItemsCard,
  MultivacMyOnCallCard,
  MultivacTeamReleasesCard,
} from './homeCards';

configure({ asyncUtilTimeout: 10_000 });

describe('home page cards', () => {
  it('render as titled home cards with their content', async () => {
    const api = mockMultivacApi({
      listIncidents: jest.fn(async () => ({
        items: [anIncident()],
        totalCount: 1,
        limit: 5,
        offset: 0,
      })),
    });
    await renderWithMultivac(
      <>
        <MultivacMyOnCallCard />
        <MultivacActiveIncidentsCard />
        <MultivacMyActionItemsCard />
        <MultivacTeamReleasesCard />
      </>,
      { api },
    );
    for (const title of [
      'My on-call shifts',
      'Active incidents',
      'My action items',
      'Upcoming releases of my team',
    ]) {
      expect(await screen.findByText(title)).toBeInTheDocument();
    }
    expect(
      await screen.findByRole('link', { name: 'INC-1 Card payments failing' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No open action item is yours.'),
    ).toBeInTheDocument();
  });
});
