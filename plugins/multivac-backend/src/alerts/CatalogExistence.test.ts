import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { CatalogExistence } from './CatalogExistence';

describe('CatalogExistence', () => {
  const setUp = (options: { ttlMs: number; maxEntries: number }) => {
    const catalog = catalogServiceMock({
      entities: [entity('Component', 'cart'), entity('Component', 'ledger')],
    });
    const calls = jest.spyOn(catalog, 'getEntitiesByRefs');
    let now = 0;
    const existence = new CatalogExistence(catalog, mockServices.auth(), {
      ...options,
      now: () => now,
    });
    return { existence, calls, advance: (ms: number) => (now += ms) };
  };

  it('asks the catalog once per ref within the TTL, again after it', async () => {
    const { existence, calls, advance } = setUp({
      ttlMs: 1_000,
      maxEntries: 10,
    });
    const refs = ['component:default/cart', 'component:default/nope'];
    for (let i = 0; i < 500; i++) {
      expect(await existence.exist(refs)).toEqual([true, false]);
    }
    expect(calls).toHaveBeenCalledTimes(1);
    // Only what it does not know yet is asked.
    expect(
      await existence.exist(['component:default/ledger', refs[0]]),
    ).toEqual([true, true]);
    expect(calls).toHaveBeenCalledTimes(2);
    expect(calls.mock.calls[1][0].entityRefs).toEqual([
      'component:default/ledger',
    ]);
    advance(1_000);
    await existence.exist(refs);
    expect(calls).toHaveBeenCalledTimes(3);
  });

  it('remembers at most maxEntries refs, forgetting the oldest', async () => {
    const { existence, calls } = setUp({ ttlMs: 60_000, maxEntries: 2 });
    await existence.exist(['component:default/a', 'component:default/b']);
    await existence.exist(['component:default/c']);
    expect(calls).toHaveBeenCalledTimes(2);
    // b and c are remembered; a was forgotten.
    await existence.exist(['component:default/b', 'component:default/c']);
    expect(calls).toHaveBeenCalledTimes(2);
    await existence.exist(['component:default/a']);
    expect(calls).toHaveBeenCalledTimes(3);
    // More refs at once than it can remember: still one answer each.
    expect(
      await existence.exist([
        'component:default/cart',
        'component:default/ledger',
        'component:default/x',
      ]),
    ).toEqual([true, true, false]);
  });
});
