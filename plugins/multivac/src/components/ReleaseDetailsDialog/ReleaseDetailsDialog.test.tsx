import { fireEvent, screen, waitFor } from '@testing-library/react';
import { RELEASE_CLOCK_ACTOR } from '@multivac/plugin-multivac-common';
import { Settings } from 'luxon';
import {
  aUser,
  withEntityPresentation,
} from '../../__testUtils__/entityPresentation';
import { aRelease, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { ReleaseDetailsDialog } from './ReleaseDetailsDialog';

describe('ReleaseDetailsDialog', () => {
  it('moves the release along its allowed transitions', async () => {
    const started = aRelease({ status: 'in_progress' });
    const api = mockMultivacApi({
      setReleaseStatus: jest.fn(async () => started),
    });
    const onChanged = jest.fn();
    await renderWithMultivac(
      <ReleaseDetailsDialog
        release={aRelease({
          links: [{ kind: 'ci', url: 'https://ci.example.com/runs/7' }],
        })}
        onClose={jest.fn()}
        onChanged={onChanged}
      />,
      { api },
    );
    expect(
      screen.getAllByRole('button').map(button => button.textContent),
    ).toEqual(['Start', 'Mark done', 'Cancel release', 'Close']);
    expect(
      screen.getByRole('link', { name: /ci\.example\.com\/runs\/7/ }),
    ).toHaveAttribute('href', 'https://ci.example.com/runs/7');
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(started));
    expect(api.setReleaseStatus).toHaveBeenCalledWith('REL-1', 'in_progress');
  });

  describe('times and people', () => {
    const savedZone = Settings.defaultZone;
    afterEach(() => {
      Settings.defaultZone = savedZone;
    });

    it("shows the window and the history in the viewer's zone, named, and who changed it by display name", async () => {
      Settings.defaultZone = 'Europe/Berlin';
      await renderWithMultivac(
        withEntityPresentation(
          <ReleaseDetailsDialog
            release={aRelease({
              forced: {
                reason: 'ledger change is backwards compatible',
                by: 'user:default/ada.lovelace',
                at: '2026-11-23T10:00:00.000Z',
                conflicts: [],
              },
              history: [
                {
                  status: 'planned',
                  at: '2026-11-23T10:00:00.000Z',
                  by: 'user:default/ada.lovelace',
                },
                {
                  status: 'in_progress',
                  at: '2026-11-24T14:00:00.000Z',
                  by: RELEASE_CLOCK_ACTOR,
                },
              ],
            })}
            onClose={jest.fn()}
            onChanged={jest.fn()}
          />,
          [aUser('ada.lovelace', 'Ada Lovelace')],
        ),
      );
      // 14:00-14:30 UTC seen from Berlin
      expect(
        screen.getByText('Tue, Nov 24, 03:00 PM – 03:30 PM CET'),
      ).toBeInTheDocument();
      expect(
        screen.getByText(/^Planned, Nov 23, 2026, 11:00 AM CET,/),
      ).toBeInTheDocument();
      // who booked it and who forced it past its conflicts
      await waitFor(() =>
        expect(
          screen.getAllByRole('link', { name: 'Ada Lovelace' }),
        ).toHaveLength(2),
      );
      expect(
        screen.getByText(/^Forced past its conflicts by/),
      ).toHaveTextContent(
        'Forced past its conflicts by Ada Lovelace: ledger change is backwards compatible',
      );
      expect(
        screen.getByText(
          'In progress, Nov 24, 2026, 3:00 PM CET, automatically',
        ),
      ).toBeInTheDocument();
      expect(screen.queryByText(/user:default/)).not.toBeInTheDocument();
    });
  });

  it('renders closed while no release is chosen', async () => {
    await renderWithMultivac(
      <ReleaseDetailsDialog onClose={jest.fn()} onChanged={jest.fn()} />,
    );
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows notes as text, never as HTML', async () => {
    await renderWithMultivac(
      <ReleaseDetailsDialog
        release={aRelease({
          notes: '<img src=x onerror="alert(1)"> migrate first',
        })}
        onClose={jest.fn()}
        onChanged={jest.fn()}
      />,
    );
    expect(
      screen.getByText('<img src=x onerror="alert(1)"> migrate first'),
    ).toBeInTheDocument();
    expect(document.querySelector('img[src="x"]')).toBeNull();
  });

  it('says why a status change was refused', async () => {
    await renderWithMultivac(
      <ReleaseDetailsDialog
        release={aRelease({ status: 'done' })}
        onClose={jest.fn()}
        onChanged={jest.fn()}
      />,
      {
        api: mockMultivacApi({
          setReleaseStatus: jest.fn(async () => {
            throw new Error('REL-1 cannot move from done to rolled_back');
          }),
        }),
      },
    );
    fireEvent.click(screen.getByRole('button', { name: 'Rolled back' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'cannot move from done',
    );
  });

  it('says a status was set automatically when the window passed, and who set the others', async () => {
    await renderWithMultivac(
      <ReleaseDetailsDialog
        release={aRelease({
          status: 'done',
          history: [
            {
              status: 'planned',
              at: '2026-11-24T09:00:00.000Z',
              by: 'user:default/ada.lovelace',
            },
            {
              status: 'in_progress',
              at: '2026-11-24T14:00:00.000Z',
              by: 'multivac:release-clock',
              note: 'the window started',
            },
            {
              status: 'done',
              at: '2026-11-24T14:30:00.000Z',
              by: 'multivac:release-clock',
              note: 'the window ended',
            },
          ],
        })}
        onClose={jest.fn()}
        onChanged={jest.fn()}
      />,
    );
    const history = screen.getAllByText(/^(Planned|In progress|Done),/);
    expect(history.map(line => line.textContent!.split(', ').pop())).toEqual([
      'ada.lovelace',
      'automatically: the window started',
      'automatically: the window ended',
    ]);
  });
});
