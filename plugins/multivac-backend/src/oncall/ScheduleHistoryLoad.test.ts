import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DateTime } from 'luxon';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { seedDemoHistory } from '../insights/demoHistory';
import { OnCallLoadService } from '../insights/OnCallLoadService';
import { OnCallLoadStore } from '../insights/OnCallLoadStore';
import { ScheduleDefinition } from './schedule';
import { DatabaseScheduleVersionStore } from './ScheduleVersionStore';

jest.setTimeout(120_000);

const databases = createTestDatabases();
/** Friday 4 December 2026, 12:00 UTC. */
const NOW = new Date('2026-12-04T12:00:00Z');

const member = (name: string) => `user:default/${name}`;
const weekly: ScheduleDefinition = {
  id: 'payments-primary',
  name: 'Payments primary',
  timeZone: 'Europe/Berlin',
  layers: [
    {
      name: 'weekly',
      members: ['ada.lovelace', 'grace.hopper', 'alan.turing'].map(member),
      rotation: { type: 'weekly', handoffDay: 'monday' },
      handoffTime: '09:00',
      start: '2026-01-05',
    },
  ],
};
/** The rotation the team changes to: daily, in another order. */
const daily: ScheduleDefinition = {
  ...weekly,
  layers: [
    {
      name: 'daily',
      members: ['alan.turing', 'ada.lovelace', 'grace.hopper'].map(member),
      rotation: { type: 'daily' },
      handoffTime: '09:00',
      start: '2026-01-01',
    },
  ],
};

describe('on-call load across a schedule change', () => {
  it('a rotation changed with effectiveFrom next week leaves the past 90 days of figures unchanged', async () => {
    const knex = await databases.init('SQLITE_3');
    await migrateDatabase(knex);
    await seedDemoHistory(knex, NOW, [weekly]);
    const loadWith = (schedule: ScheduleDefinition) =>
      new OnCallLoadService({
        store: new OnCallLoadStore(knex),
        schedules: [schedule],
        catalog: catalogServiceMock({ entities: [] }),
        auth: mockServices.auth(),
      }).load({
        current: { from: new Date(+NOW - 90 * 86_400_000), to: NOW },
        previous: { from: new Date(+NOW - 180 * 86_400_000), to: NOW },
        bucketSeconds: 7 * 86_400,
      });

    const versions = new DatabaseScheduleVersionStore(knex);
    const now = DateTime.fromJSDate(NOW);
    await versions.observe(
      { entityRef: 'schedule:default/payments-primary', definition: weekly },
      now.minus({ days: 200 }),
    );
    const changed = await versions.observe(
      {
        entityRef: 'schedule:default/payments-primary',
        definition: daily,
        // Monday 7 December 2026, 09:00 Berlin.
        effectiveFrom: '2026-12-07T09:00:00+01:00',
      },
      now,
    );

    const before = await loadWith(weekly);
    expect(before.schedules[0].people).toBe(3);
    expect(before.schedules[0].persons.some(p => p.interruptions > 0)).toBe(
      true,
    );
    expect(await loadWith(changed)).toEqual(before);
    // Had the change rewritten history, the figures would differ.
    expect(await loadWith(daily)).not.toEqual(before);
  });
});
