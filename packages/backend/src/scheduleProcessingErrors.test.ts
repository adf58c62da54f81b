import { createBackend } from '@backstage/backend-defaults';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import authPlugin from '@backstage/plugin-auth-backend';
import guestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleMultivacSchedules from '@multivac/plugin-catalog-backend-module-multivac';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

jest.setTimeout(180_000);

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

const schedule = (handoffTime: string) => `apiVersion: multivac.io/v1alpha1
kind: Schedule
metadata:
  name: team-oncall
spec:
  owner: group:default/team
  timeZone: Europe/Berlin
  layers:
    - name: weekly
      members: [user:default/ada.lovelace, user:default/grace.hopper]
      rotation: { type: weekly, handoffDay: monday }
      handoffTime: '${handoffTime}'
      start: '2026-01-05'
`;

/**
 * A team's schedule file in the real catalog with the Schedule module: a
 * mistake made in an edit is a processing error on the entity, naming the
 * field, and the entity keeps its last valid spec.
 */
describe('a Schedule file with a mistake, in the catalog', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multivac-schedule-'));
  const file = path.join(dir, 'schedule.yaml');
  let backend: ReturnType<typeof createBackend>;
  let baseUrl: string;
  let token: string;

  const entity = async () => {
    const res = await fetch(
      `${baseUrl}/api/catalog/entities/by-name/schedule/default/team-oncall`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    return res.status === 200 ? res.json() : undefined;
  };

  async function waitFor<T>(
    what: string,
    check: () => Promise<T | undefined>,
  ): Promise<T> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${what}`);
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  }

  beforeAll(async () => {
    fs.writeFileSync(file, schedule('09:00'));
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    const config = path.join(dir, 'app-config.yaml');
    fs.writeFileSync(
      config,
      [
        'app:',
        `  baseUrl: ${baseUrl}`,
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
        'catalog:',
        '  processingInterval: { seconds: 1 }',
        '  rules:',
        '    - allow: [Schedule, Location]',
        '  locations:',
        '    - type: file',
        `      target: ${file}`,
        '',
      ].join('\n'),
    );
    backend = createBackend();
    backend.add(
      rootConfigServiceFactory({
        argv: ['node', 'backend', '--config', config],
      }),
    );
    backend.add(authPlugin);
    backend.add(guestProvider);
    backend.add(catalogPlugin);
    backend.add(catalogModuleMultivacSchedules);
    await backend.start();
    const auth = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    token = (await auth.json()).backstageIdentity.token;
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ingests the valid file, then shows the named error on the entity after a bad edit', async () => {
    const valid = await waitFor('the schedule', entity);
    expect(valid.spec.layers[0].handoffTime).toBe('09:00');
    expect(valid.relations).toEqual([
      { type: 'ownedBy', targetRef: 'group:default/team' },
    ]);

    fs.writeFileSync(file, schedule('9am'));
    const broken = await waitFor('the processing error', async () => {
      const current = await entity();
      return current?.status?.items?.length ? current : undefined;
    });
    expect(
      broken.status.items.map((item: any) => [
        item.type,
        item.level,
        item.error.name,
        item.error.message,
      ]),
    ).toEqual([
      [
        'backstage.io/catalog-processing',
        'error',
        'InputError',
        'spec.layers[0].handoffTime: must be HH:mm',
      ],
    ]);
    // The catalog keeps the last valid spec.
    expect(broken.spec.layers[0].handoffTime).toBe('09:00');
  });
});
