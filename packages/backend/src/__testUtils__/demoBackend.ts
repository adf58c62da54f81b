import { createBackend } from '@backstage/backend-defaults';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import { BackendFeature } from '@backstage/backend-plugin-api';
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
import { permissionPolicyModule } from '../permissionPolicy';

const root = path.resolve(__dirname, '../../../..');

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A running demo backend, signed in as its guest user. */
export interface DemoBackend {
  baseUrl: string;
  /** The guest user's token. */
  token: string;
  /** GET as the guest user: the status and the JSON body. */
  get(url: string): Promise<{ status: number; body: any }>;
  /** Waits until the catalog has every entity of `refs` (`kind:ns/name`). */
  waitForEntities(refs: string[], timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The demo backend as `npm start` wires it (app-config.yaml with the demo
 * catalog, guest sign-in, the sample policy, the Schedule catalog module,
 * Multivac), on a free port with an in-memory database and no generated
 * history; `features` adds plugins, `guestUserRef` signs the guest in as
 * someone else than the demo's Ada, `config` is read last (e.g. a PostgreSQL
 * database that several backends share).
 */
export async function startDemoBackend(
  options: {
    features?: BackendFeature[];
    guestUserRef?: string;
    config?: Record<string, unknown>;
  } = {},
): Promise<DemoBackend> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multivac-demo-'));
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
      ...(options.guestUserRef
        ? [`      userEntityRef: ${options.guestUserRef}`]
        : []),
      'multivac:',
      '  demo:',
      '    history: false',
      '',
    ].join('\n'),
  );
  const more = path.join(dir, 'more.yaml');
  fs.writeFileSync(more, JSON.stringify(options.config ?? {}));
  // app-config.yaml names the demo catalog's files relative to
  // packages/backend, where `npm start` runs the backend; `npm test` runs
  // from the repository's root.
  const previousDirectory = process.cwd();
  process.chdir(path.join(root, 'packages', 'backend'));
  const backend = createBackend();
  backend.add(
    rootConfigServiceFactory({
      argv: [
        'node',
        'backend',
        '--config',
        path.join(root, 'app-config.yaml'),
        '--config',
        override,
        '--config',
        more,
      ],
    }),
  );
  for (const feature of [
    authPlugin,
    guestProvider,
    catalogPlugin,
    catalogModuleMultivacSchedules,
    permissionPlugin,
    permissionPolicyModule,
    multivacPlugin,
    ...(options.features ?? []),
  ]) {
    backend.add(feature);
  }
  await backend.start();

  const auth = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  const token: string = (await auth.json()).backstageIdentity.token;
  const get = async (url: string) => {
    const res = await fetch(`${baseUrl}${url}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: await res.json() };
  };

  return {
    baseUrl,
    token,
    get,
    async waitForEntities(refs, timeoutMs = 120_000) {
      // The catalog ingests examples/ in the background.
      const deadline = Date.now() + timeoutMs;
      let missing = refs;
      while (missing.length > 0) {
        const found = await Promise.all(
          missing.map(async ref => {
            const [kind, rest] = ref.split(':');
            const { status } = await get(
              `/api/catalog/entities/by-name/${kind}/${rest}`,
            );
            return status === 200;
          }),
        );
        missing = missing.filter((_, i) => !found[i]);
        if (missing.length === 0) {
          return;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `The demo catalog did not have ${missing.join(', ')} in time`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 500));
      }
    },
    async stop() {
      await backend.stop();
      process.chdir(previousDirectory);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
