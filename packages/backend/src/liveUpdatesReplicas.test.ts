import signalsPlugin from '@backstage/plugin-signals-backend';
import { DemoBackend, startDemoBackend } from './__testUtils__/demoBackend';

jest.setTimeout(180_000);

type Replica = DemoBackend;

/**
 * One backend process as the demo runs it, with the signals backend and no
 * events backend (so no events bus): `events.useEventBus` is Backstage's
 * default, `auto`.
 */
function startReplica(): Promise<Replica> {
  return startDemoBackend({ features: [signalsPlugin] });
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
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    a = await startReplica();
    b = await startReplica();
    await a.waitForEntities(['component:default/payments-api']);
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
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
