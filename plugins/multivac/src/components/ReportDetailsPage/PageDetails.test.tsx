import { screen } from '@testing-library/react';
import { aPage } from '../../__testUtils__/fixtures';
import {
  aUser,
  withEntityPresentation,
} from '../../__testUtils__/entityPresentation';
import { renderWithMultivac } from '../../__testUtils__/render';
import { PageDetails } from './PageDetails';

describe('PageDetails', () => {
  it('names who acknowledged, in the history too, by display name', async () => {
    await renderWithMultivac(
      withEntityPresentation(
        <PageDetails
          page={aPage({
            status: 'acknowledged',
            acknowledgedBy: 'user:default/alan.turing',
            acknowledgedAt: '2026-11-23T10:05:00.000Z',
            history: [
              {
                at: '2026-11-23T10:00:00.000Z',
                text: 'paged by service:multivac',
              },
              {
                at: '2026-11-23T10:05:00.000Z',
                text: 'acknowledged by user:default/alan.turing',
              },
            ],
          })}
          onChange={() => {}}
        />,
        [aUser('alan.turing', 'Alan Turing')],
      ),
    );

    expect(
      await screen.findByText('acknowledged by Alan Turing'),
    ).toBeInTheDocument();
    expect(screen.getByText('paged by Multivac')).toBeInTheDocument();
    expect(screen.getByText(/^Acknowledged by/)).toHaveTextContent(
      /^Acknowledged by Alan Turing at /,
    );
    expect(screen.queryByText(/user:default|alan\.turing/)).toBeNull();
  });
});
