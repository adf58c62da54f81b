import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseIncidentStore } from '../database/DatabaseIncidentStore';
import { DatabasePageStore } from '../database/DatabasePageStore';
import { migrateDatabase } from '../database/migrations';
import { DatabaseReleaseStore } from '../releases/DatabaseReleaseStore';
import { NewRelease } from '../releases/ReleaseStore';
import { PermissionFilter, resolveFilter } from './permissionFilter';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const paymentsApi = 'component:default/payments-api';
const ledger = 'component:default/ledger';
const cart = 'component:default/cart';

/** A conditional decision's filter as the list routes pass it to the stores. */
const owned = (...entityRefs: string[]): PermissionFilter => ({
  kind: 'entities',
  entityRefs,
});

describe('resolveFilter', () => {
  it('turns ownership claims into the entities they own, keeping the logic', async () => {
    const ownedBy = jest.fn(async (claims: string[]) => [
      ...claims,
      paymentsApi,
    ]);
    await expect(
      resolveFilter(
        {
          anyOf: [
            { kind: 'ownedBy', claims: ['group:default/payments'] },
            {
              not: { kind: 'incidentRole', userRef: ada, roles: ['observer'] },
            },
          ],
        },
        ownedBy,
      ),
    ).resolves.toEqual({
      anyOf: [
        {
          kind: 'entities',
          entityRefs: ['group:default/payments', paymentsApi],
        },
        { not: { kind: 'incidentRole', userRef: ada, roles: ['observer'] } },
      ],
    });
  });
});

describe.each(databases.eachSupportedId())(
  'permission filters in SQL on %s',
  id => {
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(id);
      await migrateDatabase(knex);
    });

    describe('incidents', () => {
      let store: DatabaseIncidentStore;
      const list = (permission?: PermissionFilter, limit = 10) =>
        store.listIncidents({ permission, limit, offset: 0 });
      const titles = (result: { items: Array<{ title: string }> }) =>
        result.items.map(i => i.title).sort();

      beforeEach(async () => {
        store = new DatabaseIncidentStore(knex, async () => {});
        await store.createIncident(
          { title: 'payments', severity: 'SEV2', entityRefs: [paymentsApi] },
          ada,
        );
        await store.createIncident(
          { title: 'ledger', severity: 'SEV3', entityRefs: [ledger, cart] },
          ada,
        );
        await store.createIncident(
          {
            title: 'cart, grace responds',
            severity: 'SEV3',
            entityRefs: [cart],
          },
          ada,
          { roles: [{ role: 'responder', userRef: grace }] },
        );
        await store.createIncident(
          {
            title: 'cart, grace observes',
            severity: 'SEV4',
            entityRefs: [cart],
          },
          ada,
          { roles: [{ role: 'observer', userRef: grace }] },
        );
      });

      it('lists only the incidents the filter allows, with their count', async () => {
        expect((await list()).totalCount).toBe(4);
        const ownedOnly = await list(owned(paymentsApi, ledger));
        expect(titles(ownedOnly)).toEqual(['ledger', 'payments']);
        expect(ownedOnly.totalCount).toBe(2);

        const roleHolder = await list({
          kind: 'incidentRole',
          userRef: grace,
          roles: ['controller', 'responder'],
        });
        expect(titles(roleHolder)).toEqual(['cart, grace responds']);
        expect(roleHolder.totalCount).toBe(1);
      });

      it('combines conditions with anyOf, allOf and not', async () => {
        const responder = {
          kind: 'incidentRole' as const,
          userRef: grace,
          roles: ['responder' as const],
        };
        expect(
          titles(await list({ anyOf: [owned(paymentsApi), responder] })),
        ).toEqual(['cart, grace responds', 'payments']);
        expect(
          titles(await list({ allOf: [owned(cart), { not: responder }] })),
        ).toEqual(['cart, grace observes', 'ledger']);
        expect((await list(owned())).totalCount).toBe(0);
      });

      it('counts every allowed incident when a page shows fewer', async () => {
        const firstPage = await list(owned(cart), 1);
        expect(firstPage.items).toHaveLength(1);
        expect(firstPage.totalCount).toBe(3);
      });
    });

    describe('pages', () => {
      let store: DatabasePageStore;
      const page = (summary: string, entityRef: string, userRefs: string[]) =>
        store.create(
          {
            entityRef,
            resolvedFrom: entityRef,
            provider: 'builtin',
            scheduleId: 'payments',
            scheduleName: 'Payments',
            fallback: false,
            summary,
            details: {},
            urgency: 'high',
            targets: [
              ...userRefs.map(userRef => ({ userRef, name: userRef })),
              { name: 'Somebody outside the catalog' },
            ],
            delivery: 'recorded',
            createdBy: ada,
          },
          async () => {},
        );
      const summaries = (permission: PermissionFilter) =>
        store
          .list({ permission, limit: 10 })
          .then(pages => pages.map(p => p.summary).sort());

      beforeEach(async () => {
        store = new DatabasePageStore(knex);
        await page('ada on payments', paymentsApi, [ada]);
        await page('grace and ada on cart', cart, [grace, ada]);
        await page('grace on ledger', ledger, [grace]);
      });

      it('lists only the pages whose current targets include the user', async () => {
        expect(await summaries({ kind: 'pageTarget', userRef: ada })).toEqual([
          'ada on payments',
          'grace and ada on cart',
        ]);
        // Refs are compared without case, as the rule's apply does.
        expect(
          await summaries({
            kind: 'pageTarget',
            userRef: 'User:default/Grace.Hopper',
          }),
        ).toEqual(['grace and ada on cart', 'grace on ledger']);
        expect(
          await summaries({ kind: 'pageTarget', userRef: 'user:default/x' }),
        ).toEqual([]);
      });

      it('combines page targets with owned entities', async () => {
        expect(
          await summaries({
            anyOf: [{ kind: 'pageTarget', userRef: ada }, owned(ledger)],
          }),
        ).toHaveLength(3);
        expect(
          await summaries({
            allOf: [{ kind: 'pageTarget', userRef: grace }, owned(ledger)],
          }),
        ).toEqual(['grace on ledger']);
      });

      it('follows an escalation to the targets of the next level', async () => {
        const [first] = await store.list({ limit: 1 });
        await store.escalate(
          first.id,
          1,
          [{ userRef: ada, name: 'Ada' }],
          async () => {},
        );
        expect(await summaries({ kind: 'pageTarget', userRef: ada })).toContain(
          first.summary,
        );
      });
    });

    describe('releases', () => {
      let store: DatabaseReleaseStore;
      const book = (overrides: Partial<NewRelease>) =>
        store.create(
          {
            entityRef: paymentsApi,
            title: 'v1',
            environment: 'production',
            start: '2026-11-24T14:00:00Z',
            end: '2026-11-24T14:30:00Z',
            ownerRef: 'group:default/payments',
            links: [],
            notes: '',
            ...overrides,
          },
          ada,
        );

      beforeEach(async () => {
        store = new DatabaseReleaseStore(knex);
        await book({ title: 'payments by payments' });
        await book({
          title: 'cart by storefront',
          entityRef: cart,
          ownerRef: 'group:default/storefront',
        });
        await book({ title: 'cart by ada', entityRef: cart, ownerRef: ada });
      });

      it('lists only the releases the filter allows, with their count', async () => {
        const result = await store.list({
          permission: {
            anyOf: [
              owned(paymentsApi),
              { kind: 'releaseOwner', claims: [ada, 'group:default/nobody'] },
            ],
          },
          limit: 10,
          offset: 0,
        });
        expect(result.items.map(r => r.title).sort()).toEqual([
          'cart by ada',
          'payments by payments',
        ]);
        expect(result.totalCount).toBe(2);
      });
    });
  },
);
