import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { ScheduleDefinition } from '../oncall/schedule';
import { DatabaseOverrideStore } from '../oncall/OverrideStore';
import { localMoment } from './bands';
import { gini, nightsIn, OnCallLoadService } from './OnCallLoadService';
import { OnCallLoadStore } from './OnCallLoadStore';
import { InsightsScope } from './InsightsService';
import { OnCallLoad } from '@multivac/plugin-multivac-common';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ada = 'user:default/ada.lovelace'; // Europe/Berlin
const alan = 'user:default/alan.turing'; // Europe/London
const grace = 'user:default/grace.hopper'; // America/New_York
const ken = 'user:default/ken.thompson'; // Asia/Tokyo
const ZONES: Record<string, string> = {
  [ada]: 'Europe/Berlin',
  [alan]: 'Europe/London',
  [grace]: 'America/New_York',
  [ken]: 'Asia/Tokyo',
};

/**
 * The golden fixture: the week from Friday 27 March 2026 00:00 UTC to
 * Friday 3 April 00:00 UTC, over Europe's change to summer time (Sunday
 * 29 March 01:00 UTC).
 *
 * `eu` (Europe/Berlin): daily hand-off at 09:00 between Alan and Ada (turn
 * k starts 1 March + k days; 27 March is Ada's). Shifts in UTC:
 * - Alan 27 00:00–08:00 (8 h, cut at the period's start), 28 08:00–29 07:00
 *   (23 h: 09:00 CET to 09:00 CEST), 30 07:00–31 07:00 (24 h),
 *   1 Apr 07:00–2 Apr 07:00 (24 h): 79 h in 4 shifts;
 * - Ada 27 08:00–28 08:00 (24 h), 29 07:00–30 07:00 (24 h), 31 07:00–12:00
 *   (5 h), 1 Apr 00:00–07:00 (7 h), 2 Apr 07:00–3 Apr 00:00 (17 h, cut at
 *   the end): 77 h in 5 shifts;
 * - Grace, by override, 31 12:00–1 Apr 00:00: 12 h in 1 shift. 168 h in all.
 *
 * `tokyo` (Asia/Tokyo): Ken alone, all week: one 168-hour shift, cut into
 * fourteen 12-hour pieces from 27 March 00:00 UTC.
 */
const schedules: ScheduleDefinition[] = [
  {
    id: 'eu',
    name: 'EU primary',
    timeZone: 'Europe/Berlin',
    layers: [
      {
        name: 'daily',
        members: [ada, alan],
        rotation: { type: 'daily' },
        handoffTime: '09:00',
        start: '2026-03-01',
      },
    ],
    overrides: [
      {
        userRef: grace,
        start: '2026-03-31T14:00:00+02:00',
        end: '2026-04-01T02:00:00+02:00',
      },
    ],
  },
  {
    id: 'tokyo',
    name: 'Tokyo',
    timeZone: 'Asia/Tokyo',
    layers: [
      {
        name: 'always',
        members: [ken],
        rotation: { type: 'daily' },
        handoffTime: '09:00',
        start: '2026-03-01',
      },
    ],
  },
];

const from = new Date('2026-03-27T00:00:00Z');
const to = new Date('2026-04-03T00:00:00Z');

/**
 * The ledger (times UTC; local time in brackets):
 *
 * Alan (London, on call on `eu` at each):
 * - 27 Mar 02:00, 02:20, 02:50 (I6), 03:10, 03:40, 04:05 (I7) [GMT, the
 *   night of Thursday 26]: 6 interruptions, 2 bursts (02:00–02:50, then
 *   from 03:10: 03:10–04:05 is 55 minutes), 1 bad night (26 March).
 *   The shift's single 8-hour piece has 2 incidents: no breach.
 * - 27 Mar 12:00 (I7): in Ada's shift, not counted for Alan.
 * - 28 Mar 23:30 (I8), 29 Mar 01:30 (page A, no incident) and 01:30:30
 *   (page A's level 2: within 60 s, the same interruption), 06:30 (I9)
 *   [23:30 GMT, 02:30 BST, 07:30 BST: the night of Saturday 28]: 3
 *   interruptions, 1 bad night (a weekend night). The 23-hour shift's
 *   second 12-hour piece (28 20:00–29 07:00) has 3 incidents (I8, page A,
 *   I9): 1 breach.
 * Alan: 9 interruptions in 4 shifts (2.25, most 6), 2 bursts, 2 bad
 * nights, 1 breach.
 *
 * Ada (Berlin): 29 Mar 21:30 (23:30 CEST, night of 29) and 30 Mar 06:30
 * (08:30 CEST: not sleep, though 07:30 under winter time would be): 2
 * interruptions in 5 shifts (0.4, most 2), no bad night. 31 Mar 13:00:
 * Grace's override, not counted for Ada.
 *
 * Grace (New York): 31 Mar 13:00 (I11) and 23:00 (I12), in her override: 2
 * interruptions in 1 shift.
 *
 * Ken (Tokyo): 27 Mar 10:00 (I1), 10:30 (I2), 11:00 (I3) [19:00–20:00
 * JST]: a burst (exactly 60 minutes) and 3 incidents in the piece 00:00–
 * 12:00: 1 breach. 14:00, 14:30 (I4; and its level 2 at 14:30:20, within
 * 60 s), 15:00:01 (page X, no incident) [23:00, 23:30, 00:00:01 JST on
 * the 28th]: no burst (60 minutes 1 second), 2 incidents in the piece
 * 12:00–24:00 (no breach), and a bad night dated 27 March (the night
 * belongs to the date it starts on). 28 Mar 13:30 and 20:00 (I5) [Saturday
 * 22:30 and Sunday 05:00 JST]: a bad weekend night. Ken: 8 interruptions,
 * 1 burst, 2 bad nights, 1 breach.
 */
const LEDGER: Array<[string, string, string, string | null, number?]> = [
  [alan, '2026-03-27T02:00:00Z', 'p1', 'I6'],
  [alan, '2026-03-27T02:20:00Z', 'p2', 'I6'],
  [alan, '2026-03-27T02:50:00Z', 'p3', 'I6'],
  [alan, '2026-03-27T03:10:00Z', 'p4', 'I7'],
  [alan, '2026-03-27T03:40:00Z', 'p5', 'I7'],
  [alan, '2026-03-27T04:05:00Z', 'p6', 'I7'],
  [alan, '2026-03-27T12:00:00Z', 'p7', 'I7'],
  [alan, '2026-03-28T23:30:00Z', 'p8', 'I8'],
  [alan, '2026-03-29T01:30:00Z', 'pA', null],
  [alan, '2026-03-29T01:30:30Z', 'pA', null, 2],
  [alan, '2026-03-29T06:30:00Z', 'p9', 'I9'],
  [ada, '2026-03-29T21:30:00Z', 'p10', 'I10'],
  [ada, '2026-03-30T06:30:00Z', 'p11', 'I10'],
  [ada, '2026-03-31T13:00:00Z', 'p12', 'I11'],
  [grace, '2026-03-31T13:00:00Z', 'p12', 'I11'],
  [grace, '2026-03-31T23:00:00Z', 'p13', 'I12'],
  [ken, '2026-03-27T10:00:00Z', 'k1', 'I1'],
  [ken, '2026-03-27T10:30:00Z', 'k2', 'I2'],
  [ken, '2026-03-27T11:00:00Z', 'k3', 'I3'],
  [ken, '2026-03-27T14:00:00Z', 'k4', 'I4'],
  [ken, '2026-03-27T14:30:00Z', 'k5', 'I4'],
  [ken, '2026-03-27T14:30:20Z', 'k5', 'I4', 2],
  [ken, '2026-03-27T15:00:01Z', 'kX', null],
  [ken, '2026-03-28T13:30:00Z', 'k6', 'I5'],
  [ken, '2026-03-28T20:00:00Z', 'k7', 'I5'],
  // Before the period (not counted) and after it.
  [ken, '2026-03-26T23:59:00Z', 'k0', 'I0'],
  [ken, '2026-04-03T00:00:00Z', 'k8', 'I13'],
];

async function insertLedger(knex: Knex) {
  await knex('multivac_notifications').insert(
    LEDGER.map(([userRef, at, pageId, incidentId, level = 1]) => {
      const local = localMoment(at, ZONES[userRef]);
      return {
        user_ref: userRef,
        notified_at: new Date(at).toISOString(),
        source: 'page',
        page_id: pageId,
        level,
        incident_id: incidentId,
        entity_ref: 'component:default/api',
        time_zone: ZONES[userRef],
        local_weekday: local.weekday,
        local_hour: local.hour,
        band: local.band,
      };
    }),
  );
}

const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: 'eu',
        annotations: { 'multivac.io/oncall-schedule': 'eu' },
      },
      spec: { type: 'team', children: [] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'apac' },
      spec: { type: 'team', children: [] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'tokyo-api',
        annotations: { 'multivac.io/oncall-schedule': 'tokyo' },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'apac' },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/apac' }],
    },
    ...[ada, alan, grace, ken].map(ref => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: ref.split('/')[1] },
      spec: { profile: { displayName: ref.split('/')[1].toUpperCase() } },
    })),
  ],
});

function scope(extra: Partial<InsightsScope> = {}): InsightsScope {
  return {
    current: { from, to },
    previous: { from: new Date(+from - 7 * 86_400_000), to: from },
    bucketSeconds: 86_400,
    ...extra,
  };
}

describe('gini and nights', () => {
  it('computes the Gini coefficient by hand', () => {
    expect(gini([9, 2, 2])).toBe(0.359); // 28 / (2 · 3 · 13)
    expect(gini([5, 5])).toBe(0);
    expect(gini([4, 0, 0, 0])).toBe(0.75);
    expect(gini([0, 0])).toBeNull();
    expect(gini([])).toBeNull();
  });

  it('dates each night by its evening and follows daylight saving', () => {
    const nights = nightsIn(
      'Europe/Berlin',
      new Date('2026-03-28T12:00:00Z'),
      new Date('2026-03-29T12:00:00Z'),
    );
    expect(
      nights.map(n => [n.night, n.start.toISOString(), n.end.toISOString()]),
    ).toEqual([
      // 22:00 CET to 08:00 CEST: nine hours.
      ['2026-03-28', '2026-03-28T21:00:00.000Z', '2026-03-29T06:00:00.000Z'],
    ]);
  });
});

describe.each(databases.eachSupportedId())(
  'OnCallLoadService on %p',
  databaseId => {
    let service: OnCallLoadService;
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      await insertLedger(knex);
      service = new OnCallLoadService({
        store: new OnCallLoadStore(knex),
        schedules,
        catalog,
        auth: mockServices.auth(),
      });
    });

    it('gives the golden figures of every schedule', async () => {
      const load = await service.load(scope());
      expect(load.period).toEqual({
        from: '2026-03-27T00:00:00.000Z',
        to: '2026-04-03T00:00:00.000Z',
      });
      expect(load.schedules).toEqual([
        {
          id: 'eu',
          name: 'EU primary',
          timeZone: 'Europe/Berlin',
          hours: 168,
          interruptions: 13,
          people: 3,
          gini: 0.359,
          persons: [
            {
              scheduleId: 'eu',
              userRef: alan,
              name: 'ALAN.TURING',
              hours: 79,
              shifts: 4,
              interruptions: 9,
              interruptionsPerShift: 2.25,
              maxPerShift: 6,
              bursts: 2,
              badNights: 2,
              sreBreaches: 1,
              hoursShare: 0.4702,
              interruptionsShare: 0.6923,
              evenShare: 0.3333,
            },
            {
              scheduleId: 'eu',
              userRef: ada,
              name: 'ADA.LOVELACE',
              hours: 77,
              shifts: 5,
              interruptions: 2,
              interruptionsPerShift: 0.4,
              maxPerShift: 2,
              bursts: 0,
              badNights: 0,
              sreBreaches: 0,
              hoursShare: 0.4583,
              interruptionsShare: 0.1538,
              evenShare: 0.3333,
            },
            {
              scheduleId: 'eu',
              userRef: grace,
              name: 'GRACE.HOPPER',
              hours: 12,
              shifts: 1,
              interruptions: 2,
              interruptionsPerShift: 2,
              maxPerShift: 2,
              bursts: 0,
              badNights: 0,
              sreBreaches: 0,
              hoursShare: 0.0714,
              interruptionsShare: 0.1538,
              evenShare: 0.3333,
            },
          ],
        },
        {
          id: 'tokyo',
          name: 'Tokyo',
          timeZone: 'Asia/Tokyo',
          hours: 168,
          interruptions: 8,
          people: 1,
          gini: 0,
          persons: [
            {
              scheduleId: 'tokyo',
              userRef: ken,
              name: 'KEN.THOMPSON',
              hours: 168,
              shifts: 1,
              interruptions: 8,
              interruptionsPerShift: 8,
              maxPerShift: 8,
              bursts: 1,
              badNights: 2,
              sreBreaches: 1,
              hoursShare: 1,
              interruptionsShare: 1,
              evenShare: 1,
            },
          ],
        },
      ]);
    });

    it("takes a team's schedules from the Group and what it owns, and one person's rows", async () => {
      const eu = await service.load(scope({ team: 'group:default/eu' }));
      expect(eu.schedules.map(s => s.id)).toEqual(['eu']);
      const apac = await service.load(scope({ team: 'group:default/apac' }));
      expect(apac.schedules.map(s => s.id)).toEqual(['tokyo']);

      const own = await service.load(scope({ person: grace }));
      expect(
        own.schedules.map(s => [s.id, s.persons.map(p => p.userRef)]),
      ).toEqual([
        ['eu', [grace]],
        ['tokyo', []],
      ]);
      // The schedule's figures still cover everyone on it.
      expect(own.schedules[0].interruptions).toBe(13);
    });

    it('gives what a fresh service gives as the period ends later and pages arrive', async () => {
      const fresh = () =>
        new OnCallLoadService({
          store: new OnCallLoadStore(knex),
          schedules,
          catalog,
          auth: mockServices.auth(),
        });
      const ending = (hours: number) =>
        scope({
          current: { from, to: new Date(+to + hours * 3_600_000) },
        });
      const kenOf = (load: OnCallLoad) =>
        load.schedules[1].persons[0].interruptions;
      // 0 h: the golden week; 1 h: Ken's 00:00 (I13) counts too.
      expect(kenOf(await service.load(ending(0)))).toBe(8);
      expect(kenOf(await service.load(ending(1)))).toBe(9);
      await knex('multivac_notifications').insert({
        user_ref: ken,
        notified_at: '2026-04-03T01:30:00.000Z',
        source: 'page',
        page_id: 'k9',
        level: 1,
        incident_id: 'I14',
        entity_ref: 'component:default/api',
        time_zone: ZONES[ken],
        ...(({ weekday, hour, band }) => ({
          local_weekday: weekday,
          local_hour: hour,
          band,
        }))(localMoment('2026-04-03T01:30:00Z', ZONES[ken])),
      });
      try {
        for (const hours of [1, 2, 3]) {
          const load = await service.load(ending(hours));
          expect(load).toEqual(await fresh().load(ending(hours)));
          expect(kenOf(load)).toBe(hours === 1 ? 9 : 10);
        }
      } finally {
        await knex('multivac_notifications').where({ page_id: 'k9' }).delete();
      }
      expect(await service.load(ending(3))).toEqual(
        await fresh().load(ending(3)),
      );
    });

    it('gives what a fresh service gives as the period moves on', async () => {
      const fresh = new OnCallLoadService({
        store: new OnCallLoadStore(knex),
        schedules,
        catalog,
        auth: mockServices.auth(),
      });
      // Across Alan's night of 27 March (02:00-04:05) and the pieces' ends.
      for (const minutes of [0, 30, 90, 120, 121, 300, 301, 1080, 1081]) {
        const moved = scope({
          current: {
            from: new Date(+from + minutes * 60_000),
            to: new Date(+to + minutes * 60_000),
          },
        });
        // A fresh service each time: nothing kept.
        const expected = await new OnCallLoadService({
          store: new OnCallLoadStore(knex),
          schedules,
          catalog,
          auth: mockServices.auth(),
        }).load(moved);
        expect(await fresh.load(moved)).toEqual(expected);
      }
    });

    it('cuts the 12-hour pieces from where the period starts, as it moves', async () => {
      const solo = 'user:default/solo';
      const schedule: ScheduleDefinition = {
        id: 'solo',
        name: 'Solo',
        timeZone: 'UTC',
        layers: [
          {
            name: 'always',
            members: [solo],
            rotation: { type: 'weekly', handoffDay: 'monday' },
            handoffTime: '00:00',
            start: '2026-05-04',
          },
        ],
      };
      // Three incidents from 12:05 to 12:40: in the second piece from
      // 00:00, but 12:05 is in the first piece from 00:10.
      await knex('multivac_notifications').insert(
        ['12:05', '12:20', '12:40'].map((time, k) => ({
          user_ref: solo,
          notified_at: `2026-05-10T${time}:00.000Z`,
          source: 'page',
          page_id: `solo${k}`,
          level: 1,
          incident_id: `S${k}`,
          entity_ref: 'component:default/api',
          time_zone: 'UTC',
          local_weekday: 7,
          local_hour: 12,
          band: 'weekend',
        })),
      );
      const soloService = new OnCallLoadService({
        store: new OnCallLoadStore(knex),
        schedules: [schedule],
        catalog,
        auth: mockServices.auth(),
      });
      const starting = (minutes: number) =>
        scope({
          current: {
            from: new Date(
              Date.parse('2026-05-10T00:00:00Z') + minutes * 60_000,
            ),
            to: new Date('2026-05-11T00:00:00Z'),
          },
        });
      const breaches = async (minutes: number) =>
        (await soloService.load(starting(minutes))).schedules[0].persons[0]
          .sreBreaches;
      expect(await breaches(0)).toBe(1);
      expect(await breaches(10)).toBe(0);
      // From 05:00 all three are in the first piece again.
      expect(await breaches(300)).toBe(1);
    });

    it("counts the ledger's interruptions, so the 60-second rule lives there, and sees the ledger change", async () => {
      const apac = () => service.load(scope({ team: 'group:default/apac' }));
      // Kept from this load, and not reused once Ken's ledger changes.
      expect((await apac()).schedules[0].persons[0]).toMatchObject({
        interruptions: 8,
        bursts: 1,
      });
      // Ken's 10:30 (I2) no longer an interruption: 7, and no burst.
      const i2 = knex('multivac_notifications').where({
        user_ref: ken,
        notified_at: new Date('2026-03-27T10:30:00Z').toISOString(),
      });
      await i2.clone().update({ interruption: false });
      try {
        expect((await apac()).schedules[0].persons[0]).toMatchObject({
          interruptions: 7,
          bursts: 0,
          // Still three incidents in the piece: the rule counts them all.
          sreBreaches: 1,
        });
      } finally {
        await i2.clone().update({ interruption: true });
      }
      expect((await apac()).schedules[0].persons[0].bursts).toBe(1);
    });

    it('dates a night west of UTC by its local evening, over a week end', async () => {
      const ny: ScheduleDefinition = {
        id: 'ny',
        name: 'New York',
        timeZone: 'America/New_York',
        layers: [
          {
            name: 'always',
            members: [grace],
            rotation: { type: 'weekly', handoffDay: 'monday' },
            handoffTime: '09:00',
            start: '2026-04-06',
          },
        ],
      };
      // Sunday 3 May 22:30 EDT (Monday 02:30 UTC) and Monday 05:00 EDT:
      // the night of Sunday 3 May. Monday 19:00 EDT is no sleep hour.
      const times = [
        '2026-05-04T02:30:00Z',
        '2026-05-04T09:00:00Z',
        '2026-05-04T23:00:00Z',
      ];
      await knex('multivac_notifications').insert(
        times.map((at, k) => {
          const local = localMoment(at, 'America/New_York');
          return {
            user_ref: grace,
            notified_at: new Date(at).toISOString(),
            source: 'page',
            page_id: `ny${k}`,
            level: 1,
            incident_id: `NY${k}`,
            entity_ref: 'component:default/api',
            time_zone: 'America/New_York',
            local_weekday: local.weekday,
            local_hour: local.hour,
            band: local.band,
          };
        }),
      );
      const load = await new OnCallLoadService({
        store: new OnCallLoadStore(knex),
        schedules: [ny],
        catalog,
        auth: mockServices.auth(),
      }).load(
        scope({
          current: {
            from: new Date('2026-05-03T00:00:00Z'),
            to: new Date('2026-05-06T00:00:00Z'),
          },
        }),
      );
      expect(load.schedules[0].persons[0]).toMatchObject({
        userRef: grace,
        hours: 72,
        interruptions: 3,
        badNights: 1,
        bursts: 0,
      });
    });

    it('gives the hours of a shift covered in the portal to whoever covered it', async () => {
      // 1 May 2026 (UTC): Ada until 07:00 (09:00 CEST), then Alan; Grace
      // covers Alan from 12:00 to 18:00, and a cancelled cover changes nothing.
      const overrides = new DatabaseOverrideStore(knex);
      const made = new Date('2026-04-30T10:00:00Z');
      await overrides.create(
        {
          scheduleId: 'eu',
          userRef: grace,
          start: '2026-05-01T12:00:00Z',
          end: '2026-05-01T18:00:00Z',
          createdBy: alan,
        },
        made,
      );
      const cancelled = await overrides.create(
        {
          scheduleId: 'eu',
          userRef: ken,
          start: '2026-05-01T00:00:00Z',
          end: '2026-05-01T06:00:00Z',
          createdBy: alan,
        },
        made,
      );
      await overrides.cancel(cancelled.id, alan, made);
      const covered = new OnCallLoadService({
        store: new OnCallLoadStore(knex),
        schedules,
        overrides,
        catalog,
        auth: mockServices.auth(),
      });
      const load = await covered.load(
        scope({
          current: {
            from: new Date('2026-05-01T00:00:00Z'),
            to: new Date('2026-05-02T00:00:00Z'),
          },
        }),
      );
      const eu = load.schedules.find(s => s.id === 'eu')!;
      expect(
        Object.fromEntries(
          eu.persons.map(p => [p.userRef, [p.hours, p.shifts]]),
        ),
      ).toEqual({ [ada]: [7, 1], [alan]: [11, 2], [grace]: [6, 1] });
      expect(eu.hours).toBe(24);
      await knex('multivac_oncall_overrides').delete();
    });

    it('counts nothing but hours in a period without notifications', async () => {
      const quiet = await service.load(
        scope({
          current: {
            from: new Date('2026-05-01T00:00:00Z'),
            to: new Date('2026-05-02T00:00:00Z'),
          },
        }),
      );
      expect(
        quiet.schedules.map(s => [s.hours, s.interruptions, s.gini]),
      ).toEqual([
        [24, 0, null],
        [24, 0, null],
      ]);
      expect(quiet.schedules[0].persons[0].interruptionsShare).toBeNull();
    });
  },
);
