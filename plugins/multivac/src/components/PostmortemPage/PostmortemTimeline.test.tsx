import { screen, waitFor } from '@testing-library/react';
import { Settings } from 'luxon';
import {
  aUser,
  withEntityPresentation,
} from '../../__testUtils__/entityPresentation';
import { renderWithMultivac } from '../../__testUtils__/render';
import { PostmortemTimeline } from './PostmortemTimeline';

describe('PostmortemTimeline', () => {
  const savedZone = Settings.defaultZone;
  afterEach(() => {
    Settings.defaultZone = savedZone;
  });

  it('shows each time with seconds and its zone, and people by display name', async () => {
    Settings.defaultZone = 'Europe/London';
    await renderWithMultivac(
      withEntityPresentation(
        <PostmortemTimeline
          entries={[
            {
              at: '2026-07-23T10:00:05.000Z',
              source: 'incident',
              actor: 'user:default/ada.lovelace',
              text: 'declared SEV2',
            },
            {
              at: '2026-07-23T10:04:00.000Z',
              source: 'page',
              actor: 'user:default/ada.lovelace',
              text: 'page (Payments primary): acknowledged by user:default/ken.thompson',
            },
          ]}
        />,
        [
          aUser('ada.lovelace', 'Ada Lovelace'),
          aUser('ken.thompson', 'Ken Thompson'),
        ],
      ),
    );
    // summer in London: BST
    expect(
      await screen.findByText('Jul 23, 2026, 11:00:05 AM BST'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Jul 23, 2026, 11:04:00 AM BST · paging'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getByText(/acknowledged by Ken Thompson$/),
      ).toBeInTheDocument(),
    );
    expect(screen.getAllByText('Ada Lovelace')).toHaveLength(2);
    expect(screen.queryByText(/user:default/)).not.toBeInTheDocument();
  });
});
