import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { user } from '@multivac/plugin-multivac-node/testUtils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabasePageStore } from '../database/DatabasePageStore';
import { migrateDatabase } from '../database/migrations';
import { NewPage } from '../database/PageStore';
import { DatabaseInsightsStore } from './DatabaseInsightsStore';
import { PersonTimeZones } from './PersonTimeZones';
import { RecordingPageStore } from './RecordingPageStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ada = { userRef: 'user:default/ada', name: 'Ada' };
const grace = { userRef: 'user:default/grace', name: 'Grace' };
const outsider = { name: 'Only known to PagerDuty', email: 'x@example.com' };

const page = (scheduleId: string, targets: NewPage['targets']): NewPage => ({
  entityRef: 'component:default/payments-api',
  resolvedFrom: 'group:default/payments',
  provider: 'builtin',
  scheduleId,
  scheduleName: scheduleId,
  fallback: false,
  summary: 'Checkout fails',
  details: {},
  urgency: 'high',
  targets,
  delivery: 'recorded',
  createdBy: 'user:default/ada',
});

describe.each(databases.eachSupportedId())('RecordingPageStore on %s', id => {
  let knex: Knex;
  let pages: RecordingPageStore;

  beforeEach(async () => {
    knex = await databases.init(id);
    await migrateDatabase(knex);
    const catalog = catalogServiceMock({
      entities: [
        user('ada', { annotations: { 'multivac.io/timezone': 'Asia/Tokyo' } }),
        user('grace', {
          annotations: { 'multivac.io/timezone': 'Nowhere/Zone' },
        }),
      ],
    });
    pages = new RecordingPageStore(
      new DatabasePageStore(knex),
      new DatabaseInsightsStore(knex),
      new PersonTimeZones(
        catalog,
        mockServices.auth(),
        new Map([['payments-primary', 'Europe/Berlin']]),
      ),
    );
  });

  const ledger = async () =>
    (
      await knex('multivac_notifications')
        .select('user_ref', 'level', 'time_zone', 'page_id', 'notified_at')
        .orderBy(['level', 'user_ref'])
    ).map(row => ({
      ...row,
      level: Number(row.level),
      notified_at: new Date(row.notified_at).toISOString(),
    }));

  it("records each level's page to each catalog user in their zone", async () => {
    const created = await pages.create(
      page('payments-primary', [ada, grace, outsider]),
      async () => {},
    );
    expect(await ledger()).toEqual([
      // The User annotation; an invalid one falls back to the schedule's zone.
      {
        user_ref: ada.userRef,
        level: 1,
        time_zone: 'Asia/Tokyo',
        page_id: created.id,
        notified_at: created.createdAt,
      },
      {
        user_ref: grace.userRef,
        level: 1,
        time_zone: 'Europe/Berlin',
        page_id: created.id,
        notified_at: created.createdAt,
      },
    ]);

    expect(await pages.escalate(created.id, 1, [grace], async () => {})).toBe(
      true,
    );
    // A repeated escalation job moves nothing and records nothing.
    expect(await pages.escalate(created.id, 1, [grace], async () => {})).toBe(
      false,
    );
    const rows = await ledger();
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({
      user_ref: grace.userRef,
      level: 2,
      time_zone: 'Europe/Berlin',
    });
  });

  it('bands in UTC when neither the user nor the schedule has a zone', async () => {
    await pages.create(page('PD-POLICY', [grace]), async () => {});
    expect((await ledger())[0]).toMatchObject({ time_zone: 'UTC' });
  });

  it('records nothing when the page is rolled back', async () => {
    await expect(
      pages.create(page('payments-primary', [ada]), async () => {
        throw new Error('delivery could not be queued');
      }),
    ).rejects.toThrow('delivery could not be queued');
    expect(await ledger()).toEqual([]);
  });
});
