import { createBackend } from '@backstage/backend-defaults';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import authPlugin from '@backstage/plugin-auth-backend';
import guestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import catalogModuleMultivacSchedules from '@multivac/plugin-catalog-backend-module-multivac';
import multivacPlugin from '@multivac/plugin-multivac-backend';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { permissionPolicyModule } from './permissionPolicy';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../../..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The demo as `npm start` runs it (app-config.yaml, the catalog with
 * examples/, the Schedule module, Multivac), on a free port with an
 * in-memory database: the demo's schedules are catalog entities now, and
 * on call are the same people as when they were in app-config.yaml.
 */
describe("the demo's on-call from Schedule entities", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multivac-demo-oncall-'));
  let backend: ReturnType<typeof createBackend>;
  let baseUrl: string;
  let token: string;

  const get = async (url: string) => {
    const res = await fetch(`${baseUrl}${url}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    const override = path.join(dir, 'override.yaml');
    fs.writeFileSync(
      override,
      [
        'backend:',
        `  baseUrl: ${baseUrl}`,
        '  listen:',
        `    port: ${port}`,
        '  database:',
        '    client: better-sqlite3',
        "    connection: ':memory:'",
        'auth:',
        '  providers:',
        '    guest:',
        '      dangerouslyAllowOutsideDevelopment: true',
        'multivac:',
        '  demo:',
        '    history: false',
        '',
      ].join('\n'),
    );
    backend = createBackend();
    backend.add(
      rootConfigServiceFactory({
        argv: [
          'node',
          'backend',
          '--config',
          path.join(root, 'app-config.yaml'),
          '--config',
          override,
        ],
      }),
    );
    backend.add(authPlugin);
    backend.add(guestProvider);
    backend.add(catalogPlugin);
    backend.add(catalogModuleMultivacSchedules);
    backend.add(permissionPlugin);
    backend.add(permissionPolicyModule);
    backend.add(multivacPlugin);
    await backend.start();

    const auth = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    token = (await auth.json()).backstageIdentity.token;
    // The catalog ingests examples/ in the background.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const found = await Promise.all(
        ['payments-primary', 'storefront-primary', 'platform-primary'].map(
          async name =>
            (
              await get(
                `/api/catalog/entities/by-name/schedule/default/${name}`,
              )
            ).status === 200,
        ),
      );
      if (found.every(Boolean)) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error('The demo schedules were not ingested in time');
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
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
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
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
