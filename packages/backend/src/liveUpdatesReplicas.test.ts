import { createBackend } from '@backstage/backend-defaults';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import authPlugin from '@backstage/plugin-auth-backend';
import guestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import signalsPlugin from '@backstage/plugin-signals-backend';
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

interface Replica {
  backend: ReturnType<typeof createBackend>;
  baseUrl: string;
  token: string;
}

/**
 * One backend process as the demo runs it, with the signals backend and no
 * events backend (so no events bus): `events.useEventBus` is Backstage's
 * default, `auto`.
 */
async function startReplica(dir: string, name: string): Promise<Replica> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const override = path.join(dir, `${name}.yaml`);
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
      ],
    }),
  );
  backend.add(authPlugin);
  backend.add(guestProvider);
  backend.add(catalogPlugin);
  backend.add(permissionPlugin);
  backend.add(permissionPolicyModule);
  backend.add(signalsPlugin);
  backend.add(multivacPlugin);
  await backend.start();
  const auth = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  const token = (await auth.json()).backstageIdentity.token;
  return { backend, baseUrl, token };
}

/** A browser's signals connection, subscribed to `channel`. */
async function listen(replica: Replica, channel: string, token?: string) {
  const received: unknown[] = [];
  const url = `${replica.baseUrl.replace('http', 'ws')}/api/signals`;
  // The signals backend hooks the server's upgrades on the first request
  // that reaches it, so the very first connection may fail (the frontend's
  // SignalClient reconnects too).
  let ws: WebSocket | undefined;
  for (let attempt = 1; !ws; attempt++) {
    const socket = token ? new WebSocket(url, token) : new WebSocket(url);
    const opened = await new Promise<boolean>(resolve => {
      const timer = setTimeout(() => resolve(false), 2_000);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve(true);
      };
      socket.onerror = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
    if (opened) {
      ws = socket;
    } else {
      socket.close();
      if (attempt === 5) {
        throw new Error(`no WebSocket to ${url}`);
      }
    }
  }
  ws.onmessage = event => received.push(JSON.parse(String(event.data)));
  ws.send(JSON.stringify({ action: 'subscribe', channel }));
  // The subscription is a message too: let it arrive before anything changes.
  await new Promise(resolve => setTimeout(resolve, 200));
  return { received, close: () => ws.close() };
}

/**
 * What two replicas behind a load balancer do with signals when no events
 * bus is installed (the demo backend): each browser's WebSocket ends on one
 * replica, and a signal reaches only the browsers whose WebSocket ends on the
 * replica that made the change. The replicas have a database each here:
 * signals do not go through the database, so sharing one changes nothing.
 */
describe('live updates across two replicas without an events bus', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multivac-signals-'));
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    a = await startReplica(dir, 'a');
    b = await startReplica(dir, 'b');
    // Replica A's catalog ingests examples/ in the background.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await fetch(
        `${a.baseUrl}/api/catalog/entities/by-name/component/default/payments-api`,
        { headers: { authorization: `Bearer ${a.token}` } },
      );
      if (res.status === 200) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error('payments-api was not ingested in time');
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  });

  afterAll(async () => {
    await a?.backend.stop();
    await b?.backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reaches the browsers on the replica that made the change, not the others', async () => {
    const onA = await listen(a, 'multivac:incidents', a.token);
    const onB = await listen(b, 'multivac:incidents', b.token);
    // The signals backend takes connections without a token (as a guest),
    // and a broadcast reaches them too: signals carry only ids.
    const anonymousOnA = await listen(a, 'multivac:incidents');
    try {
      const declared = await fetch(`${a.baseUrl}/api/multivac/incidents`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${a.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          title: 'Checkout payments failing',
          severity: 'SEV3',
          entityRefs: ['component:default/payments-api'],
        }),
      });
      const body = await declared.json();
      expect({ status: declared.status, body }).toMatchObject({
        status: 201,
      });

      const deadline = Date.now() + 10_000;
      while (onA.received.length === 0 && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      expect(onA.received[0]).toEqual({
        channel: 'multivac:incidents',
        message: { kind: 'incident', id: body.id, at: expect.any(String) },
      });
      expect(anonymousOnA.received.length).toBeGreaterThan(0);
      // Replica B's browsers hear nothing, however long they wait.
      await new Promise(resolve => setTimeout(resolve, 2_000));
      expect(onB.received).toEqual([]);
    } finally {
      onA.close();
      onB.close();
      anonymousOnA.close();
    }
  });
});
