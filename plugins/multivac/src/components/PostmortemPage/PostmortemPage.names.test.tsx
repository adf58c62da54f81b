import { configure, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  aUser,
  withEntityPresentation,
} from '../../__testUtils__/entityPresentation';
import { aPostmortem, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { PostmortemPage } from './PostmortemPage';

// A page of eight editors and several tables renders slowly in jsdom.
configure({ asyncUtilTimeout: 10_000 });

describe('PostmortemPage header', () => {
  it('names the owner by display name, not by ref', async () => {
    await renderWithMultivac(
      withEntityPresentation(
        <Routes>
          <Route
            path="/multivac/postmortems/:id"
            element={<PostmortemPage />}
          />
        </Routes>,
        [aUser('ada.lovelace', 'Ada Lovelace')],
      ),
      {
        routeEntries: ['/multivac/postmortems/PM-1'],
        api: mockMultivacApi({
          getPostmortem: jest.fn(async () => aPostmortem()),
        }),
      },
    );
    // the header's labels, not the Owner field of the overview card
    const header = (
      await screen.findByRole('heading', {
        name: 'Post-mortem: Card payments failing',
      })
    ).closest('header')!;
    await waitFor(() => expect(header).toHaveTextContent('OwnerAda Lovelace'));
    expect(header).not.toHaveTextContent('ada.lovelace');
  });
});
