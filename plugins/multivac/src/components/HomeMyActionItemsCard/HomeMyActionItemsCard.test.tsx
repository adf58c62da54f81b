import { configure, screen } from '@testing-library/react';
import { DateTime } from 'luxon';
import { anActionItem, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { HomeMyActionItemsCard } from './HomeMyActionItemsCard';

configure({ asyncUtilTimeout: 5_000 });

const item = (id: string, title: string, dueDate?: string) => ({
  ...anActionItem({ id, title, dueDate }),
  postmortemReference: 'PM-3',
  postmortemTitle: 'Post-mortem: Card payments fail',
});

describe('HomeMyActionItemsCard', () => {
  it("lists the user's open items with their post-mortem and due date", async () => {
    const yesterday = DateTime.local().minus({ days: 1 }).toISODate()!;
    const api = mockMultivacApi({
      listActionItems: jest.fn(async () => ({
        items: [
          item('a', 'Alert on declines', yesterday),
          item('b', 'Write the runbook'),
        ],
        totalCount: 8,
      })),
    });
    await renderWithMultivac(<HomeMyActionItemsCard />, { api });
    expect(
      await screen.findByRole('link', { name: 'Alert on declines' }),
    ).toHaveAttribute('href', '/multivac/postmortems/PM-3');
    expect(
      screen.getByText(
        `PM-3 Post-mortem: Card payments fail · due ${yesterday} (overdue)`,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('PM-3 Post-mortem: Card payments fail'),
    ).toHaveLength(1);
    expect(
      screen.getByRole('link', {
        name: '6 more open items are yours. All post-mortems',
      }),
    ).toHaveAttribute('href', '/multivac/postmortems');
    expect(api.listActionItems).toHaveBeenCalledWith({
      owner: 'me',
      status: 'open',
      limit: 5,
    });
  });

  it('says so when none is open', async () => {
    await renderWithMultivac(<HomeMyActionItemsCard />);
    expect(
      await screen.findByText('No open action item is yours.'),
    ).toBeInTheDocument();
  });

  it('shows the error', async () => {
    const api = mockMultivacApi({
      listActionItems: jest.fn(async () => {
        throw new Error('You are not allowed to multivac.postmortem.read');
      }),
    });
    await renderWithMultivac(<HomeMyActionItemsCard />, { api });
    expect(
      (
        await screen.findAllByText(/not allowed to multivac.postmortem.read/)
      )[0],
    ).toBeInTheDocument();
  });
});
