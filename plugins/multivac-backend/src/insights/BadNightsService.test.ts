import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { ScheduleDefinition } from '../oncall/schedule';
import { localMoment } from './bands';
import {
  BadNightsService,
  badNightsQuerySchema,
  readTeamLeads,
} from './BadNightsService';
import { BadNightsStore } from './BadNightsStore';
import { OnCallLoadService } from './OnCallLoadService';
import { OnCallLoadStore } from './OnCallLoadStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ada = 'user:default/ada.lovelace';
const alan = 'user:default/alan.turing';
const dennis = 'user:default/dennis.ritchie';
const grace = 'user:default/grace.hopper';
const ken = 'user:default/ken.thompson';
const linus = 'user:default/linus.torvalds';
const margaret = 'user:default/margaret.hamilton';

/** The zones the ledger banded each person's notifications in. */
const ZONES: Record<string, string> = {
  [alan]: 'Europe/Berlin',
  [dennis]: 'Europe/Berlin',
  [grace]: 'Europe/Berlin',
  [ken]: 'Europe/Berlin',
  [linus]: 'America/New_York',
};

/**
 * `payments-primary` (Europe/Berlin): weekly hand-off on Mondays at 09:00
 * from Monday 2 March 2026: Alan 2–9 March, Ken 9–16, Dennis 16–23, Grace
 * from 23 March 09:00 CET (08:00 UTC) to 30 March 09:00 CEST.
 * `platform` (America/New_York): Linus, always.
 */
const schedules: ScheduleDefinition[] = [
  {
    id: 'payments-primary',
    name: 'Payments primary',
    timeZone: 'Europe/Berlin',
    layers: [
      {
        name: 'weekly',
        members: [alan, ken, dennis, grace],
        rotation: { type: 'weekly', handoffDay: 'monday' },
        handoffTime: '09:00',
        start: '2026-03-02',
      },
    ],
  },
  {
    id: 'platform',
    name: 'Platform',
    timeZone: 'America/New_York',
    layers: [
      {
        name: 'always',
        members: [linus],
        rotation: { type: 'daily' },
        handoffTime: '09:00',
        start: '2026-03-01',
      },
    ],
  },
];

/**
 * The ledger (UTC; local time in brackets):
 * - Alan 4 March 10:00, 11:00, 12:00 and Ken 10 March 10:00: daytime, in
 *   their weeks (the cover figures).
 * - Grace, the night of Tuesday 24 March [CET]: 00:12 (01:12), 01:40
 *   (02:40), 03:05 (04:05) and its level 2 at 03:05:30 (within 60 s: the
 *   same interruption): a bad night of 3.
 * - Grace, the night of the 25th: 22:30 (23:30) only: no bad night; 26
 *   March 13:00 (14:00): daytime.
 * - Grace, Saturday night 28 March, over the change to summer time: 22:10
 *   (23:10 CET) and 29 March 01:20 (03:20 CEST): a bad weekend night.
 * - Linus (New York, EDT): 24 March 21:30 (17:30: Berlin's night, not his),
 *   25 March 03:30 (23:30) and 06:00 (02:00): a bad night of 2.
 */
const LEDGER: Array<[string, string, string, string, number?]> = [
  [alan, '2026-03-04T10:00:00Z', 'a1', 'component:default/payments-api'],
  [alan, '2026-03-04T11:00:00Z', 'a2', 'component:default/payments-api'],
  [alan, '2026-03-04T12:00:00Z', 'a3', 'component:default/payments-api'],
  [ken, '2026-03-10T10:00:00Z', 'k1', 'component:default/payments-api'],
  [grace, '2026-03-25T00:12:00Z', 'g1', 'component:default/payments-api'],
  [grace, '2026-03-25T01:40:00Z', 'g2', 'component:default/payments-api'],
  [grace, '2026-03-25T03:05:00Z', 'g3', 'component:default/payments-api'],
  [grace, '2026-03-25T03:05:30Z', 'g3', 'component:default/payments-api', 2],
  [grace, '2026-03-25T22:30:00Z', 'g4', 'component:default/payments-api'],
  [grace, '2026-03-26T13:00:00Z', 'g5', 'component:default/payments-api'],
  [grace, '2026-03-28T22:10:00Z', 'g6', 'component:default/payments-db'],
  [grace, '2026-03-29T01:20:00Z', 'g7', 'component:default/payments-api'],
  [linus, '2026-03-24T21:30:00Z', 'l1', 'component:default/gateway'],
  [linus, '2026-03-25T03:30:00Z', 'l2', 'component:default/gateway'],
  [linus, '2026-03-25T06:00:00Z', 'l3', 'component:default/gateway'],
];

async function insertLedger(knex: Knex) {
  await knex('multivac_notifications').insert(
    LEDGER.map(([userRef, at, pageId, entityRef, level = 1]) => {
      const local = localMoment(at, ZONES[userRef]);
      return {
        user_ref: userRef,
        notified_at: new Date(at).toISOString(),
        source: 'page',
        page_id: pageId,
        level,
        incident_id: null,
        entity_ref: entityRef,
        time_zone: ZONES[userRef],
        local_weekday: local.weekday,
        local_hour: local.hour,
        band: local.band,
      };
    }),
  );
}

const user = (ref: string, displayName: string, zone?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: {
    name: ref.split('/')[1],
    ...(zone ? { annotations: { 'multivac.io/timezone': zone } } : {}),
  },
  spec: { profile: { displayName } },
});

const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: 'payments',
        title: 'Payments',
        annotations: { 'multivac.io/oncall-schedule': 'payments-primary' },
      },
      spec: { type: 'team', children: [] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: 'platform',
        annotations: { 'multivac.io/team-lead': 'margaret.hamilton' },
      },
      spec: { type: 'team', children: [] },
    },
    {
      // The platform team names its schedule on its service, not itself.
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'gateway',
        annotations: { 'multivac.io/oncall-schedule': 'platform' },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'platform' },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/platform' }],
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'payments-api' },
      spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
    },
    user(ada, 'Ada Lovelace'),
    user(alan, 'Alan Turing'),
    user(dennis, 'Dennis Ritchie'),
    user(grace, 'Grace Hopper'),
    user(ken, 'Ken Thompson'),
    user(linus, 'Linus Torvalds'),
    user(margaret, 'Margaret Hamilton', 'America/Los_Angeles'),
  ],
});

describe('the bad nights query', () => {
  it('takes a morning as YYYY-MM-DD, naming the field otherwise', () => {
    expect(badNightsQuerySchema.safeParse({}).success).toBe(true);
    expect(badNightsQuerySchema.safeParse({ date: '2026-03-25' }).success).toBe(
      true,
    );
    for (const date of ['2026-02-30', '25.03.2026', 'yesterday']) {
      const parsed = badNightsQuerySchema.safeParse({ date });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0].path).toEqual(['date']);
    }
    expect(badNightsQuerySchema.safeParse({ day: '2026-03-25' }).success).toBe(
      false,
    );
  });

  it('reads the configured team leads as refs, naming a bad entry', () => {
    const leads = readTeamLeads(
      new ConfigReader({
        multivac: {
          insights: {
            teamLeads: {
              'group:default/payments': 'user:default/ada.lovelace',
              platform: 'margaret.hamilton',
            },
          },
        },
      }),
    );
    expect([...leads]).toEqual([
      ['group:default/payments', ada],
      ['group:default/platform', margaret],
    ]);
    expect(readTeamLeads(new ConfigReader({})).size).toBe(0);
    expect(() =>
      readTeamLeads(
        new ConfigReader({
          multivac: { insights: { teamLeads: { payments: 'group:x' } } },
        }),
      ),
    ).toThrow("multivac.insights.teamLeads['payments'] must be a User");
    expect(() =>
      readTeamLeads(
        new ConfigReader({
          multivac: {
            insights: { teamLeads: { 'user:default/ada': 'ada.lovelace' } },
          },
        }),
      ),
    ).toThrow(
      "multivac.insights.teamLeads['user:default/ada']: user:default/ada is not a Group",
    );
  });
});

describe.each(databases.eachSupportedId())(
  'BadNightsService on %p',
  databaseId => {
    let knex: Knex;
    let logger: ReturnType<typeof mockServices.logger.mock>;

    const service = (teamLeads = new Map([['group:default/payments', ada]])) =>
      new BadNightsService({
        store: new BadNightsStore(knex),
        onCallLoad: new OnCallLoadService({
          store: new OnCallLoadStore(knex),
          schedules,
          catalog,
          auth: mockServices.auth(),
        }),
        schedules,
        catalog,
        auth: mockServices.auth(),
        logger,
        teamLeads,
      });

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      await insertLedger(knex);
    });
    beforeEach(() => {
      logger = mockServices.logger.mock();
    });

    it('gives the night before a morning in each zone, with the lead and who could cover', async () => {
      const nights = await service().badNights(
        { date: '2026-03-25' },
        new Date('2026-04-01T00:00:00Z'),
      );
      expect(nights).toEqual([
        {
          userRef: grace,
          name: 'Grace Hopper',
          night: '2026-03-24',
          timeZone: 'Europe/Berlin',
          start: '2026-03-24T21:00:00.000Z',
          end: '2026-03-25T07:00:00.000Z',
          interruptions: [
            ['2026-03-25T00:12:00.000Z', '01:12'],
            ['2026-03-25T01:40:00.000Z', '02:40'],
            ['2026-03-25T03:05:00.000Z', '04:05'],
          ].map(([at, localTime], i) => ({
            at,
            localTime,
            pageId: `g${i + 1}`,
            entityRef: 'component:default/payments-api',
            entityName: 'payments-api',
          })),
          schedule: {
            id: 'payments-primary',
            name: 'Payments primary',
            timeZone: 'Europe/Berlin',
          },
          team: { ref: 'group:default/payments', name: 'Payments' },
          lead: {
            userRef: ada,
            name: 'Ada Lovelace',
            timeZone: 'Europe/Berlin',
            source: 'config',
          },
          // 30 days up to the morning: Alan, Ken and Dennis 168 hours each,
          // Grace 47 (551 in all); interruptions Alan 3, Ken 1, Grace 3.
          cover: [
            {
              userRef: dennis,
              name: 'Dennis Ritchie',
              interruptions: 0,
              interruptionsShare: 0,
              hours: 168,
              hoursShare: 0.3049,
            },
            {
              userRef: ken,
              name: 'Ken Thompson',
              interruptions: 1,
              interruptionsShare: 0.1429,
              hours: 168,
              hoursShare: 0.3049,
            },
          ],
          coverPeriod: {
            from: '2026-02-23T07:00:00.000Z',
            to: '2026-03-25T07:00:00.000Z',
          },
        },
        {
          userRef: linus,
          name: 'Linus Torvalds',
          night: '2026-03-24',
          timeZone: 'America/New_York',
          start: '2026-03-25T02:00:00.000Z',
          end: '2026-03-25T12:00:00.000Z',
          interruptions: [
            ['2026-03-25T03:30:00.000Z', '23:30', 'l2'],
            ['2026-03-25T06:00:00.000Z', '02:00', 'l3'],
          ].map(([at, localTime, pageId]) => ({
            at,
            localTime,
            pageId,
            entityRef: 'component:default/gateway',
            entityName: 'gateway',
          })),
          schedule: {
            id: 'platform',
            name: 'Platform',
            timeZone: 'America/New_York',
          },
          team: { ref: 'group:default/platform', name: 'platform' },
          lead: {
            userRef: margaret,
            name: 'Margaret Hamilton',
            timeZone: 'America/Los_Angeles',
            source: 'annotation',
          },
          cover: [],
          coverPeriod: {
            from: '2026-02-23T12:00:00.000Z',
            to: '2026-03-25T12:00:00.000Z',
          },
        },
      ]);
    });

    it("without a date, gives each zone's last night that has ended", async () => {
      // 09:00 UTC: Berlin's night is over, New York's is not.
      const early = await service().badNights(
        {},
        new Date('2026-03-25T09:00:00Z'),
      );
      expect(early.map(n => [n.userRef, n.night])).toEqual([
        [grace, '2026-03-24'],
      ]);
      // The cover figures end at the morning.
      expect(early[0].coverPeriod.to).toBe('2026-03-25T07:00:00.000Z');
      const later = await service().badNights(
        {},
        new Date('2026-03-25T13:00:00Z'),
      );
      expect(later.map(n => [n.userRef, n.night])).toEqual([
        [grace, '2026-03-24'],
        [linus, '2026-03-24'],
      ]);
    });

    it('is no bad night with one page in the night', async () => {
      expect(
        await service().badNights(
          { date: '2026-03-26' },
          new Date('2026-04-01T00:00:00Z'),
        ),
      ).toEqual([]);
      // Past 08:00 in New York too: both zones' night of the 25th.
      expect(
        await service().badNights({}, new Date('2026-03-26T13:00:00Z')),
      ).toEqual([]);
    });

    it('counts a weekend night, over the change to summer time', async () => {
      const [night, ...more] = await service().badNights(
        { date: '2026-03-29' },
        new Date('2026-04-01T00:00:00Z'),
      );
      expect(more).toEqual([]);
      expect(night).toMatchObject({
        userRef: grace,
        night: '2026-03-28',
        start: '2026-03-28T21:00:00.000Z',
        end: '2026-03-29T06:00:00.000Z',
        interruptions: [
          { localTime: '23:10', entityName: 'payments-db' },
          { localTime: '03:20', entityName: 'payments-api' },
        ],
      });
      expect(night.cover.map(c => c.userRef)).toEqual([dennis, ken]);
    });

    it('names no lead, and says so in the log, when none is set', async () => {
      const [night] = await service(new Map()).badNights(
        { date: '2026-03-25' },
        new Date('2026-04-01T00:00:00Z'),
      );
      expect(night.userRef).toBe(grace);
      expect(night.lead).toBeUndefined();
      expect(logger.info).toHaveBeenCalledWith(
        "No team lead to tell of user:default/grace.hopper's bad night of 2026-03-24: set multivac.insights.teamLeads for group:default/payments or its multivac.io/team-lead annotation",
      );
    });
  },
);
