import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { ScheduleDefinition } from '../oncall/schedule';
import { seedDemoHistory } from './demoHistory';
import { OnCallLoadService } from './OnCallLoadService';
import { OnCallLoadStore } from './OnCallLoadStore';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const NOW = new Date('2026-12-04T12:00:00Z');

const member = (name: string) => `user:default/${name}`;
/** The demo's schedules, as in app-config.yaml (`multivac.onCall.schedules`). */
const schedules: ScheduleDefinition[] = [
  {
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
  },
  {
    id: 'storefront-primary',
    name: 'Storefront primary',
    timeZone: 'America/New_York',
    layers: [
      {
        name: 'daily',
        members: ['margaret.hamilton', 'linus.torvalds', 'barbara.liskov'].map(
          member,
        ),
        rotation: { type: 'daily' },
        handoffTime: '10:00',
        start: '2026-01-01',
      },
      {
        name: 'business hours lead',
        members: [member('margaret.hamilton')],
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
          'ken.thompson',
          'radia.perlman',
          'donald.knuth',
          'katherine.johnson',
        ].map(member),
        rotation: { type: 'custom', hours: 12 },
        handoffTime: '09:00',
        start: '2026-01-01T08:00',
      },
    ],
  },
];

describe('on-call load of the demo history', () => {
  it('has hours, interruptions, bursts and bad nights on every schedule of app-config.yaml', async () => {
    const knex = await databases.init('SQLITE_3');
    await migrateDatabase(knex);
    await seedDemoHistory(knex, NOW, schedules);
    const service = new OnCallLoadService({
      store: new OnCallLoadStore(knex),
      schedules,
      catalog: catalogServiceMock({ entities: [] }),
      auth: mockServices.auth(),
    });
    const load = await service.load({
      current: { from: new Date(+NOW - 90 * 86_400_000), to: NOW },
      previous: { from: new Date(+NOW - 180 * 86_400_000), to: NOW },
      bucketSeconds: 7 * 86_400,
    });
    // 90 days of 24-hour cover on each schedule, and load to show.
    expect(load.schedules.map(s => [s.id, s.hours])).toEqual([
      ['payments-primary', 2160],
      ['storefront-primary', 2160],
      ['platform-primary', 2160],
    ]);
    for (const schedule of load.schedules) {
      expect(schedule.interruptions).toBeGreaterThan(10);
      expect(schedule.gini).not.toBeNull();
      const sum = (field: 'bursts' | 'badNights') =>
        schedule.persons.reduce((n, p) => n + p[field], 0);
      expect(sum('bursts')).toBeGreaterThan(0);
      expect(sum('badNights')).toBeGreaterThan(0);
    }
  });
});
