import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  PagingChannel,
  PagingDeliveryResult,
} from '@multivac/plugin-multivac-node';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import { Knex } from 'knex';
import { Duration } from 'luxon';
import { createTestDatabases } from '../__testUtils__/databases';
import { schedule } from '../__testUtils__/paging';
import { DatabasePageStore } from '../database/DatabasePageStore';
import { migrateDatabase } from '../database/migrations';
import { pageDeliveries, reportDeliveries } from '../deliveries/kinds';
import {
  DatabaseJobQueue,
  DEFAULT_JOB_QUEUE_OPTIONS,
} from '../jobs/DatabaseJobQueue';
import { BuiltinOnCallProvider } from '../oncall/BuiltinOnCallProvider';
import { OnCallService } from '../oncall/OnCallService';
import { PagingService } from '../oncall/PagingService';
import { PeopleDirectory } from '../oncall/PeopleDirectory';
import { AcknowledgeLinks } from './AcknowledgeLinks';
import { ChannelPaging } from './ChannelPaging';
import { DatabasePageDeliveryStore } from './DatabasePageDeliveryStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const credentials = mockCredentials.user('user:default/ada.lovelace');

/** A channel that answers as told and remembers who it reached. */
function channel(
  id: string,
  answer: (to: string) => Promise<PagingDeliveryResult>,
): PagingChannel & { reached: string[] } {
  const reached: string[] = [];
  return {
    id,
    reached,
    async deliver({ person, page, acknowledgeUrl }) {
      const result = await answer(person.name);
      if (result.status === 'delivered') {
        reached.push(`${person.name}: ${page.summary} ${acknowledgeUrl}`);
      }
      return result;
    },
  };
}

const delivered = async (): Promise<PagingDeliveryResult> => ({
  status: 'delivered',
});

describe.each(databases.eachSupportedId())('ChannelPaging on %s', id => {
  let knex: Knex;
  let jobs: DatabaseJobQueue;

  beforeEach(async () => {
    knex = await databases.init(id);
    await migrateDatabase(knex);
  });

  function setUp(
    channels: PagingChannel[],
    options: {
      defaultChannels?: string[];
      annotations?: Record<string, string>;
    } = {},
  ) {
    const catalog = catalogServiceMock({
      entities: [
        entity('Component', 'payments-api', {
          annotations: { 'multivac.io/oncall-schedule': 'payments' },
        }),
        user('grace', {
          displayName: 'Grace Hopper',
          annotations: options.annotations,
        }),
        user('ken', { displayName: 'Ken Thompson' }),
      ],
    });
    const auth = mockServices.auth();
    jobs = new DatabaseJobQueue(knex, mockServices.logger.mock(), {
      ...DEFAULT_JOB_QUEUE_OPTIONS,
      maxAttempts: 2,
      initialBackoff: Duration.fromMillis(0),
    });
    const people = new PeopleDirectory(catalog, auth);
    const builtin = new BuiltinOnCallProvider([schedule], people);
    const store = new DatabasePageStore(knex);
    const paging = new PagingService({
      store,
      onCall: new OnCallService(catalog, auth, [builtin]),
      jobs,
      catalog,
      auth,
      builtin,
      people,
      deliveries: {
        reports: reportDeliveries(jobs, [], async () => undefined),
        pages: pageDeliveries(jobs, [], pageId => store.get(pageId)),
      },
      channels: new ChannelPaging({
        channels,
        defaultChannels: options.defaultChannels ?? channels.map(c => c.id),
        store: new DatabasePageDeliveryStore(knex),
        pages: store,
        people,
        links: new AcknowledgeLinks(
          Buffer.from('key'),
          60_000,
          async () => 'http://backend/api/multivac',
        ),
        jobs,
        catalog,
        auth,
        logger: mockServices.logger.mock(),
      }),
    });
    const pagePayments = () =>
      paging.page(
        {
          entityRef: 'component:default/payments-api',
          summary: 'Card payments failing',
          urgency: 'high',
        },
        credentials,
        'user:default/ada.lovelace',
      );
    return { paging, pagePayments };
  }

  const deliveryJobs = () =>
    knex('multivac_jobs').where({ type: 'page.channel' }).orderBy('created_at');

  it('records one job per delivery in the paging lane and shows each delivery with its state', async () => {
    const email = channel('email', delivered);
    const { paging, pagePayments } = setUp([email]);
    const page = await pagePayments();

    const [job] = await deliveryJobs();
    expect(job).toMatchObject({ lane: 'paging', status: 'pending' });
    expect((await paging.get(page.id))!.deliveries).toEqual([
      expect.objectContaining({
        level: 1,
        userRef: 'user:default/grace',
        name: 'Grace Hopper',
        channel: 'email',
        status: 'pending',
      }),
    ]);

    await jobs.runDueJobs();
    expect(email.reached).toEqual([
      expect.stringMatching(
        /^Grace Hopper: Card payments failing http:\/\/backend\/api\/multivac\/paging\/acknowledge\?token=/,
      ),
    ]);
    expect((await deliveryJobs())[0].status).toBe('succeeded');
    const [shown] = await paging.list({ limit: 5 });
    expect(shown.deliveries).toEqual([
      expect.objectContaining({ channel: 'email', status: 'delivered' }),
    ]);

    // a repeated job does not deliver twice
    await knex('multivac_jobs')
      .where({ id: job.id })
      .update({ status: 'pending', run_after: new Date(0).toISOString() });
    await jobs.runDueJobs();
    expect(email.reached).toHaveLength(1);
  });

  it('falls back to the next channel when one fails or throws, each try its own job', async () => {
    const slack = channel('slack', async name => ({
      status: 'failed',
      error: `${name} has no Slack user`,
    }));
    const sms = channel('webhook', async () => {
      throw new Error('gateway down');
    });
    const email = channel('email', delivered);
    const { paging, pagePayments } = setUp([slack, sms, email]);
    const page = await pagePayments();

    await jobs.runDueJobs();
    await jobs.runDueJobs();
    await jobs.runDueJobs();

    expect(email.reached).toHaveLength(1);
    expect((await paging.get(page.id))!.deliveries).toEqual([
      expect.objectContaining({
        channel: 'slack',
        status: 'failed',
        detail: 'Grace Hopper has no Slack user',
      }),
      expect.objectContaining({
        channel: 'webhook',
        status: 'failed',
        detail: 'Error: gateway down',
      }),
      expect.objectContaining({ channel: 'email', status: 'delivered' }),
    ]);
    expect((await deliveryJobs()).map(j => j.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
  });

  it("follows the person's own channel order from the annotation", async () => {
    const slack = channel('slack', delivered);
    const email = channel('email', delivered);
    const { paging, pagePayments } = setUp([slack, email], {
      annotations: { 'multivac.io/paging-channels': ' Email , carrier-pigeon' },
    });
    const page = await pagePayments();
    await jobs.runDueJobs();

    expect(email.reached).toHaveLength(1);
    expect(slack.reached).toEqual([]);
    expect(
      (await paging.get(page.id))!.deliveries!.map(d => d.channel),
    ).toEqual(['email']);
  });

  it('says on the page when no channel reached the person', async () => {
    const failing = channel('email', async () => ({
      status: 'failed',
      error: 'no address',
    }));
    const { paging, pagePayments } = setUp([failing]);
    const page = await pagePayments();
    await jobs.runDueJobs();

    const after = (await paging.get(page.id))!;
    expect(after.delivery).toBe(
      'no paging channel reached Grace Hopper (tried email)',
    );
    expect(after.history.map(h => h.text)).toContain(
      'no paging channel reached Grace Hopper (tried email)',
    );
  });

  it('cancels a delivery whose page was acknowledged before it went out', async () => {
    const email = channel('email', delivered);
    const { paging, pagePayments } = setUp([email]);
    const page = await pagePayments();
    await paging.acknowledge(page.id, 'user:default/grace');
    await jobs.runDueJobs();

    expect(email.reached).toEqual([]);
    expect((await paging.get(page.id))!.deliveries).toEqual([
      expect.objectContaining({
        status: 'cancelled',
        detail: 'the page was acknowledged before it went out',
      }),
    ]);
  });

  it('reaches the next escalation level through its people’s channels', async () => {
    const email = channel('email', delivered);
    const { paging, pagePayments } = setUp([email]);
    const page = await pagePayments();
    await jobs.runDueJobs();
    await knex('multivac_jobs')
      .where({ status: 'pending' })
      .update({ run_after: new Date(Date.now() - 1000).toISOString() });
    await jobs.runDueJobs(); // escalates to Ken, recording his delivery
    await jobs.runDueJobs(); // delivers it

    expect(email.reached.map(r => r.split(':')[0])).toEqual([
      'Grace Hopper',
      'Ken Thompson',
    ]);
    expect(
      (await paging.get(page.id))!.deliveries!.map(d => [d.level, d.name]),
    ).toEqual([
      [1, 'Grace Hopper'],
      [2, 'Ken Thompson'],
    ]);
  });
});
