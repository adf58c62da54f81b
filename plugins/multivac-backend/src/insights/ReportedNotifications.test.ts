import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { user } from '@multivac/plugin-multivac-node/testUtils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabasePageStore } from '../database/DatabasePageStore';
import { migrateDatabase } from '../database/migrations';
import { DatabaseInsightsStore } from './DatabaseInsightsStore';
import { PersonTimeZones } from './PersonTimeZones';
import { RecordingPageStore } from './RecordingPageStore';
import { ReportedNotifications } from './ReportedNotifications';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** Saturday 7 March 2026, 23:30 UTC: 08:30 Sunday in Tokyo. */
const AT = '2026-03-07T23:30:00.000Z';

describe.each(databases.eachSupportedId())(
  'ReportedNotifications on %s',
  id => {
    let knex: Knex;
    let ledger: ReportedNotifications;

    beforeEach(async () => {
      knex = await databases.init(id);
      await migrateDatabase(knex);
      const catalog = catalogServiceMock({
        entities: [
          user('ada', {
            annotations: { 'multivac.io/timezone': 'Asia/Tokyo' },
          }),
          user('grace'),
        ],
      });
      ledger = new ReportedNotifications(knex, catalog, mockServices.auth());
    });

    const rows = async () =>
      (
        await knex('multivac_notifications')
          .select(
            'user_ref',
            'source',
            'page_id',
            'level',
            'entity_ref',
            'incident_id',
            'time_zone',
            'band',
            'local_hour',
            'notified_at',
            'interruption',
          )
          .orderBy(['notified_at', 'user_ref'])
      ).map(row => ({
        ...row,
        level: row.level === null ? null : Number(row.level),
        local_hour: Number(row.local_hour),
        notified_at: new Date(row.notified_at).toISOString(),
        interruption: Boolean(row.interruption),
      }));

    it("records a provider's page to each person in their zone, once however often it is reported", async () => {
      const triggered = {
        source: 'pagerduty',
        externalId: 'pagerduty:PINC9',
        first: true,
        at: AT,
        entityRef: 'component:default/payments-api',
        people: [
          { userRef: 'user:default/ada', timeZone: 'Europe/Berlin' },
          // No annotation: the zone the provider knows.
          { userRef: 'grace', timeZone: 'America/New_York' },
        ],
      };

      expect(await ledger.record(triggered)).toBe(2);
      expect(await ledger.record(triggered)).toBe(0);

      const common = {
        source: 'pagerduty',
        page_id: 'pagerduty:PINC9',
        level: 1,
        entity_ref: 'component:default/payments-api',
        incident_id: null,
        notified_at: AT,
        interruption: true,
      };
      expect(await rows()).toEqual([
        {
          ...common,
          user_ref: 'user:default/ada',
          time_zone: 'Asia/Tokyo',
          band: 'weekend',
          local_hour: 8,
        },
        {
          ...common,
          user_ref: 'user:default/grace',
          time_zone: 'America/New_York',
          band: 'weekend',
          local_hour: 18,
        },
      ]);
    });

    it('records escalations once per person and time, and 60 seconds apart they are one interruption', async () => {
      const escalated = (at: string) => ({
        source: 'pagerduty',
        externalId: 'pagerduty:PINC9',
        first: false,
        at,
        people: [{ userRef: 'user:default/grace' }],
      });
      await ledger.record({ ...escalated(AT), first: true });
      expect(await ledger.record(escalated('2026-03-07T23:30:40Z'))).toBe(1);
      expect(await ledger.record(escalated('2026-03-07T23:30:40Z'))).toBe(0);
      expect(await ledger.record(escalated('2026-03-07T23:45:00Z'))).toBe(1);

      expect(
        (await rows()).map(r => [
          r.level,
          r.entity_ref,
          r.time_zone,
          r.interruption,
        ]),
      ).toEqual([
        [1, 'user:default/grace', 'UTC', true],
        [null, 'user:default/grace', 'UTC', false],
        [null, 'user:default/grace', 'UTC', true],
      ]);
    });

    it("does not count again the people Multivac paged itself when its page comes back, and records on Multivac's page", async () => {
      const pages = new RecordingPageStore(
        new DatabasePageStore(knex),
        new DatabaseInsightsStore(knex),
        new PersonTimeZones(
          catalogServiceMock({ entities: [user('ada')] }),
          mockServices.auth(),
          new Map(),
        ),
      );
      const page = await pages.create(
        {
          entityRef: 'user:default/ada',
          resolvedFrom: 'user:default/ada',
          provider: 'pagerduty',
          scheduleId: 'user:default/ada',
          scheduleName: 'direct page to Ada',
          fallback: false,
          summary: 'Ledger lag',
          details: {},
          urgency: 'high',
          targets: [{ userRef: 'user:default/ada', name: 'Ada' }],
          delivery: 'sending to pagerduty',
          createdBy: 'user:default/grace',
        },
        async () => {},
      );
      expect(await rows()).toHaveLength(1);

      const back = {
        source: 'pagerduty',
        externalId: 'pagerduty:PINC1',
        dedupKey: page.dedupKey,
        at: new Date(Date.parse(page.createdAt) + 3_000).toISOString(),
        entityRef: 'component:default/payments-api',
      };
      expect(
        await ledger.record({
          ...back,
          first: true,
          people: [{ userRef: 'user:default/ada' }],
        }),
      ).toBe(0);
      // Reassigned in PagerDuty to Grace: on Multivac's page and its entity.
      expect(
        await ledger.record({
          ...back,
          first: false,
          people: [{ userRef: 'user:default/grace' }],
        }),
      ).toBe(1);

      expect(
        (await rows()).map(r => [
          r.user_ref,
          r.source,
          r.page_id,
          r.entity_ref,
        ]),
      ).toEqual([
        ['user:default/ada', 'page', page.id, 'user:default/ada'],
        ['user:default/grace', 'pagerduty', page.id, 'user:default/ada'],
      ]);
    });

    it('refuses what is not a User or not a time, naming the field', async () => {
      const notification = {
        source: 'pagerduty',
        externalId: 'pagerduty:PINC9',
        first: true,
        at: AT,
        people: [{ userRef: 'group:default/payments' }],
      };
      await expect(ledger.record(notification)).rejects.toThrow(
        "people[].userRef must be a User ref, got 'group:default/payments'",
      );
      await expect(
        ledger.record({ ...notification, at: 'yesterday', people: [] }),
      ).rejects.toThrow("at must be an ISO 8601 time, got 'yesterday'");
      expect(await rows()).toEqual([]);
    });
  },
);
