import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { transactionOf } from '../database/Transaction';
import { localMoment } from './bands';
import { DatabaseInsightsStore } from './DatabaseInsightsStore';
import { InsightsFilter } from './InsightsStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ada = 'user:default/ada.lovelace'; // Europe/Berlin
const grace = 'user:default/grace.hopper'; // America/New_York
const ken = 'user:default/ken.thompson'; // Asia/Tokyo
const paymentsApi = 'component:default/payments-api';
const ledger = 'component:default/ledger';
const cart = 'component:default/cart';
const payments = 'group:default/payments';
const storefront = 'group:default/storefront';

/** March 2026 (30 days from Sunday 1 March); the previous period is before. */
const march: InsightsFilter = {
  from: new Date('2026-03-01T00:00:00Z'),
  to: new Date('2026-03-31T00:00:00Z'),
};
const beforeMarch: InsightsFilter = {
  from: new Date('2026-01-30T00:00:00Z'),
  to: new Date('2026-03-01T00:00:00Z'),
};

/**
 * The golden fixture. Incidents (durations in seconds):
 * - I1 SEV1 payments-api, 2 Mar 10:00, resolved 11:00 (MTTR 3600); paged
 *   10:00, acknowledged 10:05 (MTTA 300); Ada controller at 10:00, Grace
 *   responder 10:20 (mobilised 1200).
 * - I2 SEV2 cart, 10 Mar 00:00, resolved 00:30 (1800); pages at 00:01 (never
 *   acknowledged) and 00:02 (acknowledged 00:03): MTTA 120 from the first
 *   page; only a controller, so no mobilisation.
 * - I3 SEV2 payments-api and cart, 20 Mar 12:00, still investigating (no
 *   MTTR); paged 12:00, acknowledged 12:10 (600); controller at 12:00,
 *   responders 12:05 and 12:30 (mobilised 1800).
 * - I4 SEV3 ledger, 25 Mar 08:00, resolved 12:00 (14400); never paged.
 * - cancelled (not counted), one at 31 Mar 00:00 (after the period), and in
 *   the previous period P1 SEV2 payments-api 10 Feb 10:00, resolved 12:00
 *   (7200), paged 10:00, acknowledged 10:10 (600).
 */
async function insertIncidents(knex: Knex) {
  let number = 0;
  async function incident(
    id: string,
    severity: string,
    entityRefs: string[],
    declared: string,
    status: string,
    resolved?: string,
  ) {
    number += 1;
    await knex('multivac_incidents').insert({
      id,
      number,
      title: id,
      severity,
      status,
      created_by: ada,
      created_at: declared,
      updated_at: declared,
      state_timestamps: JSON.stringify({
        triggered: declared,
        ...(resolved && { resolved }),
      }),
    });
    await knex('multivac_incident_entities').insert(
      entityRefs.map(entityRef => ({ incident_id: id, entity_ref: entityRef })),
    );
  }
  async function page(incidentId: string, at: string, acknowledged?: string) {
    const id = `${incidentId}-${at}`;
    await knex('multivac_pages').insert({
      id,
      entity_ref: paymentsApi,
      resolved_from: payments,
      provider: 'builtin',
      schedule_name: 'Payments primary',
      summary: incidentId,
      details: '{}',
      urgency: 'high',
      dedup_key: id,
      status: acknowledged ? 'acknowledged' : 'triggered',
      level: 1,
      targets: '[]',
      delivery: 'recorded',
      created_by: ada,
      created_at: at,
      updated_at: at,
      acknowledged_at: acknowledged ?? null,
      history: '[]',
      incident_id: incidentId,
    });
  }
  async function role(
    incidentId: string,
    userRef: string,
    name: string,
    at: string,
  ) {
    await knex('multivac_incident_roles').insert({
      incident_id: incidentId,
      role: name,
      user_ref: userRef,
      assigned_at: at,
    });
  }

  await incident(
    'I1',
    'SEV1',
    [paymentsApi],
    '2026-03-02T10:00:00.000Z',
    'resolved',
    '2026-03-02T11:00:00.000Z',
  );
  await page('I1', '2026-03-02T10:00:00.000Z', '2026-03-02T10:05:00.000Z');
  await role('I1', ada, 'controller', '2026-03-02T10:00:00.000Z');
  await role('I1', grace, 'responder', '2026-03-02T10:20:00.000Z');

  await incident(
    'I2',
    'SEV2',
    [cart],
    '2026-03-10T00:00:00.000Z',
    'resolved',
    '2026-03-10T00:30:00.000Z',
  );
  await page('I2', '2026-03-10T00:01:00.000Z');
  await page('I2', '2026-03-10T00:02:00.000Z', '2026-03-10T00:03:00.000Z');
  await role('I2', ada, 'controller', '2026-03-10T00:00:00.000Z');

  await incident(
    'I3',
    'SEV2',
    [paymentsApi, cart],
    '2026-03-20T12:00:00.000Z',
    'investigating',
  );
  await page('I3', '2026-03-20T12:00:00.000Z', '2026-03-20T12:10:00.000Z');
  await role('I3', ada, 'controller', '2026-03-20T12:00:00.000Z');
  await role('I3', grace, 'responder', '2026-03-20T12:05:00.000Z');
  await role('I3', ken, 'responder', '2026-03-20T12:30:00.000Z');
  // An observer does not count as mobilised.
  await role(
    'I3',
    'user:default/linus',
    'observer',
    '2026-03-20T13:00:00.000Z',
  );

  await incident(
    'I4',
    'SEV3',
    [ledger],
    '2026-03-25T08:00:00.000Z',
    'resolved',
    '2026-03-25T12:00:00.000Z',
  );

  await incident(
    'cancelled',
    'SEV4',
    [cart],
    '2026-03-05T09:00:00.000Z',
    'cancelled',
  );
  await incident(
    'after',
    'SEV1',
    [cart],
    '2026-03-31T00:00:00.000Z',
    'resolved',
    '2026-03-31T01:00:00.000Z',
  );

  await incident(
    'P1',
    'SEV2',
    [paymentsApi],
    '2026-02-10T10:00:00.000Z',
    'resolved',
    '2026-02-10T12:00:00.000Z',
  );
  await page('P1', '2026-02-10T10:00:00.000Z', '2026-02-10T10:10:00.000Z');
}

/**
 * Notifications, in three zones and across both daylight saving changes
 * of March 2026 (New York 8 March, Berlin 29 March):
 * - Grace (New York): Fri 6 Mar 23:30Z = 18:30 EST, evening; Sat 7 Mar
 *   04:00Z = Fri 23:00 EST, sleep; Mon 9 Mar 22:30Z = 18:30 EDT, evening
 *   (17:30, business, without the change).
 * - Ada (Berlin): Sat 14 Mar 02:00:00Z = 03:00 CET, sleep; 02:00:30Z and
 *   02:01:20Z each within 60 s of the previous one, the same interruption;
 *   02:03:00Z, sleep again (a bad night); Sun 15 Mar 12:00Z = 13:00,
 *   weekend; Mon 30 Mar 06:30Z = 08:30 CEST, business (07:30, sleep,
 *   without the change).
 * - Ken (Tokyo): Sat 28 Feb 23:59:30Z (previous period: 08:59 Sat,
 *   weekend) and 1 Mar 00:00:20Z, 50 s later, the same interruption; Tue 3
 *   Mar 01:00:00Z = 10:00, business; 01:00:59Z merged; 01:01:59Z, exactly
 *   60 s after, a new one; Sat 21 Mar 14:00Z = 23:00, sleep.
 */
const NOTIFICATIONS: Array<[string, string, string, string]> = [
  [grace, 'America/New_York', cart, '2026-03-06T23:30:00.000Z'],
  [grace, 'America/New_York', cart, '2026-03-07T04:00:00.000Z'],
  [grace, 'America/New_York', cart, '2026-03-09T22:30:00.000Z'],
  [ada, 'Europe/Berlin', paymentsApi, '2026-03-14T02:00:00.000Z'],
  [ada, 'Europe/Berlin', paymentsApi, '2026-03-14T02:00:30.000Z'],
  [ada, 'Europe/Berlin', paymentsApi, '2026-03-14T02:01:20.000Z'],
  [ada, 'Europe/Berlin', paymentsApi, '2026-03-14T02:03:00.000Z'],
  [ada, 'Europe/Berlin', paymentsApi, '2026-03-15T12:00:00.000Z'],
  [ada, 'Europe/Berlin', paymentsApi, '2026-03-30T06:30:00.000Z'],
  [ken, 'Asia/Tokyo', ledger, '2026-02-28T23:59:30.000Z'],
  [ken, 'Asia/Tokyo', ledger, '2026-03-01T00:00:20.000Z'],
  [ken, 'Asia/Tokyo', ledger, '2026-03-03T01:00:00.000Z'],
  [ken, 'Asia/Tokyo', ledger, '2026-03-03T01:00:59.000Z'],
  [ken, 'Asia/Tokyo', ledger, '2026-03-03T01:01:59.000Z'],
  [ken, 'Asia/Tokyo', ledger, '2026-03-21T14:00:00.000Z'],
];

const stats = (
  n: number,
  mean: number | null,
  p50: number | null,
  p90: number | null,
) => ({ n, mean, p50, p90 });
const none = stats(0, null, null, null);

describe.each(databases.eachSupportedId())(
  'DatabaseInsightsStore on %s',
  id => {
    let knex: Knex;
    let store: DatabaseInsightsStore;

    beforeAll(async () => {
      knex = await databases.init(id);
      await migrateDatabase(knex);
      store = new DatabaseInsightsStore(knex);
      await insertIncidents(knex);
      await store.setOwners([
        { entityRef: paymentsApi, ownerRef: payments },
        { entityRef: ledger, ownerRef: payments },
        { entityRef: cart, ownerRef: storefront },
      ]);
      await knex.transaction(tx =>
        store.recordNotifications(
          transactionOf(tx),
          NOTIFICATIONS.map(([userRef, zone, entityRef, at], i) => {
            const local = localMoment(at, zone);
            return {
              userRef,
              notifiedAt: at,
              source: 'page',
              pageId: `page-${i}`,
              level: 1,
              entityRef,
              timeZone: zone,
              localWeekday: local.weekday,
              localHour: local.hour,
              band: local.band,
            };
          }),
        ),
      );
    });

    it('computes count, MTTA, MTTR and mobilisation with mean, p50 and p90', async () => {
      expect(await store.incidentMetrics(march, { by: 'all' })).toEqual([
        {
          key: 'all',
          count: 4,
          // [120, 300, 600]: p90 at rank 1.8 = 300 + 0.8 × 300
          mtta: stats(3, 340, 300, 540),
          // [1800, 3600, 14400]: p90 = 3600 + 0.8 × 10800
          mttr: stats(3, 6600, 3600, 12240),
          // [1200, 1800]: p50 at rank 0.5, p90 at rank 0.9
          mobilise: stats(2, 1500, 1500, 1740),
        },
      ]);
      expect(await store.incidentMetrics(beforeMarch, { by: 'all' })).toEqual([
        {
          key: 'all',
          count: 1,
          mtta: stats(1, 600, 600, 600),
          mttr: stats(1, 7200, 7200, 7200),
          mobilise: none,
        },
      ]);
    });

    it('groups by owner team, service, severity and week', async () => {
      expect(await store.incidentMetrics(march, { by: 'team' })).toEqual([
        {
          key: payments, // I1, I3, I4
          count: 3,
          mtta: stats(2, 450, 450, 570),
          mttr: stats(2, 9000, 9000, 13320),
          mobilise: stats(2, 1500, 1500, 1740),
        },
        {
          key: storefront, // I2, I3
          count: 2,
          mtta: stats(2, 360, 360, 552),
          mttr: stats(1, 1800, 1800, 1800),
          mobilise: stats(1, 1800, 1800, 1800),
        },
      ]);
      const counts = async (by: 'service' | 'severity') =>
        (await store.incidentMetrics(march, { by })).map(r => [r.key, r.count]);
      expect(await counts('service')).toEqual([
        [cart, 2],
        [ledger, 1],
        [paymentsApi, 2],
      ]);
      expect(await counts('severity')).toEqual([
        ['SEV1', 1],
        ['SEV2', 2],
        ['SEV3', 1],
      ]);
      const weeks = await store.incidentMetrics(march, {
        by: 'bucket',
        seconds: 7 * 86400,
      });
      expect(weeks.map(w => [w.key, w.count, w.mttr.mean])).toEqual([
        ['0', 1, 3600],
        ['1', 1, 1800],
        ['2', 1, null],
        ['3', 1, 14400],
      ]);
    });

    it('filters by team, service and severity', async () => {
      const total = async (filter: Partial<InsightsFilter>) =>
        (await store.incidentMetrics({ ...march, ...filter }, { by: 'all' }))[0]
          ?.count ?? 0;
      expect(await total({ team: payments })).toBe(3);
      expect(await total({ team: storefront })).toBe(2);
      expect(await total({ team: 'group:default/nobody' })).toBe(0);
      expect(await total({ service: cart })).toBe(2);
      expect(await total({ severity: 'SEV2' })).toBe(2);
      expect(await total({ severity: 'SEV2', team: payments })).toBe(1);
    });

    it('counts interruptions once per 60 s, banded in each zone', async () => {
      expect(await store.interruptions(march, 'all')).toEqual([
        {
          key: 'all',
          total: 10,
          business: 3,
          evening: 2,
          sleep: 4,
          weekend: 1,
        },
      ]);
      expect(await store.interruptions(march, 'person')).toEqual([
        { key: ada, total: 4, business: 1, evening: 0, sleep: 2, weekend: 1 },
        { key: grace, total: 3, business: 0, evening: 2, sleep: 1, weekend: 0 },
        { key: ken, total: 3, business: 2, evening: 0, sleep: 1, weekend: 0 },
      ]);
      expect(await store.interruptions(beforeMarch, 'all')).toEqual([
        { key: 'all', total: 1, business: 0, evening: 0, sleep: 0, weekend: 1 },
      ]);
      expect(
        await store.interruptions({ ...march, team: payments }, 'all'),
      ).toEqual([
        { key: 'all', total: 7, business: 3, evening: 0, sleep: 3, weekend: 1 },
      ]);
      expect(
        await store.interruptions({ ...march, person: grace }, 'person'),
      ).toEqual([
        { key: grace, total: 3, business: 0, evening: 2, sleep: 1, weekend: 0 },
      ]);
    });

    it('maps interruptions by local weekday and hour', async () => {
      expect(await store.interruptionHeatmap(march)).toEqual([
        { weekday: 1, hour: 8, count: 1 },
        { weekday: 1, hour: 18, count: 1 },
        { weekday: 2, hour: 10, count: 2 },
        { weekday: 5, hour: 18, count: 1 },
        { weekday: 5, hour: 23, count: 1 },
        { weekday: 6, hour: 3, count: 2 },
        { weekday: 6, hour: 23, count: 1 },
        { weekday: 7, hour: 13, count: 1 },
      ]);
    });

    it('records each page level to a person once', async () => {
      const again = NOTIFICATIONS.slice(0, 1).map(
        ([userRef, zone, entityRef, at]) => {
          const local = localMoment(at, zone);
          return {
            userRef,
            notifiedAt: at,
            source: 'page' as const,
            pageId: 'page-0',
            level: 1,
            entityRef,
            timeZone: zone,
            localWeekday: local.weekday,
            localHour: local.hour,
            band: local.band,
          };
        },
      );
      await knex.transaction(tx =>
        store.recordNotifications(transactionOf(tx), again),
      );
      expect(await knex('multivac_notifications').count({ n: '*' })).toEqual([
        { n: id === 'POSTGRES_15' ? '15' : 15 },
      ]);
    });

    it('lists entities whose owner is unknown or stale', async () => {
      expect(
        await store.entitiesToRefresh(
          beforeMarch.from,
          march.to,
          new Date('2020-01-01T00:00:00Z'),
        ),
      ).toEqual([]);
      expect(
        await store.entitiesToRefresh(
          march.from,
          march.to,
          new Date(Date.now() + 60_000),
        ),
      ).toEqual([cart, ledger, paymentsApi]);
    });

    if (id === 'POSTGRES_15') {
      it('gives the same percentiles with percentile_cont and window ranks', async () => {
        const windowed = new DatabaseInsightsStore(knex, {
          percentiles: 'window',
        });
        for (const by of ['all', 'team', 'service', 'severity'] as const) {
          expect(await windowed.incidentMetrics(march, { by })).toEqual(
            await store.incidentMetrics(march, { by }),
          );
        }
      });
    } else {
      it('refuses percentile_cont without PostgreSQL', () => {
        expect(
          () =>
            new DatabaseInsightsStore(knex, { percentiles: 'percentile_cont' }),
        ).toThrow('percentile_cont needs PostgreSQL');
      });
    }
  },
);

/**
 * The facts and interruption flags the queries read are kept by triggers
 * (migration 20261205030000_insights_facts): whatever order changes come
 * in, and however transactions interleave, the figures are those of the
 * rows as they are.
 */
describe.each(databases.eachSupportedId())(
  'DatabaseInsightsStore upkeep on %s',
  id => {
    let knex: Knex;
    let store: DatabaseInsightsStore;
    const day: InsightsFilter = {
      from: new Date('2026-05-04T00:00:00Z'),
      to: new Date('2026-05-05T00:00:00Z'),
    };

    beforeEach(async () => {
      knex = await databases.init(id);
      await migrateDatabase(knex);
      store = new DatabaseInsightsStore(knex);
    });

    const declare = (db: Knex, incidentId: string, number: number) =>
      db('multivac_incidents').insert({
        id: incidentId,
        number,
        title: incidentId,
        severity: 'SEV2',
        status: 'investigating',
        created_by: ada,
        created_at: '2026-05-04T10:00:00.000Z',
        updated_at: '2026-05-04T10:00:00.000Z',
        state_timestamps: JSON.stringify({
          triggered: '2026-05-04T10:00:00.000Z',
        }),
      });
    const page = (db: Knex, incidentId: string, pageId: string, at: string) =>
      db('multivac_pages').insert({
        id: pageId,
        entity_ref: paymentsApi,
        resolved_from: payments,
        provider: 'builtin',
        schedule_name: 'Payments primary',
        summary: incidentId,
        details: '{}',
        urgency: 'high',
        dedup_key: pageId,
        status: 'triggered',
        level: 1,
        targets: '[]',
        delivery: 'recorded',
        created_by: ada,
        created_at: at,
        updated_at: at,
        history: '[]',
        incident_id: incidentId,
      });
    const role = (db: Knex, incidentId: string, userRef: string, at: string) =>
      db('multivac_incident_roles').insert({
        incident_id: incidentId,
        role: userRef === ada ? 'controller' : 'responder',
        user_ref: userRef,
        assigned_at: at,
      });
    const metrics = async () =>
      (await store.incidentMetrics(day, { by: 'all' }))[0];

    it('follows acknowledgements, people joining, resolution and deletion', async () => {
      await declare(knex, 'I1', 1);
      await page(knex, 'I1', 'I1-a', '2026-05-04T10:01:00.000Z');
      await role(knex, 'I1', ada, '2026-05-04T10:00:00.000Z');
      expect(await metrics()).toEqual({
        key: 'all',
        count: 1,
        mtta: none,
        mttr: none,
        mobilise: none,
      });

      await knex('multivac_pages')
        .where({ id: 'I1-a' })
        .update({ acknowledged_at: '2026-05-04T10:04:00.000Z' });
      await role(knex, 'I1', grace, '2026-05-04T10:10:00.000Z');
      await knex('multivac_incidents')
        .where({ id: 'I1' })
        .update({
          status: 'resolved',
          state_timestamps: JSON.stringify({
            triggered: '2026-05-04T10:00:00.000Z',
            resolved: '2026-05-04T11:00:00.000Z',
          }),
        });
      expect(await metrics()).toEqual({
        key: 'all',
        count: 1,
        mtta: stats(1, 180, 180, 180),
        mttr: stats(1, 3600, 3600, 3600),
        mobilise: stats(1, 600, 600, 600),
      });

      // An earlier page, then Grace leaving: MTTA from the first page, and
      // one person is not a mobilisation.
      await page(knex, 'I1', 'I1-b', '2026-05-04T10:00:00.000Z');
      await knex('multivac_incident_roles')
        .where({ incident_id: 'I1', user_ref: grace })
        .delete();
      expect(await metrics()).toEqual({
        key: 'all',
        count: 1,
        mtta: stats(1, 240, 240, 240),
        mttr: stats(1, 3600, 3600, 3600),
        mobilise: none,
      });

      await knex('multivac_pages').where({ incident_id: 'I1' }).delete();
      await knex('multivac_incidents').where({ id: 'I1' }).delete();
      expect(await store.incidentMetrics(day, { by: 'all' })).toEqual([]);
      expect(await knex('multivac_incident_facts')).toEqual([]);
    });

    // Migration 20261206030000_insights_rollups: by service and by team read
    // each incident's facts copied per entity.
    it('follows the entities an incident names, by service and by team', async () => {
      await store.setOwners([
        { entityRef: paymentsApi, ownerRef: payments },
        { entityRef: cart, ownerRef: storefront },
      ]);
      await declare(knex, 'I1', 1);
      await page(knex, 'I1', 'I1-a', '2026-05-04T10:01:00.000Z');
      await knex('multivac_incident_entities').insert([
        { incident_id: 'I1', entity_ref: paymentsApi },
        { incident_id: 'I1', entity_ref: cart },
      ]);
      const keyed = async (by: 'service' | 'team') =>
        (await store.incidentMetrics(day, { by })).map(m => [
          m.key,
          m.count,
          m.mtta.mean,
        ]);
      expect(await keyed('service')).toEqual([
        [cart, 1, null],
        [paymentsApi, 1, null],
      ]);
      expect(await keyed('team')).toEqual([
        [payments, 1, null],
        [storefront, 1, null],
      ]);

      // The facts change (acknowledged after 3 minutes): every entity's copy.
      await knex('multivac_pages')
        .where({ id: 'I1-a' })
        .update({ acknowledged_at: '2026-05-04T10:04:00.000Z' });
      expect(await keyed('service')).toEqual([
        [cart, 1, 180],
        [paymentsApi, 1, 180],
      ]);

      // An entity removed, one renamed (no owner known: the empty team).
      await knex('multivac_incident_entities')
        .where({ incident_id: 'I1', entity_ref: cart })
        .delete();
      expect(await keyed('team')).toEqual([[payments, 1, 180]]);
      await knex('multivac_incident_entities')
        .where({ incident_id: 'I1', entity_ref: paymentsApi })
        .update({ entity_ref: ledger });
      expect(await keyed('service')).toEqual([[ledger, 1, 180]]);
      expect(await keyed('team')).toEqual([['', 1, 180]]);

      // Two entities of one team count the incident once for it.
      await store.setOwners([{ entityRef: ledger, ownerRef: payments }]);
      await knex('multivac_incident_entities').insert({
        incident_id: 'I1',
        entity_ref: paymentsApi,
      });
      expect(await keyed('team')).toEqual([[payments, 1, 180]]);

      await knex('multivac_pages').where({ incident_id: 'I1' }).delete();
      await knex('multivac_incidents').where({ id: 'I1' }).delete();
      expect(await keyed('service')).toEqual([]);
      expect(await knex('multivac_incident_entity_facts')).toEqual([]);
    });

    // Migration 20261206030000_insights_rollups: by person adds whole UTC
    // days from multivac_interruption_person_days.
    it('counts interruptions by person from whole days as notifications move, change band or go', async () => {
      /** From noon on 3 May (part day) over 4 May to noon on 5 May (part day). */
      const days: InsightsFilter = {
        from: new Date('2026-05-03T12:00:00Z'),
        to: new Date('2026-05-05T12:00:00Z'),
      };
      const notification = (
        pageId: string,
        userRef: string,
        notifiedAt: string,
        band: 'business' | 'evening' | 'sleep' | 'weekend',
      ) => ({
        userRef,
        notifiedAt,
        source: 'page' as const,
        pageId,
        level: 1,
        entityRef: paymentsApi,
        timeZone: 'UTC',
        localWeekday: 1,
        localHour: 0,
        band,
      });
      await knex.transaction(tx =>
        store.recordNotifications(transactionOf(tx), [
          notification('n1', ada, '2026-05-04T10:00:00.000Z', 'business'),
          // 30 s after n1: the same interruption.
          notification('n2', ada, '2026-05-04T10:00:30.000Z', 'business'),
          notification('n3', ada, '2026-05-05T03:00:00.000Z', 'sleep'),
          notification('n4', grace, '2026-05-04T23:00:00.000Z', 'evening'),
          notification('n5', grace, '2026-05-03T13:00:00.000Z', 'weekend'),
          // Before the period.
          notification('n6', grace, '2026-05-03T11:00:00.000Z', 'weekend'),
        ]),
      );
      const counts = (
        key: string,
        total: number,
        bands: Partial<
          Record<'business' | 'evening' | 'sleep' | 'weekend', number>
        >,
      ) => ({
        key,
        total,
        business: 0,
        evening: 0,
        sleep: 0,
        weekend: 0,
        ...bands,
      });
      const byPerson = async () => {
        const rows = await store.interruptions(days, 'person');
        const [all] = await store.interruptions(days, 'all');
        expect(rows.reduce((sum, r) => sum + r.total, 0)).toBe(all.total);
        return rows;
      };
      expect(await byPerson()).toEqual([
        counts(ada, 2, { business: 1, sleep: 1 }),
        counts(grace, 2, { evening: 1, weekend: 1 }),
      ]);

      // n1 was Grace's: n2 now starts Ada's interruption.
      await knex('multivac_notifications')
        .where({ page_id: 'n1' })
        .update({ user_ref: grace });
      expect(await byPerson()).toEqual([
        counts(grace, 3, { business: 1, evening: 1, weekend: 1 }),
        counts(ada, 2, { business: 1, sleep: 1 }),
      ]);

      // n3 a day earlier (now in the whole day), n4 banded again, n2 gone.
      await knex('multivac_notifications')
        .where({ page_id: 'n3' })
        .update({ notified_at: '2026-05-04T03:00:00.000Z' });
      await knex('multivac_notifications')
        .where({ page_id: 'n4' })
        .update({ band: 'sleep' });
      await knex('multivac_notifications').where({ page_id: 'n2' }).delete();
      expect(await byPerson()).toEqual([
        counts(grace, 3, { business: 1, sleep: 1, weekend: 1 }),
        counts(ada, 1, { sleep: 1 }),
      ]);
      expect(
        await store.interruptions({ ...days, person: ada }, 'person'),
      ).toEqual([counts(ada, 1, { sleep: 1 })]);
    });

    it('keeps the figures when the rollups migration goes down and up again', async () => {
      await insertIncidents(knex);
      await store.setOwners([
        { entityRef: paymentsApi, ownerRef: payments },
        { entityRef: cart, ownerRef: storefront },
        { entityRef: ledger, ownerRef: payments },
      ]);
      await knex.transaction(tx =>
        store.recordNotifications(
          transactionOf(tx),
          [0, 1, 2, 3].map(i => ({
            userRef: i % 2 ? ada : grace,
            notifiedAt: new Date(
              Date.parse('2026-03-02T10:00:00Z') + i * 86_400_000,
            ).toISOString(),
            source: 'page' as const,
            pageId: `p-${i}`,
            level: 1,
            entityRef: paymentsApi,
            timeZone: 'UTC',
            localWeekday: 1,
            localHour: 10,
            band: 'business' as const,
          })),
        ),
      );
      const figures = async () => ({
        service: await store.incidentMetrics(march, { by: 'service' }),
        team: await store.incidentMetrics(march, { by: 'team' }),
        person: await store.interruptions(march, 'person'),
      });
      const before = await figures();
      expect(before.service).toHaveLength(3);
      expect(before.person).toHaveLength(2);
      const migrations = {
        directory: resolvePackagePath(
          '@multivac/plugin-multivac-backend',
          'migrations',
        ),
        tableName: 'multivac_knex_migrations',
      };
      await knex.migrate.down({
        ...migrations,
        name: '20261206030000_insights_rollups.js',
      });
      expect(await knex.schema.hasTable('multivac_incident_entity_facts')).toBe(
        false,
      );
      expect(
        await knex.schema.hasTable('multivac_interruption_person_days'),
      ).toBe(false);
      // Changes while it is down are picked up when it comes back.
      await knex('multivac_incident_entities').insert({
        incident_id: 'I4',
        entity_ref: cart,
      });
      await migrateDatabase(knex);
      const after = await figures();
      expect(after.person).toEqual(before.person);
      const team = (of: typeof before, key: string) =>
        of.team.find(t => t.key === key);
      expect(team(after, payments)).toEqual(team(before, payments));
      expect(team(before, storefront)?.count).toBe(2);
      expect(team(after, storefront)?.count).toBe(3);
      expect(after.service.map(s => [s.key, s.count])).toEqual([
        [cart, 3],
        [ledger, 1],
        [paymentsApi, 2],
      ]);
    });

    it('lists entities with an unknown or stale owner only when named in the period', async () => {
      await declare(knex, 'I1', 1);
      await knex('multivac_incident_entities').insert({
        incident_id: 'I1',
        entity_ref: cart,
      });
      await knex.transaction(tx =>
        store.recordNotifications(transactionOf(tx), [
          {
            userRef: ken,
            notifiedAt: '2026-05-04T12:00:00.000Z',
            source: 'page',
            pageId: 'p-1',
            level: 1,
            entityRef: ledger,
            timeZone: 'UTC',
            localWeekday: 1,
            localHour: 12,
            band: 'business',
          },
        ]),
      );
      const longAgo = new Date('2020-01-01T00:00:00Z');
      expect(await store.entitiesToRefresh(day.from, day.to, longAgo)).toEqual([
        cart,
        ledger,
      ]);
      expect(
        await store.entitiesToRefresh(
          day.to,
          new Date('2026-05-06T00:00:00Z'),
          longAgo,
        ),
      ).toEqual([]);
      await store.setOwners([{ entityRef: cart, ownerRef: storefront }]);
      expect(await store.entitiesToRefresh(day.from, day.to, longAgo)).toEqual([
        ledger,
      ]);
      expect(
        await store.entitiesToRefresh(
          day.from,
          day.to,
          new Date(Date.now() + 60_000),
        ),
      ).toEqual([cart, ledger]);
    });

    it('counts interruptions from the notifications as they are, in any order of arrival', async () => {
      // 120 notifications to three people within three hours, at whole
      // seconds (no ties), recorded in a scrambled order over several
      // transactions; then every seventh is deleted.
      const people = [ada, grace, ken];
      const at = (i: number) =>
        new Date(
          Date.parse('2026-05-04T10:00:00Z') + ((i * 7919) % 10800) * 1000,
        ).toISOString();
      const all = Array.from({ length: 120 }, (_, i) => ({
        userRef: people[i % 3],
        notifiedAt: at(i),
        source: 'page' as const,
        pageId: `p-${i}`,
        level: 1,
        entityRef: paymentsApi,
        timeZone: 'UTC',
        localWeekday: 1,
        localHour: Number(at(i).slice(11, 13)),
        band: 'business' as const,
      }));
      const scrambled = [...all].sort(
        (a, b) =>
          ((Number(a.pageId.slice(2)) * 37) % 120) -
          ((Number(b.pageId.slice(2)) * 37) % 120),
      );
      const batches = Array.from({ length: 5 }, (_, b) =>
        scrambled.slice(b * 24, b * 24 + 24),
      );
      const recorder = store;
      for (const batch of batches) {
        await knex.transaction(tx =>
          recorder.recordNotifications(transactionOf(tx), batch),
        );
      }
      /** Part hours: the first and last read the notifications. */
      const window = {
        from: new Date('2026-05-04T10:17:13Z'),
        to: new Date('2026-05-04T12:42:05Z'),
      };
      /** By the definition: > 60 s after the person's previous one. */
      const starts = (kept: typeof all, person: string) => {
        const times = kept
          .filter(n => n.userRef === person)
          .map(n => Date.parse(n.notifiedAt))
          .sort((a, b) => a - b);
        return times.filter((t, i) => i === 0 || t - times[i - 1] >= 60_000);
      };
      const inWindow = (kept: typeof all) =>
        people
          .flatMap(person => starts(kept, person))
          .filter(t => t >= window.from.getTime() && t < window.to.getTime())
          .length;
      const expected = (kept: typeof all) =>
        people.map(person => starts(kept, person).length);
      const counted = async () => {
        const rows = await store.interruptions(day, 'person');
        return people.map(p => rows.find(r => r.key === p)?.total ?? 0);
      };
      /** Company-wide (hour counts) and by person (notifications) agree. */
      const countedInWindow = async () => {
        const [total] = await store.interruptions(window, 'all');
        const byPerson = await store.interruptions(window, 'person');
        const heatmap = await store.interruptionHeatmap(window);
        expect(byPerson.reduce((sum, p) => sum + p.total, 0)).toBe(total.total);
        expect(heatmap.reduce((sum, h) => sum + h.count, 0)).toBe(total.total);
        return total.total;
      };
      const before = expected(all);
      // The fixture merges some: fewer interruptions than notifications.
      expect(before.reduce((a, b) => a + b)).toBeLessThan(120);
      expect(await counted()).toEqual(before);
      expect(await countedInWindow()).toBe(inWindow(all));

      const gone = all.filter((_, i) => i % 7 === 0).map(n => n.pageId);
      await knex('multivac_notifications').whereIn('page_id', gone).delete();
      const after = expected(all.filter(n => !gone.includes(n.pageId)));
      expect(after).not.toEqual(before);
      expect(await counted()).toEqual(after);
      expect(await countedInWindow()).toBe(
        inWindow(all.filter(n => !gone.includes(n.pageId))),
      );
    });

    if (id === 'POSTGRES_15') {
      it('sees the other transaction when two change one incident or one person at once', async () => {
        await declare(knex, 'I1', 1);
        await page(knex, 'I1', 'I1-a', '2026-05-04T10:01:00.000Z');
        await role(knex, 'I1', ada, '2026-05-04T10:00:00.000Z');
        const notification = (pageId: string, notifiedAt: string) => ({
          userRef: ada,
          notifiedAt,
          source: 'page' as const,
          pageId,
          level: 1,
          entityRef: paymentsApi,
          timeZone: 'UTC',
          localWeekday: 1,
          localHour: 10,
          band: 'business' as const,
        });

        // First transaction: an acknowledgement and a notification, left open.
        const first = await knex.transaction();
        await first('multivac_pages')
          .where({ id: 'I1-a' })
          .update({ acknowledged_at: '2026-05-04T10:04:00.000Z' });
        await store.recordNotifications(transactionOf(first), [
          notification('n-1', '2026-05-04T10:00:30.000Z'),
        ]);
        // Second: Grace joins, and a notification 30 s before the first one's.
        const second = knex.transaction(async tx => {
          await role(tx, 'I1', grace, '2026-05-04T10:10:00.000Z');
          await store.recordNotifications(transactionOf(tx), [
            notification('n-2', '2026-05-04T10:00:00.000Z'),
          ]);
        });
        await new Promise(resolve => setTimeout(resolve, 200));
        await first.commit();
        await second;

        expect(await metrics()).toEqual({
          key: 'all',
          count: 1,
          mtta: stats(1, 180, 180, 180),
          mttr: none,
          mobilise: stats(1, 600, 600, 600),
        });
        expect(await store.interruptions(day, 'all')).toEqual([
          {
            key: 'all',
            total: 1,
            business: 1,
            evening: 0,
            sleep: 0,
            weekend: 0,
          },
        ]);
      });
    }
  },
);
