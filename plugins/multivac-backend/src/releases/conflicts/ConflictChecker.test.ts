import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { Knex } from 'knex';
import { DatabaseIncidentStore } from '../../database/DatabaseIncidentStore';
import { DatabaseReleaseStore } from '../DatabaseReleaseStore';
import { NewRelease } from '../ReleaseStore';
import { readReleaseSettings } from '../settings';
import { CatalogGraph } from './CatalogGraph';
import { ConflictChecker, ReleaseProposal } from './ConflictChecker';
import { migrateDatabase } from '../../database/migrations';

jest.setTimeout(60_000);

// The engine's own logic; the store's queries are tested on both databases.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/*
 * storefront-web → checkout → payments-api → ledger-service → accounts-db
 * payments-api consumes fx-api, which fx-service provides.
 * shop: payments-api, checkout, cart. bank: ledger-service.
 * Relations are written from one side only, in both styles.
 */
const catalog = [
  entity('System', 'shop'),
  entity('System', 'bank', {
    relations: [['hasPart', 'component:default/ledger-service']],
  }),
  entity('Component', 'payments-api', {
    relations: [
      ['partOf', 'system:default/shop'],
      ['ownedBy', 'group:default/payments'],
      ['dependsOn', 'component:default/ledger-service'],
      ['dependencyOf', 'component:default/checkout'],
      ['consumesApi', 'api:default/fx-api'],
    ],
  }),
  entity('Component', 'ledger-service', {
    relations: [
      ['ownedBy', 'group:default/payments'],
      ['dependsOn', 'resource:default/accounts-db'],
    ],
  }),
  entity('Resource', 'accounts-db'),
  entity('API', 'fx-api', {
    relations: [['apiProvidedBy', 'component:default/fx-service']],
  }),
  entity('Component', 'fx-service'),
  entity('Component', 'checkout', {
    relations: [
      ['partOf', 'system:default/shop'],
      ['ownedBy', 'group:default/storefront'],
    ],
  }),
  entity('Component', 'storefront-web', {
    relations: [
      ['dependsOn', 'component:default/checkout'],
      ['dependencyOf', 'component:default/mobile-bff'],
    ],
  }),
  entity('Component', 'mobile-bff'),
  entity('Component', 'cart', {
    relations: [['partOf', 'system:default/shop']],
  }),
  entity('Component', 'lonely'),
];

const ref = (name: string, kind = 'component') => `${kind}:default/${name}`;
const ada = 'user:default/ada.lovelace';
const NOW = new Date('2026-11-24T12:00:00Z');

describe('ConflictChecker', () => {
  let knex: Knex;
  let releases: DatabaseReleaseStore;
  let incidents: DatabaseIncidentStore;

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
    await migrateDatabase(knex);
    incidents = new DatabaseIncidentStore(knex);
    releases = new DatabaseReleaseStore(knex);
  });

  function checker(releasesConfig: object = {}) {
    return new ConflictChecker({
      graph: { get: async () => CatalogGraph.fromEntities(catalog) },
      releases,
      incidents,
      settings: readReleaseSettings(
        new ConfigReader({ multivac: { releases: releasesConfig } }),
      ),
      now: () => NOW,
    });
  }

  const book = (name: string, start: string, end: string, extra = {}) =>
    releases.create(
      {
        entityRef: name.includes(':') ? name : ref(name),
        title: 'v1',
        environment: 'production',
        start,
        end,
        ownerRef: 'group:default/payments',
        links: [],
        notes: '',
        ...extra,
      } as NewRelease,
      ada,
    );

  const proposal = (
    name: string,
    start = '2026-11-24T14:10:00Z',
    end = '2026-11-24T15:00:00Z',
    environment = 'production',
  ): ReleaseProposal => ({ entityRef: ref(name), environment, start, end });

  const sentences = async (
    check: ConflictChecker,
    p: ReleaseProposal,
  ): Promise<string[]> =>
    (await check.check(p)).conflicts.map(c => `${c.kind}: ${c.sentence}`);

  it('explains a release of a direct dependency, and blocks in production', async () => {
    const ledger = await book(
      'ledger-service',
      '2026-11-24T14:00:00Z',
      '2026-11-24T14:30:00Z',
    );
    const result = await checker().check(proposal('payments-api'));
    expect(result).toEqual({
      blocked: true,
      conflicts: [
        {
          kind: 'dependency',
          sentence:
            'payments-api depends on ledger-service, which releases 14:00–14:30 UTC, overlapping by 20 minutes',
          entityRef: ref('ledger-service'),
          releaseId: ledger.id,
          releaseReference: 'REL-1',
          overlapMinutes: 20,
          blocking: true,
        },
      ],
    });
  });

  it('only warns where the environment says so', async () => {
    await book(
      'ledger-service',
      '2026-11-24T14:00:00Z',
      '2026-11-24T14:30:00Z',
      {
        environment: 'staging',
      },
    );
    const result = await checker().check(
      proposal('payments-api', undefined, undefined, 'staging'),
    );
    expect(result.blocked).toBe(false);
    expect(result.conflicts.map(c => [c.kind, c.blocking])).toEqual([
      ['dependency', false],
    ]);
  });

  it('follows dependencies transitively up to the configured depth', async () => {
    await book('accounts-db', '2026-11-24T14:30:00Z', '2026-11-24T16:00:00Z', {
      entityRef: ref('accounts-db', 'resource'),
    });
    expect(await sentences(checker(), proposal('payments-api'))).toEqual([
      'dependency: payments-api depends on ledger-service, which depends on accounts-db, which releases 14:30–16:00 UTC, overlapping by 30 minutes',
    ]);
    expect(
      await sentences(
        checker({ dependencyDepth: 1 }),
        proposal('payments-api'),
      ),
    ).toEqual([]);
  });

  it('explains releases of dependents, direct and transitive, and stops at the depth', async () => {
    await book('checkout', '2026-11-24T14:00:00Z', '2026-11-24T14:15:00Z');
    await book(
      'storefront-web',
      '2026-11-24T14:50:00Z',
      '2026-11-24T15:50:00Z',
    );
    await book('mobile-bff', '2026-11-24T14:00:00Z', '2026-11-24T15:00:00Z'); // 3 links away
    expect(await sentences(checker(), proposal('payments-api'))).toEqual([
      'dependent: checkout depends on payments-api and releases 14:00–14:15 UTC, overlapping by 5 minutes',
      'dependent: storefront-web depends on checkout, which depends on payments-api; storefront-web releases 14:50–15:50 UTC, overlapping by 10 minutes',
      // checkout is also in the shop system, but the dependency says more
    ]);
  });

  it('follows APIs from consumer to provider and back', async () => {
    await book('fx-service', '2026-11-24T14:00:00Z', '2026-11-24T16:00:00Z');
    expect(await sentences(checker(), proposal('payments-api'))).toEqual([
      'api: payments-api uses the fx-api API of fx-service, which releases 14:00–16:00 UTC, overlapping by 50 minutes',
    ]);
    const fx = await checker().check(
      proposal('fx-service', '2026-11-24T13:00:00Z', '2026-11-24T14:30:00Z'),
    );
    expect(fx.conflicts.map(c => `${c.kind}: ${c.sentence}`)).toEqual([
      'same-entity: fx-service already releases v1 (REL-1) 14:00–16:00 UTC, overlapping by 30 minutes',
    ]);
    await book('payments-api', '2026-11-24T09:00:00Z', '2026-11-24T09:30:00Z');
    expect(
      await sentences(
        checker(),
        proposal('fx-service', '2026-11-24T09:15:00Z', '2026-11-24T09:45:00Z'),
      ),
    ).toEqual([
      'api: payments-api uses the fx-api API of fx-service and releases 09:00–09:30 UTC, overlapping by 15 minutes',
    ]);
  });

  it('explains releases of the same System, unless switched off', async () => {
    await book('cart', '2026-11-24T14:40:00Z', '2026-11-24T15:40:00Z');
    await book('lonely', '2026-11-24T14:00:00Z', '2026-11-24T15:00:00Z');
    expect(await sentences(checker(), proposal('payments-api'))).toEqual([
      'system: cart is also part of the shop system and releases 14:40–15:40 UTC, overlapping by 20 minutes',
    ]);
    expect(
      await sentences(checker({ sameSystem: false }), proposal('payments-api')),
    ).toEqual([]);
  });

  it('does not count touching windows, other environments or finished releases', async () => {
    await book('payments-api', '2026-11-24T13:00:00Z', '2026-11-24T14:10:00Z');
    await book(
      'ledger-service',
      '2026-11-24T15:00:00Z',
      '2026-11-24T16:00:00Z',
    );
    await book(
      'ledger-service',
      '2026-11-24T14:00:00Z',
      '2026-11-24T16:00:00Z',
      {
        environment: 'staging',
      },
    );
    const cancelled = await book(
      'ledger-service',
      '2026-11-24T14:00:00Z',
      '2026-11-24T16:00:00Z',
    );
    await releases.transition(cancelled.id, { to: 'cancelled', actor: ada });
    expect(await checker().check(proposal('payments-api'))).toEqual({
      conflicts: [],
      blocked: false,
    });
  });

  it('does not let a release conflict with itself when it moves', async () => {
    const own = await book(
      'payments-api',
      '2026-11-24T14:00:00Z',
      '2026-11-24T14:30:00Z',
    );
    expect(
      await checker().check({
        ...proposal('payments-api'),
        excludeReleaseId: own.id,
      }),
    ).toEqual({ conflicts: [], blocked: false });
  });

  it('writes times in the configured zone, through DST, with the date when it is another day', async () => {
    // America/New_York falls back at 06:00Z on 2026-11-01: 01:30 EDT–02:30 EST is two hours.
    await book(
      'ledger-service',
      '2026-11-01T05:30:00Z',
      '2026-11-01T07:30:00Z',
    );
    await book('checkout', '2026-11-02T04:30:00Z', '2026-11-02T05:30:00Z');
    const newYork = checker({ timeZone: 'America/New_York' });
    expect(
      await sentences(
        newYork,
        proposal(
          'payments-api',
          '2026-11-01T06:00:00Z',
          '2026-11-02T05:00:00Z',
        ),
      ),
    ).toEqual([
      'dependency: payments-api depends on ledger-service, which releases 01:30 EDT–02:30 EST, overlapping by 90 minutes',
      'dependent: checkout depends on payments-api and releases 23:30–2026-11-02 00:30 EST, overlapping by 30 minutes',
    ]);
    await book('cart', '2026-11-25T09:00:00Z', '2026-11-25T09:30:00Z');
    expect(
      await sentences(
        checker({ timeZone: 'Europe/Berlin' }),
        proposal(
          'payments-api',
          '2026-11-24T22:00:00Z',
          '2026-11-25T10:00:00Z',
        ),
      ),
    ).toEqual([
      'system: cart is also part of the shop system and releases 2026-11-25 10:00–10:30 CET, overlapping by 30 minutes',
    ]);
  });

  describe('freezes', () => {
    const freezes = {
      timeZone: 'Europe/Berlin',
      freezes: [
        {
          id: 'black-friday',
          name: 'Black Friday',
          reason: 'peak sales',
          start: '2026-11-27T00:00:00+01:00',
          end: '2026-11-30T08:00:00+01:00',
        },
        {
          id: 'shop-weekend',
          name: 'weekend',
          rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0',
          durationMinutes: 64 * 60, // to Monday 08:00
          timeZone: 'Europe/Berlin',
          systems: ['shop'],
          environments: ['production'],
        },
        {
          id: 'storefront-offsite',
          name: 'storefront offsite',
          start: '2026-12-02T09:00:00+01:00',
          end: '2026-12-02T18:00:00+01:00',
          groups: ['storefront'],
        },
      ],
    };

    it('blocks windows overlapping a one-off freeze, not touching ones', async () => {
      const check = checker(freezes);
      const result = await check.check(
        proposal('lonely', '2026-11-26T22:30:00Z', '2026-11-26T23:30:00Z'),
      );
      expect(result.conflicts).toEqual([
        {
          kind: 'freeze',
          freezeId: 'black-friday',
          overlapMinutes: 30,
          blocking: true,
          sentence:
            'The Black Friday freeze (peak sales) covers all releases 2026-11-27 00:00–2026-11-30 08:00 CET, overlapping by 30 minutes',
        },
      ]);
      expect(
        await sentences(
          check,
          proposal('lonely', '2026-11-26T22:00:00Z', '2026-11-26T23:00:00Z'),
        ),
      ).toEqual([]);
    });

    it('keeps a recurring freeze at its wall-clock time across DST', async () => {
      const check = checker(freezes);
      // Friday 16:00 in Berlin is 14:00Z in summer time (CEST) ...
      expect(
        await sentences(
          check,
          proposal(
            'payments-api',
            '2026-10-23T13:30:00Z',
            '2026-10-23T14:30:00Z',
          ),
        ),
      ).toEqual([
        'freeze: The weekend freeze covers the shop system 16:00 CEST–2026-10-26 07:00 CET, overlapping by 30 minutes',
      ]);
      // ... and 15:00Z a week after the clocks went back (CET).
      expect(
        await sentences(
          check,
          proposal(
            'payments-api',
            '2026-10-30T14:00:00Z',
            '2026-10-30T15:00:00Z',
          ),
        ),
      ).toEqual([]);
      expect(
        await sentences(
          check,
          proposal(
            'payments-api',
            '2026-10-30T14:30:00Z',
            '2026-10-30T15:30:00Z',
          ),
        ),
      ).toEqual([
        'freeze: The weekend freeze covers the shop system 16:00–2026-11-02 08:00 CET, overlapping by 30 minutes',
      ]);
    });

    it('applies a scoped freeze to its System, team and environments only', async () => {
      const check = checker(freezes);
      const friday = ['2026-10-30T15:00:00Z', '2026-10-30T16:00:00Z'] as const;
      expect(
        await sentences(check, proposal('ledger-service', ...friday)),
      ).toEqual([]);
      expect(
        await sentences(check, proposal('cart', ...friday, 'staging')),
      ).toEqual([]);
      expect(
        await sentences(
          check,
          proposal('checkout', '2026-12-02T16:00:00Z', '2026-12-02T18:00:00Z'),
        ),
      ).toEqual([
        'freeze: The storefront offsite freeze covers the storefront team 09:00–18:00 CET, overlapping by 60 minutes',
      ]);
    });
  });

  describe('active incidents', () => {
    const declare = async (name: string, status?: 'resolved') => {
      const incident = await incidents.createIncident(
        { title: 'Ledger timeouts', severity: 'SEV2', entityRefs: [ref(name)] },
        ada,
      );
      await incidents.transitionIncident(
        incident.id,
        status ?? 'investigating',
        ada,
      );
      return incident;
    };

    it('freezes releases of the entity, its dependencies and its dependents', async () => {
      await declare('ledger-service');
      const result = await checker().check(proposal('payments-api'));
      expect(result.conflicts).toEqual([
        {
          kind: 'incident',
          entityRef: ref('ledger-service'),
          incidentReference: 'INC-1',
          blocking: true,
          sentence:
            'payments-api depends on ledger-service, which has an active incident, INC-1 (SEV2, investigating): "Ledger timeouts"',
        },
      ]);
      await declare('payments-api');
      await declare('storefront-web');
      expect(await sentences(checker(), proposal('payments-api'))).toEqual([
        'incident: payments-api has an active incident, INC-2 (SEV2, investigating): "Ledger timeouts"',
        'incident: payments-api depends on ledger-service, which has an active incident, INC-1 (SEV2, investigating): "Ledger timeouts"',
        'incident: storefront-web depends on checkout, which depends on payments-api; storefront-web has an active incident, INC-3 (SEV2, investigating): "Ledger timeouts"',
      ]);
    });

    it('ignores resolved incidents, unrelated entities and windows beyond the horizon', async () => {
      await declare('ledger-service', 'resolved');
      await declare('lonely');
      expect(await sentences(checker(), proposal('payments-api'))).toEqual([]);
      await declare('ledger-service');
      expect(
        await sentences(
          checker({ incidentFreezeHours: 24 }),
          proposal(
            'payments-api',
            '2026-11-25T12:00:00Z',
            '2026-11-25T13:00:00Z',
          ),
        ),
      ).toEqual([]);
      expect(
        await sentences(
          checker(),
          proposal(
            'payments-api',
            '2026-11-24T10:00:00Z',
            '2026-11-24T11:00:00Z',
          ),
        ),
      ).toEqual([]); // over before now
    });
  });

  it('checks many windows at once as it checks each, in one query per environment and one for incidents', async () => {
    const ledger = await book(
      'ledger-service',
      '2026-11-24T14:00:00Z',
      '2026-11-24T14:30:00Z',
    );
    const payments = await book(
      'payments-api',
      '2026-11-24T14:10:00Z',
      '2026-11-24T15:00:00Z',
    );
    const cart = await book(
      'cart',
      '2026-11-26T09:00:00Z',
      '2026-11-26T10:00:00Z',
      { environment: 'staging' },
    );
    await book('checkout', '2026-11-26T09:30:00Z', '2026-11-26T10:30:00Z', {
      environment: 'staging',
    });
    await book('payments-api', '2026-11-24T14:50:00Z', '2026-11-24T15:20:00Z');
    await book(
      'storefront-web',
      '2026-11-24T14:45:00Z',
      '2026-11-24T15:30:00Z',
    );
    const incident = await incidents.createIncident(
      {
        title: 'Ledger timeouts',
        severity: 'SEV2',
        entityRefs: [ref('accounts-db', 'resource')],
      },
      ada,
    );
    await incidents.transitionIncident(incident.id, 'investigating', ada);
    const check = checker({
      freezes: [
        {
          id: 'payday',
          name: 'payday',
          start: '2026-11-26T09:30:00Z',
          end: '2026-11-26T12:00:00Z',
        },
      ],
    });
    const asProposal = (r: typeof ledger): ReleaseProposal => ({
      entityRef: r.entityRef,
      environment: r.environment,
      start: r.start,
      end: r.end,
      excludeReleaseId: r.id,
    });
    const proposals = [
      asProposal(ledger),
      asProposal(payments),
      asProposal(cart),
      proposal('lonely'),
      proposal('fx-service', '2026-11-30T09:00:00Z', '2026-11-30T10:00:00Z'),
    ];
    const oneByOne = [];
    for (const p of proposals) {
      oneByOne.push(await check.check(p));
    }
    // Something is in conflict with most of them, so the comparison means something.
    expect(oneByOne.map(r => r.conflicts.map(c => c.kind))).toEqual([
      ['dependent', 'incident'],
      ['same-entity', 'dependency', 'dependent', 'incident'],
      ['system', 'freeze'],
      [],
      [],
    ]);

    const findOverlapping = jest.spyOn(releases, 'findOverlapping');
    const listIncidents = jest.spyOn(incidents, 'listIncidents');
    expect(await check.checkMany(proposals)).toEqual(oneByOne);
    expect(findOverlapping).toHaveBeenCalledTimes(2); // production, staging
    expect(listIncidents).toHaveBeenCalledTimes(1);
    expect(await check.checkMany([])).toEqual([]);
  });

  it('refuses an unknown environment, naming the configured ones', async () => {
    await expect(
      checker().check(proposal('payments-api', undefined, undefined, 'prod')),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        "environment: unknown environment 'prod'; configured: production, staging",
    });
  });
});
