import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'fs';
import { Knex } from 'knex';
import { DateTime } from 'luxon';
import path from 'path';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { BuiltinOnCallProvider } from './BuiltinOnCallProvider';
import { PeopleDirectory } from './PeopleDirectory';
import { finalShifts, escalationChain, ScheduleDefinition } from './schedule';
import { ScheduleRegistry } from './ScheduleRegistry';
import { DatabaseScheduleVersionStore } from './ScheduleVersionStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const root = path.resolve(__dirname, '../../../..');

/** The demo's schedules as they were in app-config.yaml before they moved to examples/schedules.yaml. */
const demoConfigSchedules: ScheduleDefinition[] = [
  {
    id: 'payments-primary',
    name: 'Payments primary',
    timeZone: 'Europe/Berlin',
    layers: [
      {
        name: 'weekly',
        members: [
          'user:default/ada.lovelace',
          'user:default/grace.hopper',
          'user:default/alan.turing',
        ],
        rotation: { type: 'weekly', handoffDay: 'monday' },
        handoffTime: '09:00',
        start: '2026-01-05',
      },
    ],
    escalation: [
      { timeoutMinutes: 10, targets: [{ type: 'schedule' }] },
      {
        timeoutMinutes: 15,
        targets: [{ type: 'user', userRef: 'user:default/ken.thompson' }],
      },
    ],
  },
  {
    id: 'storefront-primary',
    name: 'Storefront primary',
    timeZone: 'America/New_York',
    layers: [
      {
        name: 'daily',
        members: [
          'user:default/margaret.hamilton',
          'user:default/linus.torvalds',
          'user:default/barbara.liskov',
        ],
        rotation: { type: 'daily' },
        handoffTime: '10:00',
        start: '2026-01-01',
      },
      {
        name: 'business hours lead',
        members: ['user:default/margaret.hamilton'],
        rotation: { type: 'weekly', handoffDay: 'monday' },
        handoffTime: '09:00',
        start: '2026-01-05',
        restrictions: [
          {
            days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
            from: '09:00',
            to: '12:00',
          },
        ],
      },
    ],
  },
  {
    id: 'platform-primary',
    name: 'Platform SRE follow-the-sun',
    timeZone: 'UTC',
    layers: [
      {
        name: '12-hour shifts',
        members: [
          'user:default/ken.thompson',
          'user:default/radia.perlman',
          'user:default/donald.knuth',
          'user:default/katherine.johnson',
        ],
        rotation: { type: 'custom', hours: 12 },
        handoffTime: '09:00',
        start: '2026-01-01T08:00',
      },
    ],
  },
];

function yamlEntities(file: string): Entity[] {
  return [
    ...parseEntityYaml(fs.readFileSync(path.join(root, file)), {
      type: 'file',
      target: file,
    }),
  ].flatMap(r => (r.type === 'entity' ? [r.entity] : []));
}

const demoEntities = [
  ...yamlEntities('examples/org.yaml'),
  ...yamlEntities('examples/schedules.yaml'),
];

const brief = (schedule: ScheduleDefinition, from: DateTime, to: DateTime) =>
  finalShifts(schedule, from, to).map(s => [
    s.userRef,
    s.start.toMillis(),
    s.end.toMillis(),
  ]);

describe.each(databases.eachSupportedId())('ScheduleRegistry on %s', id => {
  let knex: Knex;
  let clock: DateTime;

  beforeAll(async () => {
    knex = await databases.init(id);
    await migrateDatabase(knex);
  });

  beforeEach(async () => {
    await knex('multivac_schedule_versions').delete();
    clock = DateTime.fromISO('2026-03-11T12:00:00Z');
  });

  function registryOf(
    entities: Entity[],
    config: ScheduleDefinition[] = [],
    logger = mockServices.logger.mock(),
  ) {
    const catalog = catalogServiceMock({ entities });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const registry = new ScheduleRegistry({
      config,
      catalog: {
        catalog,
        auth: mockServices.auth(),
        versions: new DatabaseScheduleVersionStore(knex),
      },
      logger,
      refreshMs: 30_000,
      now: () => clock,
    });
    return { registry, catalog, getEntities, logger };
  }

  it('serves the demo schedules of examples/ exactly as app-config.yaml did', async () => {
    const { registry } = registryOf(demoEntities);
    const schedules = await registry.current();
    expect([...schedules.keys()]).toEqual([
      'payments-primary',
      'platform-primary',
      'storefront-primary',
    ]);
    const from = clock.minus({ weeks: 2 });
    const to = clock.plus({ weeks: 4 });
    for (const before of demoConfigSchedules) {
      const after = schedules.get(before.id)!;
      expect(after.name).toBe(before.name);
      expect(after.timeZone).toBe(before.timeZone);
      expect(brief(after, from, to)).toEqual(brief(before, from, to));
      expect(brief(after, from, to).length).toBeGreaterThan(5);
      expect(
        escalationChain(after, clock).map(l => [
          l.timeoutMinutes,
          l.onCall.map(s => s.userRef),
        ]),
      ).toEqual(
        escalationChain(before, clock).map(l => [
          l.timeoutMinutes,
          l.onCall.map(s => s.userRef),
        ]),
      );
    }
  });

  it('answers for the demo Groups that name them, by id or by entity ref', async () => {
    const catalog = catalogServiceMock({ entities: demoEntities });
    const { registry } = registryOf(demoEntities);
    const builtin = new BuiltinOnCallProvider(
      registry,
      new PeopleDirectory(catalog, mockServices.auth()),
    );
    const payments = demoEntities.find(e => e.metadata.name === 'payments')!;
    const at = new Date('2026-03-11T12:00:00Z');
    const answer = await builtin.getOnCall(payments, at);
    expect(answer.schedule).toEqual({
      id: 'payments-primary',
      name: 'Payments primary',
      timeZone: 'Europe/Berlin',
    });
    // 9 March is the tenth week from 5 January: Ada's again.
    expect(answer.levels[0].onCall[0].person.userRef).toBe(
      'user:default/ada.lovelace',
    );
    const byRef = await builtin.getOnCall(
      {
        ...payments,
        metadata: {
          ...payments.metadata,
          annotations: {
            'multivac.io/oncall-schedule': 'schedule:default/payments-primary',
          },
        },
      },
      at,
    );
    expect(byRef.levels).toEqual(answer.levels);
    // Catalog names compare without case.
    expect(
      (await builtin.getOnCallForSchedule('Payments-Primary', at)).schedule,
    ).toEqual(answer.schedule);
    await expect(
      builtin.getOnCall(
        {
          ...payments,
          metadata: {
            ...payments.metadata,
            annotations: { 'multivac.io/oncall-schedule': 'nope' },
          },
        },
        at,
      ),
    ).rejects.toThrow(
      "group:default/payments names on-call schedule 'nope', which is neither in multivac.onCall.schedules nor a Schedule entity in the catalog",
    );
  });

  it('reads the catalog at most once per refresh interval, and keeps the last read when it fails', async () => {
    const { registry, getEntities, logger } = registryOf(
      demoEntities.filter(e => e.metadata.name === 'payments-primary'),
    );
    expect([...(await registry.current()).keys()]).toEqual([
      'payments-primary',
    ]);
    await registry.current();
    clock = clock.plus({ seconds: 29 });
    await Promise.all([registry.current(), registry.current()]);
    expect(getEntities).toHaveBeenCalledTimes(1);
    expect(getEntities.mock.calls[0][0]).toEqual({
      filter: { kind: 'Schedule' },
    });

    getEntities.mockResolvedValueOnce({
      items: demoEntities.filter(e => e.kind === 'Schedule'),
    });
    clock = clock.plus({ seconds: 1 });
    expect([...(await registry.current()).keys()]).toHaveLength(3);
    expect(registry.snapshot().has('platform-primary')).toBe(true);

    getEntities.mockRejectedValueOnce(new Error('catalog down'));
    clock = clock.plus({ seconds: 30 });
    expect([...(await registry.current()).keys()]).toHaveLength(3);
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not read the on-call schedules from the catalog, keeping the last read: Error: catalog down',
    );
    expect(getEntities).toHaveBeenCalledTimes(3);
  });

  it('looks an unknown id up again after a short interval, so a schedule ingested after a start is found', async () => {
    const { registry, getEntities } = registryOf([]);
    expect(await registry.find('payments-primary')).toBeUndefined();
    expect(getEntities).toHaveBeenCalledTimes(1);
    getEntities.mockResolvedValue({
      items: demoEntities.filter(e => e.metadata.name === 'payments-primary'),
    });
    clock = clock.plus({ seconds: 1 });
    expect(await registry.find('payments-primary')).toBeUndefined();
    expect(getEntities).toHaveBeenCalledTimes(1);
    clock = clock.plus({ seconds: 1 });
    expect((await registry.find('payments-primary'))?.name).toBe(
      'Payments primary',
    );
    expect(getEntities).toHaveBeenCalledTimes(2);
    // Known ids and misses within the interval read nothing more.
    await registry.find('payments-primary');
    await registry.find('nope');
    expect(getEntities).toHaveBeenCalledTimes(2);
  });

  it('reads again soon after a read that found no Schedule at all', async () => {
    const { registry, getEntities } = registryOf([]);
    expect((await registry.current()).size).toBe(0);
    getEntities.mockResolvedValue({
      items: demoEntities.filter(e => e.kind === 'Schedule'),
    });
    clock = clock.plus({ seconds: 1 });
    expect((await registry.current()).size).toBe(0);
    clock = clock.plus({ seconds: 1 });
    expect((await registry.current()).size).toBe(3);
    // Once it has some, the 30-second interval holds.
    clock = clock.plus({ seconds: 20 });
    await registry.current();
    expect(getEntities).toHaveBeenCalledTimes(2);
  });

  it('lets a config schedule win over a Schedule entity of the same id, naming both', async () => {
    const fromConfig = { ...demoConfigSchedules[0], name: 'From config' };
    const { registry, logger } = registryOf(
      demoEntities.filter(e => e.kind === 'Schedule'),
      [fromConfig],
    );
    const schedules = await registry.current();
    expect(schedules.get('payments-primary')).toBe(fromConfig);
    expect(schedules.size).toBe(3);
    expect(logger.warn).toHaveBeenCalledWith(
      "Skipping on-call schedule schedule:default/payments-primary: its id 'payments-primary' is also in multivac.onCall.schedules, which wins",
    );
    expect(registry.timeZones.get('storefront-primary')).toBe(
      'America/New_York',
    );
    // Config first, then the catalog's by id.
    expect(registry.list.map(s => s.id)).toEqual([
      'payments-primary',
      'platform-primary',
      'storefront-primary',
    ]);
  });

  it('keeps the history of a catalog schedule across versions of its entity', async () => {
    const [payments] = demoEntities.filter(
      e => e.metadata.name === 'payments-primary',
    );
    const first = registryOf([payments]);
    const before = (await first.registry.current()).get('payments-primary')!;

    clock = clock.plus({ days: 1 });
    const changed: Entity = {
      ...payments,
      spec: {
        ...payments.spec,
        effectiveFrom: '2026-03-16T09:00:00+01:00',
        layers: [
          {
            name: 'daily',
            members: ['user:default/alan.turing', 'user:default/ada.lovelace'],
            rotation: { type: 'daily' },
            start: '2026-01-01',
          },
        ],
      },
    };
    const second = registryOf([changed]);
    const after = (await second.registry.current()).get('payments-primary')!;
    const past = [DateTime.fromISO('2026-01-01T00:00:00Z'), clock] as const;
    expect(brief(after, ...past)).toEqual(brief(before, ...past));
    expect(
      finalShifts(
        after,
        DateTime.fromISO('2026-03-17T12:00:00Z'),
        DateTime.fromISO('2026-03-17T13:00:00Z'),
      )[0].source,
    ).toBe('daily');
  });
});
