import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import {
  chatCatalog,
  entity,
  guestToken,
  startChatBackend,
} from '../__testUtils__/chatBackend';

jest.setTimeout(60_000);

type Backend = Awaited<ReturnType<typeof startChatBackend>>['backend'];

const HOUR = 3_600_000;
const at = (offsetHours: number) =>
  new Date(Date.now() + offsetHours * HOUR).toISOString();

const component = (name: string, relations: Entity['relations'] = []) =>
  entity('Component', name, {
    relations: [
      { type: 'ownedBy', targetRef: 'group:default/payments' },
      ...relations!,
    ],
  });

// checkout → payments-api → ledger-service; lonely-service stands alone.
const catalog = [
  ...chatCatalog.filter(e => e.metadata.name !== 'payments-api'),
  component('payments-api', [
    { type: 'dependsOn', targetRef: 'component:default/ledger-service' },
  ]),
  component('checkout', [
    { type: 'dependsOn', targetRef: 'component:default/payments-api' },
  ]),
  component('ledger-service'),
  component('search-service'),
  component('lonely-service'),
];

const link = (reference: string) =>
  `${reference} (http://portal.example/multivac/releases/${reference})`;
/** "today 14:00–14:30 UTC", with another day's name where the window crosses midnight. */
const WINDOW = '[a-z]+ \\d\\d:\\d\\d–(?:[A-Za-z0-9 ]+ )?\\d\\d:\\d\\d UTC';

describe('the releases command, through the chat route', () => {
  let backend: Backend;
  let token: string;

  function chat(body: object) {
    return request(backend.server)
      .post('/api/multivac/chat')
      .set('Authorization', `Bearer ${token}`)
      .send(body)
      .expect(200);
  }

  async function book(
    entityRef: string,
    title: string,
    window: [number, number],
    environment = 'production',
    past?: { status: 'done'; reason: string },
  ): Promise<string> {
    const res = await request(backend.server)
      .post('/api/multivac/releases')
      .set('Authorization', `Bearer ${token}`)
      .send({
        entityRef,
        title,
        environment,
        start: at(window[0]),
        end: at(window[1]),
        ...past,
      });
    expect([res.status, res.body.error?.message]).toEqual([201, undefined]);
    return res.body.reference;
  }

  async function move(reference: string, to: string) {
    await request(backend.server)
      .post(`/api/multivac/releases/${reference}/status`)
      .set('Authorization', `Bearer ${token}`)
      .send({ to })
      .expect(200);
  }

  beforeAll(async () => {
    ({ backend } = await startChatBackend({
      guest: 'user:default/ada.lovelace',
      entities: catalog,
    }));
    token = await guestToken(backend.server);
    // Booked before any incident: an active one would freeze these windows.
    await book('ledger-service', 'v2.4.1', [0.5, 1]); // REL-1
    await move('REL-1', 'in_progress');
    await book('payments-api', 'v7.0.0', [48, 49]); // REL-2
    // A window that has ended is recorded as done, with a reason.
    await book('ledger-service', 'v2.4.0', [-5, -4], 'production', {
      status: 'done',
      reason: 'Shipped this morning',
    }); // REL-3
    await book('ledger-service', 'v2.5.0-rc1', [3, 4], 'staging'); // REL-4
    await book('search-service', 'v1.2.0', [2, 3]); // REL-5
    await book('ledger-service', 'v2.4.2', [240, 241]); // REL-6: too far ahead
    await book('payments-api', 'v6.9.9', [-60, -59], 'production', {
      status: 'done',
      reason: 'Shipped two days ago',
    }); // REL-7: long before
  });
  afterAll(() => backend.stop());

  it('lists the current and upcoming production releases of a service and of what it depends on', async () => {
    const res = await chat({ text: 'releases payments-api' });

    expect(res.body.outcome).toBe('done');
    const [reply] = res.body.replies;
    const lines = reply.split('\n');
    expect(lines[0]).toBe(
      '*Releases of payments-api and what it depends on in production, now and in the next 7 days:*',
    );
    expect(lines.slice(1)).toHaveLength(2);
    expect(lines[1]).toMatch(
      new RegExp(
        `^• ${link('REL-1').replace(
          /[().]/g,
          '\\$&',
        )} ledger-service v2\\.4\\.1, ${WINDOW} \\(in progress\\) — payments-api depends on ledger-service$`,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `^• ${link('REL-2').replace(
          /[().]/g,
          '\\$&',
        )} payments-api v7\\.0\\.0, [A-Z][a-z]{2} \\d{1,2} [A-Z][a-z]{2} \\d\\d:\\d\\d–(?:[A-Za-z0-9 ]+ )?\\d\\d:\\d\\d UTC$`,
      ),
    );
  });

  it('says how a service depends on a release further away', async () => {
    const res = await chat({ text: 'releases checkout' });

    expect(res.body.replies[0]).toContain('ledger-service v2.4.1, ');
    expect(res.body.replies[0]).toContain(
      '(in progress) — checkout depends on payments-api, which depends on ledger-service',
    );
    expect(res.body.replies[0]).toContain('payments-api v7.0.0, ');
  });

  it('looks in another environment when asked', async () => {
    const res = await chat({ text: 'releases payments-api in staging' });

    const lines = res.body.replies[0].split('\n');
    expect(lines[0]).toBe(
      '*Releases of payments-api and what it depends on in staging, now and in the next 7 days:*',
    );
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^• REL-4 \(.*\) ledger-service v2\.5\.0-rc1, .* — payments-api depends on ledger-service$/,
      ),
    ]);
  });

  it('says so when nothing is releasing', async () => {
    const res = await chat({ text: 'releases lonely-service' });

    expect(res.body).toMatchObject({
      outcome: 'done',
      replies: [
        'No releases of lonely-service or what it depends on in production in the next 7 days.',
      ],
    });
  });

  it('refuses unknown services and environments, and asks for a service outside an incident', async () => {
    const unknown = await chat({ text: 'releases nowhere-service' });
    const environment = await chat({ text: 'releases payments-api in mars' });
    const bare = await chat({ text: 'releases' });
    const garbled = await chat({ text: 'releases payments-api in' });

    expect(unknown.body.outcome).toBe('failed');
    expect(unknown.body.replies).toEqual(['No service named nowhere-service.']);
    expect(environment.body).toMatchObject({
      outcome: 'failed',
      replies: ["Unknown environment 'mars'; configured: production, staging"],
    });
    expect(bare.body).toMatchObject({
      outcome: 'failed',
      replies: [
        'Name a service: `releases [service] [in <environment>]`. Inside an incident, `releases` alone looks at its services.',
      ],
    });
    expect(garbled.body.replies).toEqual([
      'Usage: `releases [service] [in <environment>]`',
    ]);
  });

  it('in an incident, shows what changed before it started and what is releasing', async () => {
    const declared = await chat({
      text: 'start payments-api sev2 Checkout down',
    });
    const { reference } = declared.body.incident;

    const res = await chat({ text: 'releases', incident: reference });

    const lines = res.body.replies[0].split('\n');
    expect(lines[0]).toBe(
      `*Releases of ${reference}'s services (payments-api) and what they depend on, in production*`,
    );
    expect(lines[1]).toBe(
      '_What changed?_ Under way in the 24 hours before it started:',
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `^• REL-3 \\(.*\\) ledger-service v2\\.4\\.0, ${WINDOW} \\(done\\) — payments-api depends on ledger-service$`,
      ),
    );
    expect(lines[3]).toBe('Now and in the next 7 days:');
    expect(lines.slice(4)).toEqual([
      expect.stringMatching(/^• REL-1 \(.*\(in progress\) — payments-api/),
      expect.stringMatching(/^• REL-2 \(.*\) payments-api v7\.0\.0, /),
    ]);
  });

  it('in an incident with nothing releasing around it, says so', async () => {
    const declared = await chat({ text: 'start lonely-service Slow search' });
    const { reference } = declared.body.incident;

    const res = await chat({ text: 'releases', incident: reference });

    expect(res.body.replies).toEqual([
      `No releases of ${reference}'s services (lonely-service) or what they depend on in production in the 24 hours before it started, nor now or in the next 7 days.`,
    ]);
  });
});
