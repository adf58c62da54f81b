import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Postmortem } from '@multivac/plugin-multivac-common';
import {
  anActionItem,
  aPostmortem,
  mockMultivacApi,
} from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';

// A page of eight editors and several tables renders slowly in jsdom.
/** A backend that remembers section edits, as the real one does. */
function apiServing(initial: Postmortem) {
  let current = initial;
  return mockMultivacApi({
    getPostmortem: jest.fn(async () => current),
    updatePostmortem: jest.fn(async (_id, { sections = {} }) => {
      current = {
        ...current,
        sections: current.sections.map(section => ({
          ...section,
          text: sections[section.id] ?? section.text,
        })),
      };
      return current;
    }),
  });
}

/**
 * Every section written, so they open in preview: tests about other parts
 * render faster without eight editors.
 */
const written = (overrides: Partial<Postmortem> = {}) =>
  aPostmortem({
    sections: aPostmortem().sections.map(section => ({
      ...section,
      text: `${section.title}: written`,
    })),
    ...overrides,
  });

function renderPostmortem(
  postmortem = written(),
  options: Parameters<typeof renderMultivacPage>[1] = {},
) {
  return renderMultivacPage('/multivac/postmortems/PM-1', {
    api: apiServing(postmortem),
    ...options,
  });
}

const heading = () =>
  screen.findByRole('heading', { name: 'Post-mortem: Card payments failing' });

describe('PostmortemPage', () => {
  const alertApi = { post: jest.fn(), alert$: jest.fn() };

  beforeEach(() => alertApi.post.mockReset());

  it('shows where it stands and what Multivac recorded', async () => {
    const api = await renderPostmortem(
      written({
        overdue: true,
        tracking: {
          state: 'done',
          attempts: 1,
          key: 'OPS-12',
          url: 'https://jira.example/browse/OPS-12',
          status: 'In Progress',
        },
        facts: {
          ...aPostmortem().facts,
          report: {
            reference: 'RPT-3',
            reportedBy: 'user:default/linus.torvalds',
            usersAffected: 'dozens',
            scope: 'region',
            region: 'eu-central-1',
            customerFacing: true,
          },
        },
      }),
    );
    await heading();
    expect(api.getPostmortem).toHaveBeenCalledWith('PM-1');
    expect(
      screen.getByText('PM-1, the post-mortem of INC-1'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'INC-1' })).toHaveAttribute(
      'href',
      '/multivac/incidents/INC-1',
    );
    // overdue stands out
    expect(screen.getByText('2026-11-30 (overdue)')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /OPS-12/ })).toHaveAttribute(
      'href',
      'https://jira.example/browse/OPS-12',
    );
    expect(screen.getByText(/\(In Progress\)/)).toBeInTheDocument();

    expect(screen.getByText('42 minutes')).toBeInTheDocument();
    expect(
      screen.getAllByRole('link', { name: 'grace.hopper' }).length,
    ).toBeGreaterThanOrEqual(2); // reviewer and participant
    expect(screen.getByRole('link', { name: 'payments-api' })).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api',
    );
    expect(screen.getByRole('link', { name: 'RPT-3' })).toHaveAttribute(
      'href',
      '/multivac/reports/RPT-3',
    );
    expect(screen.getByText(/One region: eu-central-1/)).toBeInTheDocument();
    const timeline = screen.getByRole('list', {
      name: 'post-mortem timeline',
    });
    expect(timeline).toHaveTextContent(
      'declared the incident (SEV2) on payments-api',
    );
    // sections in template order, what went well before what went wrong
    const titles = screen
      .getAllByRole('tablist')
      .map(list => list.getAttribute('aria-label'));
    expect(titles.indexOf('What went well editor')).toBeLessThan(
      titles.indexOf('What went wrong editor'),
    );
  });

  it('says when the tracker issue is being created or failed', async () => {
    await renderPostmortem(
      written({
        tracking: { state: 'failed', attempts: 3, error: 'Jira said 503' },
        actionItems: [
          anActionItem({ tracking: { state: 'pending', attempts: 0 } }),
        ],
      }),
    );
    await heading();
    expect(
      screen.getByText('failed: Jira said 503, retrying'),
    ).toBeInTheDocument();
    const items = screen.getByRole('table', { name: 'action items' });
    expect(within(items).getByText('creating…')).toBeInTheDocument();
  });

  it('saves a section and shows it rendered', async () => {
    const api = await renderPostmortem(aPostmortem());
    await heading();
    fireEvent.change(screen.getByLabelText('Summary (Markdown)'), {
      target: { value: 'Ledger **timed out** on Visa captures' },
    });
    expect(screen.getByText('Unsaved changes')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Save Summary' }));

    await waitFor(() =>
      expect(api.updatePostmortem).toHaveBeenCalledWith('postmortem-1', {
        sections: { summary: 'Ledger **timed out** on Visa captures' },
      }),
    );
    const preview = await screen.findByTestId(
      'multivac-section-summary-preview',
    );
    await waitFor(() =>
      expect(within(preview).getByText('timed out').tagName).toBe('STRONG'),
    );
    expect(screen.queryByText('Unsaved changes')).not.toBeInTheDocument();
    expect(api.getPostmortem).toHaveBeenCalledTimes(2);
  });

  it('keeps the text and shows why when a save is refused', async () => {
    const api = apiServing(aPostmortem());
    api.updatePostmortem.mockRejectedValueOnce(
      new Error('post-mortem: sections.summary: too long'),
    );
    await renderMultivacPage('/multivac/postmortems/PM-1', { api, alertApi });
    await heading();
    fireEvent.change(screen.getByLabelText('Summary (Markdown)'), {
      target: { value: 'Draft text' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save Summary' }));
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message: 'post-mortem: sections.summary: too long',
        severity: 'error',
      }),
    );
    expect(screen.getByLabelText('Summary (Markdown)')).toHaveValue(
      'Draft text',
    );
  });

  it('does not render HTML or script links people wrote', async () => {
    const evil =
      'Before <img src=x onerror=alert(1)> <script>alert(2)</script> ' +
      '[click me](javascript:alert(3)) <a href="javascript:alert(4)">raw</a> ' +
      '[runbook](https://runbooks.example/ledger)';
    await renderPostmortem(
      aPostmortem({
        sections: aPostmortem().sections.map(section =>
          section.id === 'trigger' ? { ...section, text: evil } : section,
        ),
      }),
    );
    await heading();
    const preview = screen.getByTestId('multivac-section-trigger-preview');
    expect(preview).toHaveTextContent('click me');
    // HTML shows as the text it is
    expect(preview).toHaveTextContent('<img src=x onerror=alert(1)>');
    expect(preview.querySelector('img')).toBeNull();
    expect(preview.querySelector('script')).toBeNull();
    const hrefs = Array.from(preview.querySelectorAll('a')).map(a =>
      a.getAttribute('href'),
    );
    expect(hrefs).toEqual(['https://runbooks.example/ledger']);
  });

  it('offers the moves its status allows', async () => {
    const api = await renderPostmortem();
    await heading();
    expect(
      screen.queryByRole('button', { name: 'Publish' }),
    ).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Send for review' }));
    await waitFor(() =>
      expect(api.setPostmortemStatus).toHaveBeenCalledWith(
        'postmortem-1',
        'in_review',
      ),
    );
  });

  it('publishes from review, or sends it back', async () => {
    const api = await renderPostmortem(written({ status: 'in_review' }));
    await heading();
    expect(
      screen.queryByRole('button', { name: 'Send for review' }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Back to draft' })).toBeEnabled();
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    await waitFor(() =>
      expect(api.setPostmortemStatus).toHaveBeenCalledWith(
        'postmortem-1',
        'published',
      ),
    );
  });

  it('has no moves once published, and says when and by whom', async () => {
    await renderPostmortem(
      written({
        status: 'published',
        publishedAt: '2026-11-28T15:00:00.000Z',
        publishedBy: 'user:default/grace.hopper',
      }),
    );
    await heading();
    for (const name of ['Send for review', 'Back to draft', 'Publish']) {
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
    }
    expect(screen.getByText(/Nov 28, 2026/)).toHaveTextContent(
      /Nov 28, 2026.* by grace\.hopper/,
    );
  });

  it('adds an action item, checking it before sending', async () => {
    const api = await renderPostmortem();
    await heading();
    fireEvent.click(screen.getByRole('button', { name: 'Add action item' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(
      await within(dialog).findByText(/say what needs doing/),
    ).toBeInTheDocument();
    expect(api.addActionItem).not.toHaveBeenCalled();

    fireEvent.change(within(dialog).getByLabelText(/What needs doing/), {
      target: { value: 'Alert on ledger p99 latency' },
    });
    fireEvent.change(within(dialog).getByLabelText('Due date'), {
      target: { value: '2026-12-04' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    await waitFor(() =>
      expect(api.addActionItem).toHaveBeenCalledWith('postmortem-1', {
        title: 'Alert on ledger p99 latency',
        dueDate: '2026-12-04',
      }),
    );
    await waitFor(
      () => expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      { timeout: 5000 },
    );
    expect(api.getPostmortem).toHaveBeenCalledTimes(2);
  });

  it('shows the server refusing an action item in the dialog', async () => {
    const api = apiServing(written());
    api.addActionItem.mockRejectedValueOnce(
      new Error('ownerRef: not a catalog User: group:default/payments'),
    );
    await renderMultivacPage('/multivac/postmortems/PM-1', { api });
    await heading();
    fireEvent.click(screen.getByRole('button', { name: 'Add action item' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText(/What needs doing/), {
      target: { value: 'Alert on ledger p99 latency' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(
      await within(dialog).findByText(/not a catalog User/),
    ).toBeInTheDocument();
  });

  it('marks action items done, edits and deletes them', async () => {
    const item = anActionItem({
      tracking: {
        state: 'done',
        attempts: 1,
        key: 'OPS-13',
        url: 'https://jira.example/browse/OPS-13',
      },
    });
    const api = await renderPostmortem(written({ actionItems: [item] }));
    await heading();
    const row = screen.getByText('Alert on ledger p99 latency').closest('tr')!;
    expect(within(row).getByRole('link', { name: /OPS-13/ })).toHaveAttribute(
      'href',
      'https://jira.example/browse/OPS-13',
    );
    expect(
      within(row).getByRole('link', { name: 'grace.hopper' }),
    ).toBeInTheDocument();

    fireEvent.click(
      within(row).getByRole('checkbox', {
        name: 'Done: Alert on ledger p99 latency',
      }),
    );
    await waitFor(() =>
      expect(api.updateActionItem).toHaveBeenCalledWith(
        'postmortem-1',
        'item-1',
        { status: 'done' },
      ),
    );

    await waitFor(() =>
      expect(
        within(row).getByRole('button', {
          name: 'Edit: Alert on ledger p99 latency',
        }),
      ).toBeEnabled(),
    );
    fireEvent.click(
      within(row).getByRole('button', {
        name: 'Edit: Alert on ledger p99 latency',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Due date')).toHaveValue('2026-12-04');
    fireEvent.change(within(dialog).getByLabelText('Due date'), {
      target: { value: '' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.updateActionItem).toHaveBeenLastCalledWith(
        'postmortem-1',
        'item-1',
        { dueDate: null },
      ),
    );
    await waitFor(
      () => expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      { timeout: 5000 },
    );

    await waitFor(() =>
      expect(
        within(row).getByRole('button', {
          name: 'Delete: Alert on ledger p99 latency',
        }),
      ).toBeEnabled(),
    );
    fireEvent.click(
      within(row).getByRole('button', {
        name: 'Delete: Alert on ledger p99 latency',
      }),
    );
    await waitFor(() =>
      expect(api.deleteActionItem).toHaveBeenCalledWith(
        'postmortem-1',
        'item-1',
      ),
    );
  });

  it('changes owner, reviewers and due date', async () => {
    const api = await renderPostmortem();
    await heading();
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Due date'), {
      target: { value: '2026-12-11' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.updatePostmortem).toHaveBeenCalledWith('postmortem-1', {
        dueDate: '2026-12-11',
      }),
    );
  });

  it('exports the Markdown through the API and saves it as a file', async () => {
    const createObjectURL = jest.fn((_blob: Blob) => 'blob:pm-1');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function clickLink(this: HTMLAnchorElement) {
        expect(this.download).toBe('PM-1.md');
        expect(this.href).toBe('blob:pm-1');
      });
    const api = await renderPostmortem();
    await heading();
    fireEvent.click(screen.getByRole('button', { name: 'Export Markdown' }));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expect(api.exportPostmortemMarkdown).toHaveBeenCalledWith('PM-1');
    const blob = createObjectURL.mock.calls[0][0];
    expect(blob.type).toBe('text/markdown');
    expect(await blob.text()).toBe('# PM-1\n');
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:pm-1');
    click.mockRestore();
  });

  it('says so when there is no such post-mortem', async () => {
    await renderMultivacPage('/multivac/postmortems/PM-9', {
      api: mockMultivacApi({
        getPostmortem: jest.fn(async () => {
          throw new Error('No post-mortem PM-9');
        }),
      }),
    });
    expect(await screen.findAllByText(/No post-mortem PM-9/)).not.toHaveLength(
      0,
    );
  });
});
