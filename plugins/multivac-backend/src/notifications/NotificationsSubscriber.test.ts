import { mockServices } from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  PageRecord,
  Postmortem,
  Release,
  ReleaseConflict,
} from '@multivac/plugin-multivac-common';
import { NotificationsPagingChannel } from '../paging/NotificationsPagingChannel';
import { NotificationsSubscriber, userRefs } from './NotificationsSubscriber';
import { notificationSeverity } from './payloads';

/*
 * The subscriber and the channel against a recording notificationService:
 * what they send, to whom, with which scope. The real notifications
 * backend is in notifications.test.ts.
 */

const delivery = { deliveryId: 'job-1', attempt: 1 };

function recording(fail?: Error) {
  const sent: NotificationSendOptions[] = [];
  const service: NotificationService = {
    async send(options) {
      if (fail) {
        throw fail;
      }
      sent.push(options);
    },
  };
  return { sent, service };
}

function subscriber(
  service: NotificationService,
  owners: Record<string, string[]> = {},
) {
  return new NotificationsSubscriber({
    notifications: service,
    ownersOf: async refs => new Map(refs.map(ref => [ref, owners[ref] ?? []])),
    incidentUrl: reference => `/multivac/incidents/${reference}`,
    releaseUrl: reference => `/multivac/releases/${reference}`,
    pageLink: async page => `/multivac/pages/${page.id}`,
    logger: mockServices.logger.mock(),
  });
}

const postmortem = {
  id: 'pm-1',
  reference: 'PM-7',
  incidentId: 'inc-7',
  incidentReference: 'INC-7',
  title: 'Post-mortem: Card payments fail',
  severity: 'SEV2',
  status: 'draft',
  ownerRef: 'user:default/grace.hopper',
  reviewerRefs: [],
  dueDate: '2026-12-09',
  overdue: false,
  url: 'http://portal.example/multivac/postmortems/PM-7',
  incidentUrl: 'http://portal.example/multivac/incidents/INC-7',
  actionItems: [],
} as unknown as Postmortem;

const conflict: ReleaseConflict = {
  kind: 'dependency',
  sentence:
    'payments-api depends on ledger, which releases 14:00–14:30, overlapping by 20 minutes',
  entityRef: 'component:default/ledger',
  releaseReference: 'REL-2',
  blocking: true,
};

const release = {
  id: 'rel-3',
  reference: 'REL-3',
  entityRef: 'component:default/payments-api',
  title: 'v2.4.1',
  environment: 'production',
  start: '2026-12-07T14:10:00Z',
  end: '2026-12-07T14:40:00Z',
  status: 'planned',
  ownerRef: 'group:default/payments',
  forced: {
    reason: 'hotfix for the Visa outage',
    by: 'user:default/ada.lovelace',
    at: '2026-12-07T10:00:00Z',
    conflicts: [conflict],
  },
} as unknown as Release;

describe('NotificationsSubscriber', () => {
  it('maps severities SEV1..SEV4 to critical, high, normal, low', () => {
    expect(
      (['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const).map(notificationSeverity),
    ).toEqual(['critical', 'high', 'normal', 'low']);
  });

  it("tells a post-mortem's owner it is theirs, then that it is overdue, in one scope", async () => {
    const { sent, service } = recording();
    const notifications = subscriber(service);
    await notifications.onPostmortemChange({
      postmortem,
      change: 'created',
      ...delivery,
    });
    await notifications.onPostmortemChange({
      postmortem: { ...postmortem, overdue: true },
      change: 'due',
      ...delivery,
    });
    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['user:default/grace.hopper'],
        },
        payload: {
          title:
            'PM-7 is yours to write, due 2026-12-09: Post-mortem: Card payments fail',
          description: 'The post-mortem of INC-7 (SEV2).',
          link: postmortem.url,
          severity: 'normal',
          topic: 'postmortem',
          scope: 'multivac:postmortem:PM-7',
        },
      },
      expect.objectContaining({
        payload: expect.objectContaining({
          title:
            'PM-7 is overdue (was due 2026-12-09): Post-mortem: Card payments fail',
          severity: 'high',
          scope: 'multivac:postmortem:PM-7',
        }),
      }),
    ]);
  });

  it("tells the dependents' owners of a release forced past a blocking conflict, not whoever forced it", async () => {
    const { sent, service } = recording();
    await subscriber(service).onReleaseChange({
      release,
      change: 'scheduled',
      dependents: [
        {
          entityRef: 'component:default/checkout',
          ownerRef: 'group:default/storefront',
          reason: 'checkout depends on payments-api',
        },
        {
          entityRef: 'component:default/cart',
          ownerRef: 'group:default/storefront',
          reason: 'cart depends on payments-api',
        },
        // The release's own team booked it.
        {
          entityRef: 'component:default/ledger-ui',
          ownerRef: 'group:default/payments',
          reason: 'ledger-ui depends on payments-api',
        },
      ],
      ...delivery,
    });
    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['group:default/storefront'],
          excludeEntityRef: 'user:default/ada.lovelace',
        },
        payload: {
          title:
            'REL-3 booked past a blocking conflict: payments-api v2.4.1 in production',
          description: `Dec 7, 2026, 2:10 PM UTC to 2:40 PM UTC. ${conflict.sentence}. Reason: hotfix for the Visa outage`,
          link: '/multivac/releases/REL-3',
          severity: 'high',
          topic: 'release',
          scope: 'multivac:release:REL-3',
        },
      },
    ]);
  });

  it("falls back to the conflicting releases' owners without dependents, and says nothing of an unforced booking", async () => {
    const { sent, service } = recording();
    const notifications = subscriber(service, {
      'component:default/ledger': ['group:default/ledger-team'],
    });
    await notifications.onReleaseChange({
      release,
      change: 'scheduled',
      dependents: [],
      ...delivery,
    });
    await notifications.onReleaseChange({
      release: { ...release, forced: undefined },
      change: 'scheduled',
      dependents: [
        {
          entityRef: 'component:default/checkout',
          ownerRef: 'group:default/storefront',
          reason: 'checkout depends on payments-api',
        },
      ],
      ...delivery,
    });
    await notifications.onReleaseChange({
      release,
      change: 'status',
      dependents: [],
      ...delivery,
    });
    expect(sent.map(s => s.recipients)).toEqual([
      {
        type: 'entity',
        entityRef: ['group:default/ledger-team'],
        excludeEntityRef: 'user:default/ada.lovelace',
      },
    ]);
  });

  it('lets a failed send throw, so that its job is retried', async () => {
    const { service } = recording(new Error('Request failed with status 503'));
    await expect(
      subscriber(service).onPostmortemChange({
        postmortem,
        change: 'created',
        ...delivery,
      }),
    ).rejects.toThrow('503');
  });

  it('sends nothing for an incident whose entities have no owners', async () => {
    const { sent, service } = recording();
    await subscriber(service).onIncidentChange({
      incident: {
        reference: 'INC-1',
        title: 'Orphan down',
        severity: 'SEV1',
        status: 'triggered',
        entityRefs: ['component:default/orphan'],
        description: '',
      } as any,
      event: { type: 'declared', payload: {} } as any,
      ...delivery,
    });
    expect(sent).toEqual([]);
  });

  it('keeps catalog users only, each once', () => {
    expect(
      userRefs([
        'user:default/ken.thompson',
        undefined,
        'group:default/payments',
        'user:default/ken.thompson',
        'not a ref:::',
      ]),
    ).toEqual(['user:default/ken.thompson']);
  });
});

describe('NotificationsPagingChannel', () => {
  const page = {
    id: 'page-1',
    entityRef: 'component:default/ledger',
    scheduleName: 'Shop 24/7',
    summary: 'Ledger writes fail',
    urgency: 'low',
    level: 1,
    status: 'triggered',
    targets: [],
  } as unknown as PageRecord;
  const link = async () => '/multivac/oncall';
  const signal = new AbortController().signal;

  it('notifies the paged catalog user with the page scope', async () => {
    const { sent, service } = recording();
    const result = await new NotificationsPagingChannel(service, link).deliver(
      {
        page,
        person: { userRef: 'user:default/ken.thompson', name: 'Ken' },
        acknowledgeUrl: 'http://backend/ack',
        deliveryId: 'd-1',
      },
      signal,
    );
    expect(result).toEqual({
      status: 'delivered',
      detail: 'sent as a Backstage notification to Ken',
    });
    expect(sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'user:default/ken.thompson' },
        payload: expect.objectContaining({
          title: 'You are paged: Ledger writes fail',
          severity: 'normal',
          scope: 'multivac:page:page-1',
          link: '/multivac/oncall',
        }),
      },
    ]);
  });

  it('fails, so that the next channel is tried, for a person outside the catalog or a refusing backend', async () => {
    const person = { userRef: 'user:default/ken.thompson', name: 'Ken' };
    const delivery_ = {
      page,
      acknowledgeUrl: 'http://backend/ack',
      deliveryId: 'd-1',
    };
    expect(
      await new NotificationsPagingChannel(recording().service, link).deliver(
        { ...delivery_, person: { name: 'Someone' } },
        signal,
      ),
    ).toEqual({
      status: 'failed',
      error: 'Someone is not a catalog user, whom notifications reach',
    });
    expect(
      await new NotificationsPagingChannel(
        recording(new Error('Failed to send notifications: 404')).service,
        link,
      ).deliver({ ...delivery_, person }, signal),
    ).toEqual({
      status: 'failed',
      error:
        'the notifications backend did not take it: Failed to send notifications: 404',
    });
    const hung: NotificationService = { send: () => new Promise(() => {}) };
    const aborted = new AbortController();
    const pending = new NotificationsPagingChannel(hung, link).deliver(
      { ...delivery_, person },
      aborted.signal,
    );
    aborted.abort();
    expect(await pending).toEqual({
      status: 'failed',
      error: 'the notifications backend did not take it: timed out',
    });
  });
});
