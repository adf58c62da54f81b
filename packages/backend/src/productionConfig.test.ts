import { createBackend } from '@backstage/backend-defaults';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import permissionPlugin from '@backstage/plugin-permission-backend';
import allowAllPolicy from '@backstage/plugin-permission-backend-module-allow-all-policy';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { useProductionEnvironment } from './__testUtils__/productionEnvironment';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '../../..');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('app-config.production.yaml', () => {
  const dir = useProductionEnvironment('multivac-production-');

  it("parses, and turns Backstage's rate limit on: 600 requests a minute per client, then 429", async () => {
    const port = await freePort();
    const override = path.join(dir, 'override.yaml');
    // Localhost is exempt by default; here it stands for any client.
    fs.writeFileSync(
      override,
      `backend:\n  listen:\n    port: ${port}\n  rateLimit:\n    ipAllowList: []\n`,
    );
    const backend = createBackend();
    backend.add(
      rootConfigServiceFactory({
        argv: [
          'node',
          'backend',
          '--config',
          path.join(root, 'app-config.yaml'),
          '--config',
          path.join(root, 'app-config.production.yaml'),
          '--config',
          override,
        ],
      }),
    );
    // Any plugin, so that the root HTTP router is built and listens.
    backend.add(permissionPlugin);
    backend.add(allowAllPolicy);
    await backend.start();
    try {
      const liveness = () =>
        fetch(`http://127.0.0.1:${port}/.backstage/health/v1/liveness`).then(
          res => res.status,
        );
      const statuses: number[] = [];
      for (let i = 0; i < 600; i++) {
        statuses.push(await liveness());
      }
      expect(statuses).toEqual(Array(600).fill(200));

      expect(await liveness()).toBe(429);
    } finally {
      await backend.stop();
    }
  });
});
