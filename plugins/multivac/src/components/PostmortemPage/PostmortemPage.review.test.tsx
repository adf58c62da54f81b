import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis, TestApiProvider } from '@backstage/test-utils';
import { Postmortem } from '@multivac/plugin-multivac-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  anActionItem,
  aPostmortem,
  mockMultivacApi,
} from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { PostmortemPage } from './PostmortemPage';

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';

/** Every section written, reviewed by Grace, owned by Ada. */
const aReviewed = (overrides: Partial<Postmortem> = {}): Postmortem =>
  aPostmortem({
    sections: aPostmortem().sections.map(section => ({
      ...section,
      required: ['summary', 'trigger', 'impact'].includes(section.id),
      text: `${section.title}: written`,
    })),
    actionItems: [anActionItem()],
    review: {
      requiredSections: ['summary', 'trigger', 'impact'],
      actionItemsRequired: true,
      missing: [],
      approvals: [],
      blockers: [],
    },
    history: [
      {
        id: '1',
        type: 'created',
        actor: ada,
        at: '2026-11-23T11:00:00.000Z',
      },
    ],
    ...overrides,
  });

/** The page for PM-1, signed in as `userRef`, on a backend serving `postmortem`. */
async function renderAs(userRef: string, postmortem: Postmortem) {
  let current = postmortem;
  const api = mockMultivacApi({
    getPostmortem: jest.fn(async () => current),
    approvePostmortem: jest.fn(async () => current),
    reopenPostmortem: jest.fn(async (_id: string, reason: string) => {
      current = {
        ...current,
        status: 'draft',
        publishedAt: undefined,
        publishedBy: undefined,
        history: [
          ...(current.history ?? []),
          {
            id: '9',
            type: 'reopened',
            actor: userRef,
            at: '2026-11-29T09:00:00.000Z',
            reason,
          },
        ],
      };
      return current;
    }),
  });
  await renderWithMultivac(
    <TestApiProvider
      apis={[[identityApiRef, mockApis.identity({ userEntityRef: userRef })]]}
    >
      <Routes>
        <Route path="/multivac/postmortems/:id" element={<PostmortemPage />} />
      </Routes>
    </TestApiProvider>,
    { api, routeEntries: ['/multivac/postmortems/PM-1'] },
  );
  await screen.findByRole('heading', {
    name: 'Post-mortem: Card payments failing',
  });
  return api;
}

describe('PostmortemPage review', () => {
  it('hides every edit control on a published post-mortem and reopens it with a reason', async () => {
    const api = await renderAs(
      ada,
      aReviewed({
        status: 'published',
        publishedAt: '2026-11-28T15:00:00.000Z',
        publishedBy: grace,
        review: {
          ...aReviewed().review!,
          approvals: [
            { reviewerRef: grace, approvedAt: '2026-11-28T14:00:00.000Z' },
          ],
        },
      }),
    );
    const reopen = await screen.findByRole('button', { name: 'Reopen' });
    for (const name of [
      'Edit',
      'Save Summary',
      'Add action item',
      'Edit: Alert on ledger p99 latency',
      'Delete: Alert on ledger p99 latency',
      'Publish',
    ]) {
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
    }
    expect(screen.queryByRole('tab', { name: 'Edit' })).not.toBeInTheDocument();
    expect(
      screen.queryByLabelText('Summary (Markdown)'),
    ).not.toBeInTheDocument();
    // Follow-up goes on: an action item can still be marked done.
    expect(
      screen.getByRole('checkbox', {
        name: 'Done: Alert on ledger p99 latency',
      }),
    ).toBeEnabled();
    expect(
      within(screen.getByRole('list', { name: 'reviewers' })).getByText(
        /^Approved /,
      ),
    ).toBeInTheDocument();

    await waitFor(() => expect(reopen).toBeEnabled());
    fireEvent.click(reopen);
    const dialog = await screen.findByRole('dialog');
    // No reason, no reopening: the field says why.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reopen' }));
    expect(
      await within(dialog).findByText('say why it is reopened'),
    ).toBeInTheDocument();
    expect(api.reopenPostmortem).not.toHaveBeenCalled();

    fireEvent.change(within(dialog).getByLabelText(/Why reopen it/), {
      target: { value: 'The trigger was a certificate' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reopen' }));
    await waitFor(() =>
      expect(api.reopenPostmortem).toHaveBeenCalledWith(
        'postmortem-1',
        'The trigger was a certificate',
      ),
    );
    // Reloaded as a draft: editable again, the reason on its timeline.
    expect(
      await screen.findByText(/reopened it: The trigger was a certificate/),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Reopen' }),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByRole('button', { name: 'Edit' })).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Add action item' }),
    ).toBeInTheDocument();
  });

  it('offers Approve to a reviewer, and holds Publish while the review lacks something', async () => {
    const api = await renderAs(
      grace,
      aReviewed({
        status: 'in_review',
        review: {
          ...aReviewed().review!,
          missing: ['Trigger'],
          blockers: [
            'the required section Trigger is empty',
            'no reviewer has approved it (grace.hopper)',
          ],
        },
      }),
    );
    const approve = await screen.findByRole('button', { name: 'Approve' });
    const before = screen.getByRole('list', { name: 'before publishing' });
    expect(before).toHaveTextContent('the required section Trigger is empty');
    expect(before).toHaveTextContent('no reviewer has approved it');
    expect(screen.getByRole('button', { name: 'Publish' })).toBeDisabled();
    expect(screen.getAllByText('Required')).toHaveLength(3);

    fireEvent.click(approve);
    await waitFor(() =>
      expect(api.approvePostmortem).toHaveBeenCalledWith('postmortem-1'),
    );
  });

  it('does not offer Approve to the owner while another reviewer is listed, nor to others', async () => {
    const inReview = aReviewed({
      status: 'in_review',
      reviewerRefs: [ada, grace],
      review: {
        ...aReviewed().review!,
        blockers: ['no reviewer has approved it (ada.lovelace, grace.hopper)'],
      },
    });
    await renderAs(ada, inReview);
    expect(
      await screen.findByText('You own it, so another reviewer approves it.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
  });

  it('offers Approve to nobody who is not a reviewer, and publishes when nothing is missing', async () => {
    const api = await renderAs(
      'user:default/ken.thompson',
      aReviewed({
        status: 'in_review',
        review: {
          ...aReviewed().review!,
          approvals: [
            { reviewerRef: grace, approvedAt: '2026-11-28T14:00:00.000Z' },
          ],
        },
      }),
    );
    const publish = await screen.findByRole('button', { name: 'Publish' });
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    await waitFor(() => expect(publish).toBeEnabled());
    fireEvent.click(publish);
    await waitFor(() =>
      expect(api.setPostmortemStatus).toHaveBeenCalledWith(
        'postmortem-1',
        'published',
      ),
    );
  });
});
