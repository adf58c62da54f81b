import { screen, within } from '@testing-library/react';
import { Settings } from 'luxon';
import { PageDelivery } from '@multivac/plugin-multivac-common';
import { aPage } from '../../__testUtils__/fixtures';
import {
  aUser,
  withEntityPresentation,
} from '../../__testUtils__/entityPresentation';
import { renderWithMultivac } from '../../__testUtils__/render';
import { RecentPages } from './RecentPages';

const delivery = (overrides: Partial<PageDelivery>): PageDelivery => ({
  id: 'd1',
  level: 1,
  userRef: 'user:default/grace.hopper',
  name: 'Grace Hopper',
  channel: 'slack',
  status: 'pending',
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...overrides,
});

describe('RecentPages', () => {
  it("shows how each person paged was reached, in their channels' order", async () => {
    await renderWithMultivac(
      <RecentPages
        pages={[
          aPage({
            deliveries: [
              delivery({
                channel: 'slack',
                status: 'failed',
                detail: 'Grace Hopper has no Slack user',
              }),
              delivery({
                id: 'd2',
                channel: 'email',
                status: 'delivered',
                detail: 'sent to grace.hopper@nimbus.example',
              }),
              delivery({
                id: 'd3',
                level: 2,
                userRef: 'user:default/ken.thompson',
                name: 'Ken Thompson',
                channel: 'webhook',
                status: 'pending',
              }),
            ],
          }),
        ]}
        onChange={() => {}}
      />,
    );

    expect(
      screen.getAllByTestId('page-delivery').map(line => line.textContent),
    ).toEqual([
      'Grace Hopper: slack failed (Grace Hopper has no Slack user) → email delivered',
      'Ken Thompson: webhook pending',
    ]);
    expect(screen.getByRole('button', { name: 'Acknowledge' })).toBeEnabled();
  });

  it('shows no delivery lines for a page without channel deliveries', async () => {
    await renderWithMultivac(
      <RecentPages pages={[aPage()]} onChange={() => {}} />,
    );
    expect(screen.getByText('Card payments failing')).toBeInTheDocument();
    expect(screen.queryAllByTestId('page-delivery')).toEqual([]);
  });

  it('names who acknowledged by display name, not by ref', async () => {
    await renderWithMultivac(
      withEntityPresentation(
        <RecentPages
          pages={[
            aPage({
              status: 'acknowledged',
              acknowledgedBy: 'user:default/alan.turing',
            }),
            aPage({
              id: 'page-2',
              status: 'acknowledged',
              acknowledgedBy: 'Grace Hopper',
              provider: 'pagerduty',
            }),
          ]}
          onChange={() => {}}
        />,
        [aUser('alan.turing', 'Alan Turing')],
      ),
    );
    const items = screen.getAllByRole('listitem');
    expect(
      await within(items[0]).findByText('Alan Turing'),
    ).toBeInTheDocument();
    expect(items[0]).toHaveTextContent(/acknowledged by Alan Turing$/);
    expect(items[1]).toHaveTextContent(/acknowledged by Grace Hopper$/);
    expect(screen.queryByText(/user:default/)).toBeNull();
  });

  it('shows when a page was sent on hover, with the zone named', async () => {
    const savedZone = Settings.defaultZone;
    Settings.defaultZone = 'Europe/Berlin';
    try {
      await renderWithMultivac(
        <RecentPages pages={[aPage()]} onChange={() => {}} />,
      );
      expect(
        screen.getByTitle('Nov 23, 2026, 11:00 AM CET'),
      ).toBeInTheDocument();
    } finally {
      Settings.defaultZone = savedZone;
    }
  });

  it('cuts a long page title short beside the Acknowledge button, whole on hover', async () => {
    const title =
      'SEV1 payments-api: card payments fail for every customer in every region since the 14:02 deploy of the ledger service';
    await renderWithMultivac(
      <RecentPages pages={[aPage({ summary: title })]} onChange={() => {}} />,
    );
    const summary = screen.getByTestId('page-summary');
    expect(summary).toHaveTextContent(title);
    expect(summary).toHaveAttribute('title', title);
    expect(summary).toHaveStyle({
      overflow: 'hidden',
      'text-overflow': 'ellipsis',
      'white-space': 'nowrap',
      'min-width': '0',
    });
    // the button is laid out beside the text (a flex item that does not
    // shrink), not positioned over it as a list item's secondary action
    const button = screen.getByRole('button', { name: 'Acknowledge' });
    const item = screen.getByRole('listitem');
    expect(item).toHaveStyle({ display: 'flex' });
    expect(button.closest('.MuiListItemSecondaryAction-root')).toBeNull();
    expect(button.parentElement!.parentElement).toBe(item);
    expect(button.parentElement).toHaveStyle({ flex: '0 0 auto' });
    // the details under the title wrap instead of being clipped
    expect(summary.closest('.MuiListItemText-root')).toHaveStyle({
      'white-space': 'normal',
    });
  });
});
