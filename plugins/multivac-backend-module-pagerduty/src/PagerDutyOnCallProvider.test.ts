import { ConfigReader } from '@backstage/config';
import {
  ANNOTATION_PAGERDUTY_ACCOUNT,
  ANNOTATION_PAGERDUTY_INTEGRATION_KEY,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
} from '@multivac/plugin-multivac-common';
import {
  FakePagerDuty,
  startFakePagerDuty,
} from './__testUtils__/fakePagerDuty';
import {
  AT,
  component,
  euAccount,
  paymentsAccount,
  serviceFleet,
} from './__testUtils__/fixtures';
import { PagerDutyOnCallProvider } from './PagerDutyOnCallProvider';

const payments = component({
  [ANNOTATION_PAGERDUTY_SERVICE_ID]: 'PSVC1',
  [ANNOTATION_PAGERDUTY_INTEGRATION_KEY]: 'payments-routing-key',
});

describe('PagerDutyOnCallProvider', () => {
  let us: FakePagerDuty;
  let eu: FakePagerDuty;
  let now: number;
  let provider: PagerDutyOnCallProvider;

  beforeEach(async () => {
    us = await startFakePagerDuty(paymentsAccount({ pageSize: 3 }));
    eu = await startFakePagerDuty(euAccount());
    now = 0;
    provider = PagerDutyOnCallProvider.fromConfig(
      new ConfigReader({
        multivac: {
          pagerDuty: {
            apiToken: 'us-token',
            apiBaseUrl: us.url,
            eventsBaseUrl: us.url,
            cacheTtlSeconds: 60,
            accounts: [
              {
                id: 'eu',
                apiToken: 'eu-token',
                apiBaseUrl: eu.url,
                eventsBaseUrl: eu.url,
              },
            ],
          },
        },
      }),
      { now: () => now },
    );
  });
  afterEach(async () => {
    await us.close();
    await eu.close();
  });

  it('handles entities with a service id or an integration key', () => {
    expect(provider.id).toBe('pagerduty');
    expect(
      provider.handles(component({ [ANNOTATION_PAGERDUTY_SERVICE_ID]: 'P1' })),
    ).toBe(true);
    expect(
      provider.handles(
        component({ [ANNOTATION_PAGERDUTY_INTEGRATION_KEY]: 'key' }),
      ),
    ).toBe(true);
    expect(
      provider.handles(component({ [ANNOTATION_PAGERDUTY_ACCOUNT]: 'eu' })),
    ).toBe(false);
    expect(provider.handles(component({}))).toBe(false);
  });

  describe('getOnCall', () => {
    it('answers with the escalation levels, their timeouts, contacts and the next shift', async () => {
      const answer = await provider.getOnCall(payments, AT);

      const ada = {
        name: 'Ada Lovelace',
        email: 'ada@nimbus.example',
        phone: '+49 3055501001',
      };
      expect(answer).toEqual({
        provider: 'pagerduty',
        schedule: {
          id: 'PEP1',
          name: 'Payments escalation',
          url: 'https://nimbus.pagerduty.com/escalation_policies/PEP1',
        },
        levels: [
          {
            level: 1,
            timeoutMinutes: 30,
            onCall: [
              {
                person: ada,
                start: '2026-03-02T10:15:00.000Z',
                end: '2026-03-05T10:15:00.000Z',
              },
            ],
          },
          {
            level: 2,
            timeoutMinutes: 15,
            onCall: [
              {
                // Permanent on-call: from the asked time, for a year.
                person: { name: 'Alan Turing', email: 'alan@nimbus.example' },
                start: '2026-03-02T10:30:00.000Z',
                end: '2027-03-02T10:30:00.000Z',
              },
            ],
          },
          {
            level: 3,
            timeoutMinutes: 60,
            onCall: [
              {
                person: {
                  name: 'Linus Torvalds',
                  email: 'linus@nimbus.example',
                  phone: '+1 5035550105',
                },
                start: '2026-03-01T00:00:00.000Z',
                end: '2026-04-01T00:00:00.000Z',
              },
            ],
          },
        ],
        // Ada's contiguous second piece is not a hand-off.
        next: {
          person: {
            name: 'Grace Hopper',
            email: 'grace@nimbus.example',
            phone: '+44 2055501003',
          },
          start: '2026-03-09T10:15:00.000Z',
          end: '2026-03-16T10:15:00.000Z',
        },
      });
      expect(answer.levels[0].onCall[0].person.userRef).toBeUndefined();
    });

    it("lists the account's services with their policies, the policies' on-calls for 14 days and the users", async () => {
      await provider.getOnCall(payments, AT);

      // On-calls and users are read side by side.
      expect(us.requests.map(r => r.path).sort()).toEqual([
        ...Array(3).fill('/oncalls'),
        '/services',
        ...Array(2).fill('/users'),
      ]);
      expect(us.requests[0].query.getAll('include[]')).toEqual([
        'escalation_policies',
      ]);
      const userPages = us.requests.filter(r => r.path === '/users');
      expect(userPages.map(r => r.query.getAll('include[]'))).toEqual([
        ['contact_methods'],
        ['contact_methods'],
      ]);
      const onCallPages = us.requests.filter(r => r.path === '/oncalls');
      expect(onCallPages.map(r => r.query.get('offset'))).toEqual([
        '0',
        '3',
        '6',
      ]);
      expect(onCallPages[0].query.getAll('escalation_policy_ids[]')).toEqual([
        'PEP1',
      ]);
      expect(onCallPages[0].query.get('since')).toBe(
        '2026-03-02T10:00:00.000Z',
      );
      expect(onCallPages[0].query.get('until')).toBe(
        '2026-03-17T10:00:00.000Z',
      );
    });

    it('has no next shift after a permanent level-1 on-call', async () => {
      await us.close();
      const account = paymentsAccount();
      us = await startFakePagerDuty({
        ...account,
        oncalls: account.oncalls!.map(o =>
          o.escalation_level === 2
            ? { ...o, escalation_level: 1 }
            : { ...o, escalation_level: o.escalation_level + 1 },
        ),
      });
      provider = PagerDutyOnCallProvider.fromConfig(
        new ConfigReader({
          multivac: { pagerDuty: { apiToken: 'us-token', apiBaseUrl: us.url } },
        }),
      );

      const answer = await provider.getOnCall(payments, AT);

      expect(answer.levels[0].onCall.map(s => s.person.name)).toEqual([
        'Alan Turing',
      ]);
      expect(answer.next).toBeUndefined();
    });

    it('picks the account named by pagerduty.com/account', async () => {
      const ledger = component({
        [ANNOTATION_PAGERDUTY_SERVICE_ID]: 'PEUSVC',
        [ANNOTATION_PAGERDUTY_ACCOUNT]: 'eu',
      });

      const answer = await provider.getOnCall(ledger, AT);

      expect(answer.schedule.name).toBe('Ledger escalation');
      expect(answer.levels).toEqual([
        {
          level: 1,
          timeoutMinutes: 10,
          onCall: [
            {
              person: { name: 'Hedy Lamarr', email: 'hedy@nimbus.example' },
              start: '2026-03-01T08:00:00.000Z',
              end: '2026-03-08T08:00:00.000Z',
            },
          ],
        },
      ]);
      expect(us.requests).toEqual([]);
      expect(
        eu.requests.every(
          r => r.headers.authorization === 'Token token=eu-token',
        ),
      ).toBe(true);
    });

    it('names the entity and the account when the account is not configured', async () => {
      const entity = component({
        [ANNOTATION_PAGERDUTY_SERVICE_ID]: 'PSVC1',
        [ANNOTATION_PAGERDUTY_ACCOUNT]: 'apac',
      });

      await expect(provider.getOnCall(entity, AT)).rejects.toMatchObject({
        name: 'NotFoundError',
        message:
          "component:default/payments-api names PagerDuty account 'apac' (pagerduty.com/account), which is not in multivac.pagerDuty.accounts",
      });
    });

    it('names the entity and the service when PagerDuty does not know the service, asking once per TTL', async () => {
      const entity = component({ [ANNOTATION_PAGERDUTY_SERVICE_ID]: 'PNOPE' });
      const notFound = {
        name: 'NotFoundError',
        message:
          "component:default/payments-api names PagerDuty service 'PNOPE' (pagerduty.com/service-id), which PagerDuty account 'default' does not have",
      };

      await expect(provider.getOnCall(entity, AT)).rejects.toMatchObject(
        notFound,
      );
      await expect(provider.getOnCall(entity, AT)).rejects.toMatchObject(
        notFound,
      );

      expect(us.requests.map(r => r.path)).toEqual([
        '/services',
        '/services/PNOPE',
      ]);
    });

    it('finds a service created after the services were listed, for one call', async () => {
      const account = paymentsAccount({ pageSize: 3 });
      await us.close();
      us = await startFakePagerDuty(account);
      provider = PagerDutyOnCallProvider.fromConfig(
        new ConfigReader({
          multivac: { pagerDuty: { apiToken: 'us-token', apiBaseUrl: us.url } },
        }),
      );
      const first = await provider.getOnCall(payments, AT);
      const listed = us.requests.length;
      account.services!.push({
        id: 'PSVC2',
        type: 'service',
        name: 'Payments Webhooks',
        escalation_policy: { id: 'PEP1', type: 'escalation_policy_reference' },
      });
      const webhooks = component({
        [ANNOTATION_PAGERDUTY_SERVICE_ID]: 'PSVC2',
      });

      const answer = await provider.getOnCall(webhooks, AT);
      await provider.getOnCall(webhooks, AT);

      expect(answer).toEqual(first);
      expect(us.requests.slice(listed).map(r => r.path)).toEqual([
        '/services/PSVC2',
      ]);
    });

    it('reads a user put on call after the users were listed', async () => {
      const account = paymentsAccount();
      await us.close();
      us = await startFakePagerDuty(account);
      provider = PagerDutyOnCallProvider.fromConfig(
        new ConfigReader({
          multivac: { pagerDuty: { apiToken: 'us-token', apiBaseUrl: us.url } },
        }),
      );
      await provider.getOnCall(payments, AT);
      account.users!.push({
        id: 'PKATHERINE',
        type: 'user',
        name: 'Katherine Johnson',
        email: 'katherine@nimbus.example',
        contact_methods: [],
      });
      account.oncalls!.push({
        user: { id: 'PKATHERINE' },
        escalation_policy: { id: 'PEP1' },
        escalation_level: 2,
        start: null,
        end: null,
      });

      // Another hour: the on-calls are read again, the users are not.
      const answer = await provider.getOnCall(
        payments,
        new Date(+AT + 3_600_000),
      );

      expect(answer.levels[1].onCall.map(s => s.person)).toEqual([
        { name: 'Alan Turing', email: 'alan@nimbus.example' },
        { name: 'Katherine Johnson', email: 'katherine@nimbus.example' },
      ]);
      expect(us.requests.slice(-2).map(r => r.path)).toEqual([
        '/oncalls',
        '/users/PKATHERINE',
      ]);
    });

    it('answers with no levels for an entity with only an integration key', async () => {
      const entity = component({
        [ANNOTATION_PAGERDUTY_INTEGRATION_KEY]: 'routing-key',
      });

      await expect(provider.getOnCall(entity, AT)).resolves.toEqual({
        provider: 'pagerduty',
        schedule: { id: 'integration-key', name: 'PagerDuty integration' },
        levels: [],
      });
      expect(us.requests).toEqual([]);
    });

    it('costs no upstream calls within the cache TTL and fresh calls after it', async () => {
      const first = await provider.getOnCall(payments, AT);
      const callsForOneAnswer = us.requests.length;
      expect(callsForOneAnswer).toBe(6);

      now += 59_000;
      const later = new Date(+AT + 59_000);
      const cached = await provider.getOnCall(payments, later);
      expect(cached.levels[0]).toEqual(first.levels[0]);
      expect(cached.next).toEqual(first.next);
      expect(us.requests).toHaveLength(callsForOneAnswer);

      now += 2_000;
      await provider.getOnCall(payments, later);
      expect(us.requests).toHaveLength(2 * callsForOneAnswer);
    });

    it('reports 401 as an AuthenticationError', async () => {
      provider = PagerDutyOnCallProvider.fromConfig(
        new ConfigReader({
          multivac: { pagerDuty: { apiToken: 'revoked', apiBaseUrl: us.url } },
        }),
      );

      await expect(provider.getOnCall(payments, AT)).rejects.toMatchObject({
        name: 'AuthenticationError',
        message:
          "PagerDuty GET /services answered 401: Unauthorized; check the apiToken of PagerDuty account 'default'",
      });
    });

    it('answers through a Scoped OAuth client with the default scopes', async () => {
      await us.close();
      us = await startFakePagerDuty(
        paymentsAccount({
          oauthClients: [
            { clientId: 'app', clientSecret: 'secret', subdomain: 'nimbus' },
          ],
        }),
      );
      provider = PagerDutyOnCallProvider.fromConfig(
        new ConfigReader({
          multivac: {
            pagerDuty: {
              apiBaseUrl: us.url,
              oauth: {
                clientId: 'app',
                clientSecret: 'secret',
                subdomain: 'nimbus',
                tokenUrl: `${us.url}/oauth/token`,
              },
            },
          },
        }),
      );

      const answer = await provider.getOnCall(payments, AT);

      expect(answer.levels[0].onCall[0].person.phone).toBe('+49 3055501001');
      expect(
        us.requests.filter(r => r.headers.authorization?.startsWith('Bearer')),
      ).toHaveLength(us.requests.length - 1);
    });

    it('waits out a rate limit and answers', async () => {
      const sleeps: number[] = [];
      provider = PagerDutyOnCallProvider.fromConfig(
        new ConfigReader({
          multivac: { pagerDuty: { apiToken: 'us-token', apiBaseUrl: us.url } },
        }),
        {
          sleep: async ms => {
            sleeps.push(ms);
          },
        },
      );
      us.rateLimitNext(2, 1);

      const answer = await provider.getOnCall(payments, AT);

      expect(answer.levels).toHaveLength(3);
      expect(sleeps).toEqual([1000, 1000]);
      expect(us.requests.slice(0, 3).map(r => r.path)).toEqual([
        '/services',
        '/services',
        '/services',
      ]);
    });
  });

  describe('upstream calls for many services', () => {
    const SERVICES = 30;
    const ENTITIES_PER_SERVICE = 4;
    let fleet: FakePagerDuty;

    beforeEach(async () => {
      fleet = await startFakePagerDuty(serviceFleet(SERVICES, AT));
      provider = PagerDutyOnCallProvider.fromConfig(
        new ConfigReader({
          multivac: {
            pagerDuty: {
              apiToken: 'fleet-token',
              apiBaseUrl: fleet.url,
              cacheTtlSeconds: 60,
            },
          },
        }),
        { now: () => now },
      );
    });
    afterEach(() => fleet.close());

    /** Every card at once, as a catalog page asks; checks each answer. */
    const askForEveryCard = () =>
      Promise.all(
        Array.from(
          { length: SERVICES * ENTITIES_PER_SERVICE },
          async (_, i) => {
            const service = String(i % SERVICES).padStart(2, '0');
            const answer = await provider.getOnCall(
              component({
                [ANNOTATION_PAGERDUTY_SERVICE_ID]: `PSVC${service}`,
              }),
              AT,
            );
            expect(answer.levels[0].onCall[0].person).toEqual({
              name: `Responder ${service}`,
              email: `responder${service}@nimbus.example`,
              phone: `+1 50355501${service}`,
            });
          },
        ),
      );
    const calls = () => fleet.requests.map(r => `${r.method} ${r.path}`).sort();

    it('cost at most one upstream call per service within one TTL', async () => {
      await askForEveryCard();

      expect(fleet.requests.length).toBeLessThanOrEqual(SERVICES);
      expect(calls()).toEqual([
        'GET /oncalls',
        'GET /oncalls',
        'GET /services',
        'GET /users',
      ]);
      // The policies of 25 services, then of the other 5.
      expect(
        fleet.requests
          .filter(r => r.path === '/oncalls')
          .map(r => r.query.getAll('escalation_policy_ids[]').length)
          .sort((a, b) => a - b),
      ).toEqual([5, 25]);
    });

    it('cost nothing with a warm cache', async () => {
      await askForEveryCard();
      const cold = fleet.requests.length;

      now += 59_000;
      await askForEveryCard();

      expect(fleet.requests).toHaveLength(cold);
    });

    it('are read again after the TTL', async () => {
      await askForEveryCard();
      const cold = calls();

      now += 60_000;
      await askForEveryCard();

      expect(calls()).toEqual([...cold, ...cold].sort());
    });
  });

  describe('paging one person', () => {
    const ada = { name: 'Ada Lovelace', email: 'ADA@nimbus.example' };
    const page = {
      summary: 'SEV2 INC-7: card payments failing',
      details: { incident: 'INC-7', usersAffected: '1000+' },
      urgency: 'high' as const,
      dedupKey: 'multivac-page-9',
    };
    const withDirectService = (directPageServiceId?: string) =>
      PagerDutyOnCallProvider.fromConfig(
        new ConfigReader({
          multivac: {
            pagerDuty: {
              apiToken: 'us-token',
              apiBaseUrl: us.url,
              fromEmail: 'grace@nimbus.example',
              directPageServiceId,
            },
          },
        }),
      );

    it('pages someone PagerDuty knows by email, about a service or on the direct-page service', async () => {
      const direct = withDirectService();
      expect(await direct.person.canPage(ada, payments)).toBe(true);
      expect(await direct.person.canPage(ada, undefined)).toBe(false);
      expect(await direct.person.canPage(ada, component({}))).toBe(false);
      expect(
        await direct.person.canPage(
          { name: 'Stranger', email: 'stranger@nimbus.example' },
          payments,
        ),
      ).toBe(false);
      expect(await direct.person.canPage({ name: 'No email' }, payments)).toBe(
        false,
      );
      expect(
        await withDirectService('PSVC1').person.canPage(ada, undefined),
      ).toBe(true);
    });

    it('opens an incident assigned to the user, keyed by the dedup key, once', async () => {
      const direct = withDirectService();
      const result = await direct.person.page(ada, payments, page);
      expect(result).toEqual({
        externalId: 'PINC1',
        status: 'PagerDuty incident 1 assigned to Ada Lovelace',
      });
      const created = us.requests.find(
        r => r.method === 'POST' && r.path === '/incidents',
      );
      expect(created?.headers.from).toBe('grace@nimbus.example');
      expect(created?.body).toEqual({
        incident: {
          type: 'incident',
          title: 'SEV2 INC-7: card payments failing',
          service: { id: 'PSVC1', type: 'service_reference' },
          urgency: 'high',
          body: {
            type: 'incident_body',
            details: 'incident: INC-7\nusersAffected: 1000+',
          },
          incident_key: 'multivac-page-9',
          assignments: [{ assignee: { id: 'PADA', type: 'user_reference' } }],
        },
      });

      // A retried delivery finds the incident instead of opening another.
      expect(await direct.person.page(ada, payments, page)).toEqual(result);
      expect(us.incidents()).toHaveLength(1);

      await direct.person.acknowledge(ada, payments, 'multivac-page-9');
      expect(us.incidents()[0].status).toBe('acknowledged');
      // Acknowledging again (a retried job) changes nothing.
      await direct.person.acknowledge(ada, payments, 'multivac-page-9');
      expect(
        us.requests.filter(r => r.method === 'PUT').map(r => r.path),
      ).toEqual(['/incidents/PINC1']);
    });

    it('says why a page cannot go through any more', async () => {
      const direct = withDirectService();
      await expect(
        direct.person.page(
          { name: 'Stranger', email: 'stranger@nimbus.example' },
          payments,
          page,
        ),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message:
          'PagerDuty can no longer page Stranger: no PagerDuty user has their email, or no service to open the incident on',
      });
      await expect(
        direct.person.acknowledge(ada, payments, 'never-sent'),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });
  });

  describe('paging', () => {
    it('triggers an Events API v2 alert with the integration key', async () => {
      const result = await provider.page(payments, {
        summary: 'SEV2 payments-api: card payments failing',
        details: { reporter: 'ada', impact: 'card payments fail' },
        urgency: 'high',
        dedupKey: 'multivac-page-1',
        link: {
          href: 'http://localhost:3000/multivac/pages/1',
          text: 'Page in Multivac',
        },
      });

      expect(result).toEqual({
        externalId: 'multivac-page-1',
        status: 'accepted by PagerDuty',
      });
      expect(us.events()).toEqual([
        {
          routing_key: 'payments-routing-key',
          event_action: 'trigger',
          dedup_key: 'multivac-page-1',
          payload: {
            summary: 'SEV2 payments-api: card payments failing',
            source: 'multivac',
            severity: 'critical',
            custom_details: { reporter: 'ada', impact: 'card payments fail' },
          },
          links: [
            {
              href: 'http://localhost:3000/multivac/pages/1',
              text: 'Page in Multivac',
            },
          ],
        },
      ]);
      expect(us.requests[0].path).toBe('/v2/enqueue');
      expect(us.requests[0].headers.authorization).toBeUndefined();
    });

    it('sends low urgency as a warning, without links, with the summary cut to 1024 characters', async () => {
      await provider.page(payments, {
        summary: 'x'.repeat(2000),
        details: {},
        urgency: 'low',
        dedupKey: 'multivac-page-2',
      });

      const [event] = us.events() as any[];
      expect(event.payload.severity).toBe('warning');
      expect(event.payload.summary).toHaveLength(1024);
      expect(event.payload.summary.endsWith('x…')).toBe(true);
      expect(event).not.toHaveProperty('links');
    });

    it('acknowledges and resolves with the same dedup key', async () => {
      await provider.acknowledge(payments, 'multivac-page-1');
      await provider.resolve(payments, 'multivac-page-1');

      expect(us.events()).toEqual([
        {
          routing_key: 'payments-routing-key',
          event_action: 'acknowledge',
          dedup_key: 'multivac-page-1',
        },
        {
          routing_key: 'payments-routing-key',
          event_action: 'resolve',
          dedup_key: 'multivac-page-1',
        },
      ]);
    });

    it('sends events to the Events API of the annotated account', async () => {
      const ledger = component({
        [ANNOTATION_PAGERDUTY_INTEGRATION_KEY]: 'ledger-routing-key',
        [ANNOTATION_PAGERDUTY_ACCOUNT]: 'eu',
      });

      await provider.resolve(ledger, 'multivac-page-3');

      expect(eu.events()).toEqual([
        expect.objectContaining({ routing_key: 'ledger-routing-key' }),
      ]);
      expect(us.requests).toEqual([]);
    });

    it('refuses to page an entity without an integration key', async () => {
      const serviceOnly = component({
        [ANNOTATION_PAGERDUTY_SERVICE_ID]: 'PSVC1',
      });

      await expect(
        provider.page(serviceOnly, {
          summary: 'Down',
          details: {},
          urgency: 'high',
          dedupKey: 'multivac-page-4',
        }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message:
          'component:default/payments-api cannot be paged through PagerDuty: it needs the pagerduty.com/integration-key annotation (the key of an Events API v2 integration of its service)',
      });
      await expect(
        provider.acknowledge(serviceOnly, 'multivac-page-4'),
      ).rejects.toMatchObject({ name: 'InputError' });
      expect(us.requests).toEqual([]);
    });

    it('reports a rejected event as an InputError', async () => {
      await expect(
        provider.page(payments, {
          summary: '',
          details: {},
          urgency: 'high',
          dedupKey: 'multivac-page-5',
        }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message:
          "PagerDuty POST /v2/enqueue (trigger) answered 400: Event object is invalid; 'payload.summary' is missing or blank",
      });
    });
  });
});
