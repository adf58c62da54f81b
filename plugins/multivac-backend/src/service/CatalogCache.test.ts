import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { CatalogCache } from './CatalogCache';

const ownedByPayments = ['ownedBy', 'group:default/payments'] as [
  string,
  string,
];
const catalogEntities = [
  entity('Component', 'payments-api', {
    relations: [ownedByPayments, ['partOf', 'system:default/checkout']],
  }),
  entity('Component', 'ledger', { relations: [ownedByPayments] }),
  entity('Group', 'payments'),
  entity('System', 'checkout', { relations: [ownedByPayments] }),
];

function setup(decision?: PolicyDecision) {
  const catalog = catalogServiceMock({ entities: catalogEntities });
  const byRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
  const byRef = jest.spyOn(catalog, 'getEntityByRef');
  const asked: string[] = [];
  const permissions: PermissionsService = {
    authorize: async () => {
      throw new Error('not used');
    },
    authorizeConditional: async (requests, { credentials }) => {
      asked.push(
        `${(credentials.principal as any).userEntityRef} ${
          requests[0].permission.name
        }`,
      );
      return [decision ?? { result: AuthorizeResult.ALLOW }] as any;
    },
  };
  let now = 0;
  const cache = new CatalogCache({
    catalog,
    auth: mockServices.auth(),
    permissions,
    now: () => now,
  });
  return {
    cache,
    getEntities: jest.spyOn(catalog, 'getEntities'),
    byRefs,
    byRef,
    asked,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('CatalogCache', () => {
  const ada = mockCredentials.user('user:default/ada');

  it('reads entities asked for at the same moment in one catalog call, then from memory', async () => {
    const { cache, byRefs } = setup();
    const refs = [
      'component:default/payments-api',
      'component:default/ledger',
      'group:default/payments',
      'component:default/missing',
    ];
    const first = await Promise.all(
      [...refs, ...refs].map(ref => cache.entity(ref)),
    );
    expect(first.map(e => e?.metadata.name)).toEqual([
      'payments-api',
      'ledger',
      'payments',
      undefined,
      'payments-api',
      'ledger',
      'payments',
      undefined,
    ]);
    expect(byRefs).toHaveBeenCalledTimes(1);
    expect(byRefs.mock.calls[0][0].entityRefs).toEqual(refs);

    await cache.entity('Component:default/Payments-API');
    expect(byRefs).toHaveBeenCalledTimes(1);
  });

  it("serves the plugin's own reads through catalogService(), and users' reads after the policy", async () => {
    const { cache, byRefs, byRef, asked } = setup({
      result: AuthorizeResult.ALLOW,
    });
    const catalog = cache.catalogService();
    const service = await mockServices.auth().getOwnServiceCredentials();
    const walk = () =>
      catalog.getEntitiesByRefs(
        { entityRefs: ['group:default/payments', 'system:default/checkout'] },
        { credentials: service },
      );
    expect((await walk()).items.map(e => e?.metadata.name)).toEqual([
      'payments',
      'checkout',
    ]);
    await walk();
    expect(byRefs).toHaveBeenCalledTimes(1);

    const asAda = await catalog.getEntityByRef(
      { kind: 'Group', namespace: 'default', name: 'payments' },
      { credentials: ada },
    );
    expect(asAda?.metadata.name).toBe('payments');
    expect(asked).toEqual(['user:default/ada catalog.entity.read']);
    expect(byRef).not.toHaveBeenCalled();
    expect(byRefs).toHaveBeenCalledTimes(1);

    // Anything else goes to the catalog itself.
    expect(
      (
        await catalog.getEntityFacets(
          { facets: ['kind'] },
          { credentials: ada },
        )
      ).facets.kind,
    ).toEqual(expect.arrayContaining([{ value: 'Group', count: 1 }]));
  });

  it("serves an entity to a user the policy lets read the catalog, without the catalog's per-user call", async () => {
    const { cache, byRef, asked } = setup({ result: AuthorizeResult.ALLOW });
    const found = await cache.visibleEntity(
      'component:default/payments-api',
      ada,
    );
    expect(found?.metadata.name).toBe('payments-api');
    expect(asked).toEqual(['user:default/ada catalog.entity.read']);
    expect(byRef).not.toHaveBeenCalled();
  });

  it('hides the entity from a user the policy denies', async () => {
    const { cache, byRefs } = setup({ result: AuthorizeResult.DENY });
    expect(
      await cache.visibleEntity('component:default/payments-api', ada),
    ).toBeUndefined();
    expect(byRefs).not.toHaveBeenCalled();
  });

  it('lets the catalog apply conditional decisions with the user credentials', async () => {
    const { cache, byRef } = setup({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['group:default/payments'] },
      },
    });
    await cache.visibleEntity('component:default/payments-api', ada);
    expect(byRef).toHaveBeenCalledWith('component:default/payments-api', {
      credentials: ada,
    });
  });

  it('remembers what a filter finds, reads it again in the background when stale, and never serves it past the TTL', async () => {
    const { cache, getEntities, advance } = setup();
    const catalog = cache.catalogService();
    const service = await mockServices.auth().getOwnServiceCredentials();
    const ownedByTeam = async () =>
      (
        await catalog.getEntities(
          { filter: { 'relations.ownedBy': 'group:default/payments' } },
          { credentials: service },
        )
      ).items.map(e => e.metadata.name);
    expect((await ownedByTeam()).sort()).toEqual([
      'checkout',
      'ledger',
      'payments-api',
    ]);
    expect(getEntities).toHaveBeenCalledTimes(1);
    advance(14_999);
    await ownedByTeam();
    expect(getEntities).toHaveBeenCalledTimes(1);

    advance(1);
    // Stale: served at once, read again in the background.
    await ownedByTeam();
    expect(getEntities).toHaveBeenCalledTimes(2);

    advance(60_000);
    await ownedByTeam();
    expect(getEntities).toHaveBeenCalledTimes(3);

    // A user's query is the catalog's, never the cache's.
    await catalog.getEntities(
      { filter: { 'relations.ownedBy': 'group:default/payments' } },
      { credentials: ada },
    );
    expect(getEntities).toHaveBeenCalledTimes(4);
  });
});
