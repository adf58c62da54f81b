import { DemoBackend, startDemoBackend } from './__testUtils__/demoBackend';

jest.setTimeout(180_000);

/**
 * The demo as `npm start` runs it (app-config.yaml, the catalog with
 * examples/, the Schedule module, Multivac), on a free port with an
 * in-memory database: the demo's schedules are catalog entities now, and
 * on call are the same people as when they were in app-config.yaml.
 */
describe("the demo's on-call from Schedule entities", () => {
  let demo: DemoBackend;
  const get = (url: string) => demo.get(url);

  beforeAll(async () => {
    demo = await startDemoBackend();
    await demo.waitForEntities([
      'schedule:default/payments-primary',
      'schedule:default/storefront-primary',
      'schedule:default/platform-primary',
    ]);
    // Multivac reads the catalog's schedules again within 2 seconds of a
    // read that found none (ScheduleRegistry), not later.
    const ingested = Date.now();
    for (;;) {
      const { body } = await get('/api/multivac/oncall/schedules?days=1');
      if (body.items?.length === 3) {
        break;
      }
      if (Date.now() - ingested > 5_000) {
        throw new Error(
          `Multivac did not see the demo schedules within 5 seconds of the catalog: ${JSON.stringify(
            body,
          )}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  });

  afterAll(async () => {
    await demo?.stop();
  });

  it('pages the same people for the demo teams as the app-config schedules did', async () => {
    // Wednesday 11 March 2026, 12:00 UTC.
    const at = '2026-03-11T12:00:00.000Z';
    const onCall = async (entityRef: string) => {
      const { status, body } = await get(
        `/api/multivac/oncall?entityRef=${entityRef}&at=${at}`,
      );
      expect(status).toBe(200);
      return {
        schedule: body.schedule.name,
        levels: body.levels.map((l: any) => [
          l.timeoutMinutes,
          l.onCall.map((s: any) => s.person.userRef),
        ]),
      };
    };
    // Weekly from Monday 5 January, Ada, Grace, Alan: the week of 9 March is Ada's.
    expect(await onCall('group:default/payments')).toEqual({
      schedule: 'Payments primary',
      levels: [
        [10, ['user:default/ada.lovelace']],
        [15, ['user:default/ken.thompson']],
      ],
    });
    // A component gets its on-call from its owner Group's schedule.
    expect((await onCall('component:default/payments-api')).schedule).toBe(
      'Payments primary',
    );
    // Daily at 10:00 New York from 1 January: 08:00 on 11 March is 10 March's turn, the 69th: Barbara.
    expect(await onCall('group:default/storefront')).toEqual({
      schedule: 'Storefront primary',
      levels: [[15, ['user:default/barbara.liskov']]],
    });
    // 12-hour turns from 1 January 08:00 UTC: turn 138 is Donald's.
    expect(await onCall('group:default/platform')).toEqual({
      schedule: 'Platform SRE follow-the-sun',
      levels: [[15, ['user:default/donald.knuth']]],
    });
  });

  it('shows the three schedules on the on-call page, with their relations in the catalog', async () => {
    const { body } = await get(
      '/api/multivac/oncall/schedules?from=2026-03-11T12:00:00.000Z&days=7',
    );
    expect(body.items.map((s: any) => [s.id, s.name, s.timeZone])).toEqual([
      ['payments-primary', 'Payments primary', 'Europe/Berlin'],
      ['platform-primary', 'Platform SRE follow-the-sun', 'UTC'],
      ['storefront-primary', 'Storefront primary', 'America/New_York'],
    ]);
    const group = await get(
      '/api/catalog/entities/by-name/group/default/payments',
    );
    expect(group.body.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownerOf', targetRef: 'schedule:default/payments-primary' },
        { type: 'onCallFrom', targetRef: 'schedule:default/payments-primary' },
      ]),
    );
  });
});
