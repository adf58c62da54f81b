import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Duration } from 'luxon';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  catalogEntities,
  delegatingProvider,
  schedule,
} from '../__testUtils__/paging';
import { DatabasePageStore } from '../database/DatabasePageStore';
import {
  DatabaseJobQueue,
  DEFAULT_JOB_QUEUE_OPTIONS,
} from '../jobs/DatabaseJobQueue';
import { BuiltinOnCallProvider } from './BuiltinOnCallProvider';
import { OnCallService } from './OnCallService';
import { PagingService } from './PagingService';
import { pageDeliveries, reportDeliveries } from '../deliveries/kinds';
import { PeopleDirectory } from './PeopleDirectory';
import { migrateDatabase } from '../database/migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const credentials = mockCredentials.user('user:default/ada.lovelace');

describe.each(databases.eachSupportedId())('PagingService on %s', id => {
  let knex: Knex;
  let jobs: DatabaseJobQueue;
  let paging: PagingService;
  let pageChanges: string[];
  let provider: ReturnType<typeof delegatingProvider>;

  beforeEach(async () => {
    knex = await databases.init(id);
    await migrateDatabase(knex);
    const catalog = catalogServiceMock({ entities: catalogEntities });
    const auth = mockServices.auth();
    jobs = new DatabaseJobQueue(knex, mockServices.logger.mock(), {
      ...DEFAULT_JOB_QUEUE_OPTIONS,
      maxAttempts: 2,
      initialBackoff: Duration.fromMillis(0),
    });
    provider = delegatingProvider();
    const builtin = new BuiltinOnCallProvider(
      [schedule],
      new PeopleDirectory(catalog, auth),
    );
    const onCall = new OnCallService(catalog, auth, [provider, builtin]);
    const store = new DatabasePageStore(knex);
    pageChanges = [];
    const deliveries = {
      reports: reportDeliveries(jobs, [], () =>
        Promise.reject(new Error('no reports here')),
      ),
      pages: pageDeliveries(
        jobs,
        [
          {
            id: 'chat',
            async onPageChange({ page, change }) {
              pageChanges.push(
                `${change} ${page.targets.map(t => t.name).join(', ')}`,
              );
            },
          },
        ],
        pageId => store.get(pageId),
      ),
    };
    paging = new PagingService({
      store,
      onCall,
      jobs,
      catalog,
      auth,
      builtin,
      people: new PeopleDirectory(catalog, auth),
      deliveries,
    });
  });

  /** Lets the escalation timeout pass by making every pending job due now. */
  async function timePasses() {
    await knex('multivac_jobs')
      .where({ status: 'pending' })
      .update({ run_after: new Date(Date.now() - 1000).toISOString() });
    await jobs.runDueJobs();
  }

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

  it('records a built-in page at level 1 and escalates it while nobody acknowledges', async () => {
    const page = await pagePayments();
    expect(page).toMatchObject({
      provider: 'builtin',
      scheduleName: 'Payments',
      status: 'triggered',
      level: 1,
      targets: [{ userRef: 'user:default/grace', name: 'grace' }],
      createdBy: 'user:default/ada.lovelace',
    });
    const [escalation] = await knex('multivac_jobs').where({
      type: 'page.escalate',
    });
    const waitMs = new Date(escalation.run_after).getTime() - Date.now();
    expect(waitMs).toBeGreaterThan(9 * 60_000);
    expect(waitMs).toBeLessThanOrEqual(10 * 60_000);

    await jobs.runDueJobs(); // not yet due
    expect((await paging.get(page.id))!.level).toBe(1);

    await timePasses();
    const escalated = (await paging.get(page.id))!;
    expect(escalated).toMatchObject({ level: 2, targets: [{ name: 'ken' }] });
    expect(escalated.history.map(h => h.text)).toEqual([
      'paged level 1: grace',
      'not acknowledged; escalated to level 2: ken',
    ]);

    await timePasses();
    const exhausted = (await paging.get(page.id))!;
    expect(exhausted.level).toBe(2);
    expect(exhausted.delivery).toBe(
      'not acknowledged after level 2, the last escalation level',
    );
    // chat subscribers hear of each new set of people paged
    expect(pageChanges).toEqual(['triggered grace', 'escalated ken']);
  });

  it('pages one person directly, without escalation, through the subscribers', async () => {
    const page = await paging.pageUser(
      'user:default/ken',
      { summary: 'Need you in INC-3', urgency: 'high', incidentId: undefined },
      'user:default/ada.lovelace',
    );
    expect(page).toMatchObject({
      provider: 'builtin',
      entityRef: 'user:default/ken',
      scheduleName: 'direct page to ken',
      targets: [{ userRef: 'user:default/ken' }],
      status: 'triggered',
    });
    await timePasses();
    await timePasses();
    expect((await paging.get(page.id))!.level).toBe(1);
    expect(pageChanges).toEqual(['triggered ken']);
    await paging.acknowledge(page.id, 'user:default/ken');
    await jobs.runDueJobs();
    expect(pageChanges).toEqual(['triggered ken', 'acknowledged ken']);
  });

  it('pages a person through a provider that knows them, about an entity, through jobs', async () => {
    provider.person = {
      canPage: async (person, context) =>
        person.name === 'ken' && context?.metadata.name === 'checkout',
      page: async (person, context, request) => {
        provider.calls.push(
          `page ${person.name} about ${context?.metadata.name} ${request.dedupKey}`,
        );
        return { status: `paged ${person.name} in fakepd` };
      },
      acknowledge: async (person, _context, dedupKey) => {
        provider.calls.push(`acknowledge ${person.name} ${dedupKey}`);
      },
    };
    const page = await paging.pageUser(
      'user:default/ken',
      {
        summary: 'Need you in INC-3',
        urgency: 'high',
        about: 'component:default/checkout',
      },
      'user:default/ada.lovelace',
    );
    expect(page).toMatchObject({
      provider: 'fakepd',
      entityRef: 'component:default/checkout',
      resolvedFrom: 'user:default/ken',
      delivery: 'sending to fakepd',
    });
    expect(provider.calls).toEqual([]);
    await jobs.runDueJobs();
    expect(provider.calls).toEqual([
      `page ken about checkout ${page.dedupKey}`,
    ]);
    expect((await paging.get(page.id))!.delivery).toBe('paged ken in fakepd');
    await paging.acknowledge(page.id, 'user:default/ken');
    await jobs.runDueJobs();
    expect(provider.calls[1]).toBe(`acknowledge ken ${page.dedupKey}`);

    // Someone the provider does not know is paged through chat instead.
    const grace = await paging.pageUser(
      'user:default/grace',
      {
        summary: 'Need you too',
        urgency: 'high',
        about: 'component:default/checkout',
      },
      'user:default/ada.lovelace',
    );
    expect(grace).toMatchObject({
      provider: 'builtin',
      delivery: 'recorded; sent to chat where configured',
    });
  });

  it('pages a person through chat, saying so, when their provider is down', async () => {
    provider.person = {
      canPage: async () => {
        throw new Error('PagerDuty answered 503');
      },
      page: async () => ({ status: 'unreachable' }),
      acknowledge: async () => {},
    };
    const page = await paging.pageUser(
      'user:default/ken',
      { summary: 'Need you in INC-3', urgency: 'high' },
      'user:default/ada.lovelace',
    );
    expect(page).toMatchObject({
      provider: 'builtin',
      delivery:
        'recorded; sent to chat where configured (fakepd unavailable: Error: PagerDuty answered 503)',
    });
    await jobs.runDueJobs();
    expect(pageChanges).toEqual(['triggered ken']);
  });

  it('stops escalating once acknowledged, and refuses a second acknowledgement', async () => {
    const page = await pagePayments();
    const acknowledged = await paging.acknowledge(
      page.id,
      'user:default/grace',
    );
    expect(acknowledged).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'user:default/grace',
    });
    await timePasses();
    expect((await paging.get(page.id))!.level).toBe(1);
    await expect(
      paging.acknowledge(page.id, 'user:default/ken'),
    ).rejects.toThrow(ConflictError);
  });

  it('hands pages for a paging provider to it through durable jobs', async () => {
    const page = await paging.page(
      {
        entityRef: 'component:default/checkout',
        summary: 'Checkout down',
        urgency: 'low',
      },
      credentials,
      'user:default/ada.lovelace',
    );
    expect(page).toMatchObject({
      provider: 'fakepd',
      delivery: 'sending to fakepd',
    });
    expect(provider.calls).toEqual([]); // nothing runs inside the request
    await jobs.runDueJobs();
    expect(provider.calls).toEqual([`page ${page.dedupKey} low Checkout down`]);
    expect((await paging.get(page.id))!.delivery).toBe('accepted by fakepd');

    await paging.acknowledge(page.id, 'user:default/ada.lovelace');
    await jobs.runDueJobs();
    expect(provider.calls[1]).toBe(`acknowledge ${page.dedupKey}`);
  });

  it('keeps the page when the provider is down, and retries the delivery', async () => {
    let failures = 1;
    provider.page = async () => {
      if (failures-- > 0) {
        throw new Error('PagerDuty answered 503');
      }
      return { status: 'accepted by fakepd' };
    };
    const page = await paging.page(
      {
        entityRef: 'component:default/checkout',
        summary: 'Checkout down',
        urgency: 'high',
      },
      credentials,
      'user:default/ada.lovelace',
    );
    await jobs.runDueJobs();
    const [job] = await knex('multivac_jobs').where({ type: 'page.deliver' });
    expect(job).toMatchObject({ status: 'pending', attempts: 1 });
    expect(job.last_error).toContain('PagerDuty answered 503');
    expect((await paging.get(page.id))!.status).toBe('triggered');
    await timePasses();
    expect((await paging.get(page.id))!.delivery).toBe('accepted by fakepd');
  });
});
