import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  OnCallAnswer,
  OnCallCardData,
  PageRecord,
} from '@multivac/plugin-multivac-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Settings } from 'luxon';
import { aPage, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { OnCallCard } from './OnCallCard';

const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
};

const answer: OnCallAnswer = {
  entityRef: 'component:default/payments-api',
  resolvedFrom: 'group:default/payments',
  provider: 'builtin',
  schedule: { id: 'payments-primary', name: 'Payments primary' },
  levels: [
    {
      level: 1,
      timeoutMinutes: 10,
      onCall: [
        {
          person: {
            userRef: 'user:default/grace.hopper',
            name: 'Grace Hopper',
            email: 'grace.hopper@nimbus.example',
            phone: '+49 30 5550 1002',
            slackUserId: 'U0GRACE',
          },
          start: '2026-11-16T09:00:00.000+01:00',
          end: '2026-11-23T09:00:00.000+01:00',
        },
      ],
    },
    {
      level: 2,
      timeoutMinutes: 15,
      onCall: [
        {
          person: {
            userRef: 'user:default/ken.thompson',
            name: 'Ken Thompson',
          },
          start: '2026-11-20T09:00:00.000+01:00',
          end: '2026-11-21T09:00:00.000+01:00',
        },
      ],
    },
  ],
  next: {
    person: { userRef: 'user:default/alan.turing', name: 'Alan Turing' },
    start: '2026-11-23T09:00:00.000+01:00',
    end: '2026-11-30T09:00:00.000+01:00',
  },
};

/** The card's one answer: `answer`, no pages, allowed to page. */
function cardOf(overrides: Partial<OnCallCardData> = {}): OnCallCardData {
  return {
    onCall: answer,
    recentPages: [],
    firingAlerts: 0,
    viewer: { mayPage: true, mayAcknowledge: [] },
    ...overrides,
  };
}

/** The permission API fails the test if the card asks it anything. */
const noPermissionRequests = jest.fn(() => AuthorizeResult.DENY);

function renderCard(api = mockMultivacApi()) {
  return renderWithMultivac(
    <EntityProvider entity={paymentsApi}>
      <OnCallCard />
    </EntityProvider>,
    { api, permission: noPermissionRequests },
  );
}

afterEach(() => {
  const asked = noPermissionRequests.mock.calls.length;
  noPermissionRequests.mockClear();
  if (asked > 0) {
    throw new Error(`The card asked the permission API ${asked} time(s)`);
  }
});

describe('OnCallCard', () => {
  it('shows who is on call, how to reach them, who is next and the escalation, from one request', async () => {
    const api = mockMultivacApi({
      getOnCallCard: jest.fn(async () => cardOf()),
    });
    await renderCard(api);
    expect(await screen.findByText('Grace Hopper')).toBeInTheDocument();
    expect(api.getOnCallCard).toHaveBeenCalledTimes(1);
    expect(api.getOnCallCard).toHaveBeenCalledWith(
      'component:default/payments-api',
    );
    // Nothing else: the answer carries the pages, the alert count and the
    // viewer's decisions.
    expect(api.getOnCall).not.toHaveBeenCalled();
    expect(api.listPages).not.toHaveBeenCalled();
    expect(api.listAlerts).not.toHaveBeenCalled();
    expect(screen.getByText('+49 30 5550 1002').closest('a')).toHaveAttribute(
      'href',
      'tel:+493055501002',
    );
    expect(
      screen.getByText('grace.hopper@nimbus.example').closest('a'),
    ).toHaveAttribute('href', 'mailto:grace.hopper@nimbus.example');
    expect(screen.getByText('Slack').closest('a')).toHaveAttribute(
      'href',
      'https://slack.com/app_redirect?channel=U0GRACE',
    );
    expect(screen.getByText('Alan Turing')).toBeInTheDocument();
    expect(
      screen.getByText(
        /Level 2, after 10 min without acknowledgement: Ken Thompson/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Payments primary \(builtin\)/),
    ).toBeInTheDocument();
  });

  describe('shift times', () => {
    const savedZone = Settings.defaultZone;
    afterEach(() => {
      Settings.defaultZone = savedZone;
    });

    it("says until when in the viewer's zone, named, and in the schedule's where its clock differs", async () => {
      Settings.defaultZone = 'UTC';
      await renderCard(
        mockMultivacApi({
          getOnCallCard: jest.fn(async () =>
            cardOf({
              onCall: {
                ...answer,
                schedule: { ...answer.schedule, timeZone: 'Europe/Berlin' },
              },
            }),
          ),
        }),
      );
      expect(
        await screen.findByText(
          /until Nov 23, 2026, 8:00 AM UTC \(9:00 AM CET schedule time\)/,
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByText(
          /from Nov 23, 2026, 8:00 AM UTC \(9:00 AM CET schedule time\)/,
        ),
      ).toBeInTheDocument();
    });

    it("names the viewer's zone when the provider gives no schedule zone", async () => {
      Settings.defaultZone = 'Europe/Berlin';
      await renderCard(
        mockMultivacApi({ getOnCallCard: jest.fn(async () => cardOf()) }),
      );
      expect(
        await screen.findByText(/until Nov 23, 2026, 9:00 AM CET$/),
      ).toBeInTheDocument();
    });
  });

  it('explains when nobody is configured for the entity, still counting its alerts', async () => {
    await renderCard(
      mockMultivacApi({
        getOnCallCard: jest.fn(async () =>
          cardOf({
            onCall: undefined,
            notFound: 'Nobody is on call for component:default/payments-api',
          }),
        ),
      }),
    );
    expect(
      await screen.findByText(
        'Nobody is on call for component:default/payments-api',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'No alerts firing: open the Alerts tab',
      }),
    ).toBeInTheDocument();
  });

  it('shows an error the card could not be loaded with', async () => {
    await renderCard(
      mockMultivacApi({
        getOnCallCard: jest.fn(async () => {
          throw new Error('The on-call provider did not answer');
        }),
      }),
    );
    expect(
      (await screen.findAllByText(/The on-call provider did not answer/))
        .length,
    ).toBeGreaterThan(0);
    expect(screen.queryByText('Grace Hopper')).not.toBeInTheDocument();
  });

  it('warns when the schedule has a gap right now', async () => {
    await renderCard(
      mockMultivacApi({
        getOnCallCard: jest.fn(async () =>
          cardOf({
            onCall: {
              ...answer,
              levels: [{ level: 1, timeoutMinutes: 10, onCall: [] }],
              next: undefined,
            },
          }),
        ),
      }),
    );
    expect(
      await screen.findByText('Nobody is on call right now.'),
    ).toBeInTheDocument();
  });

  it('pages on-call with a reason, shows the page and acknowledges it', async () => {
    const page = aPage({ id: 'p1', targets: [{ name: 'Grace Hopper' }] });
    const getOnCallCard = jest
      .fn()
      .mockResolvedValueOnce(cardOf())
      .mockResolvedValue(
        cardOf({
          recentPages: [page],
          viewer: { mayPage: true, mayAcknowledge: ['p1'] },
        }),
      );
    const api = mockMultivacApi({
      getOnCallCard,
      createPage: jest.fn(async () => page),
      acknowledgePage: jest.fn(async () => ({
        ...page,
        status: 'acknowledged' as const,
      })),
    });
    await renderCard(api);
    fireEvent.click(
      await screen.findByRole('button', { name: /Page on-call/ }),
    );
    expect(
      screen.getByText(/Grace Hopper will be paged now/),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Page' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'What is wrong: say why you are paging',
    );
    expect(api.createPage).not.toHaveBeenCalled();

    fireEvent.change(screen.getByLabelText(/What is wrong/), {
      target: { value: 'Card payments failing' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Page' }));
    await waitFor(() =>
      expect(api.createPage).toHaveBeenCalledWith({
        entityRef: 'component:default/payments-api',
        summary: 'Card payments failing',
        urgency: 'high',
      }),
    );
    const recent = await screen.findByRole('list', { name: 'recent pages' });
    expect(recent).toHaveTextContent('Card payments failing');
    expect(recent).toHaveTextContent('level 1: Grace Hopper');
    fireEvent.click(
      within(recent).getByRole('button', { name: 'Acknowledge' }),
    );
    await waitFor(() => expect(api.acknowledgePage).toHaveBeenCalledWith('p1'));
  });

  it('enables Acknowledge only on the pages the server says the viewer may acknowledge, and Page only when they may page', async () => {
    const pages: PageRecord[] = [
      aPage({ id: 'mine', summary: 'Paging me' }),
      aPage({ id: 'theirs', summary: 'Paging someone else' }),
    ];
    await renderCard(
      mockMultivacApi({
        getOnCallCard: jest.fn(async () =>
          cardOf({
            recentPages: pages,
            viewer: { mayPage: false, mayAcknowledge: ['mine'] },
          }),
        ),
      }),
    );
    const recent = await screen.findByRole('list', { name: 'recent pages' });
    const [mine, theirs] = within(recent).getAllByRole('button', {
      name: 'Acknowledge',
    });
    expect(mine).toBeEnabled();
    expect(theirs).toBeDisabled();
    expect(screen.getByRole('button', { name: /Page on-call/ })).toBeDisabled();
    expect(
      screen.queryByRole('button', { name: 'Page Grace Hopper' }),
    ).not.toBeInTheDocument();
  });

  it('pages one person directly, from their name on the card', async () => {
    const page = aPage({ id: 'p2', targets: [{ name: 'Ken Thompson' }] });
    const api = mockMultivacApi({
      getOnCallCard: jest.fn(async () => cardOf()),
      createPage: jest.fn(async () => page),
    });
    await renderCard(api);
    expect(
      await screen.findByRole('button', { name: 'Page Grace Hopper' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Page Alan Turing' }),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Page Ken Thompson' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Page Ken Thompson');
    expect(dialog).toHaveTextContent(
      'Ken Thompson will be paged now, directly: no escalation if they do not acknowledge.',
    );
    fireEvent.change(screen.getByLabelText(/What is wrong/), {
      target: { value: 'Need a database expert' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Page' }));
    await waitFor(() =>
      expect(api.createPage).toHaveBeenCalledWith({
        entityRef: 'component:default/payments-api',
        userRef: 'user:default/ken.thompson',
        summary: 'Need a database expert',
        urgency: 'high',
      }),
    );
  });

  it('counts the firing alerts and links to the Alerts tab', async () => {
    await renderCard(
      mockMultivacApi({
        getOnCallCard: jest.fn(async () => cardOf({ firingAlerts: 3 })),
      }),
    );
    const link = await screen.findByRole('link', {
      name: '3 alerts firing: open the Alerts tab',
    });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/alerts',
    );
    expect(screen.getByText('Grace Hopper')).toBeInTheDocument();
  });

  it('leaves the count out for someone who may not read alerts', async () => {
    await renderCard(
      mockMultivacApi({
        getOnCallCard: jest.fn(async () => cardOf({ firingAlerts: undefined })),
      }),
    );
    await screen.findByText('Grace Hopper');
    expect(screen.queryByText(/firing/)).not.toBeInTheDocument();
  });
});
