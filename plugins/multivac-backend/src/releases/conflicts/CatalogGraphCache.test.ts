import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import { CatalogGraphCache } from './CatalogGraphCache';

const component = (name: string, dependsOn?: string) =>
  entity('Component', name, {
    relations: dependsOn
      ? [['dependsOn', `component:default/${dependsOn}`]]
      : [],
  });

describe('CatalogGraphCache', () => {
  function setup() {
    const catalog = catalogServiceMock({
      entities: [
        component('payments-api', 'ledger-service'),
        component('ledger-service'),
        user('ada'),
      ],
    });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    let now = 0;
    const logger = mockServices.logger.mock();
    const cache = new CatalogGraphCache({
      catalog,
      auth: mockServices.auth(),
      logger,
      ttlMinutes: 5,
      now: () => now,
    });
    return {
      cache,
      getEntities,
      logger,
      advance: (minutes: number) => {
        now += minutes * 60_000;
      },
    };
  }

  it('loads the graph once for concurrent callers, with only the kinds that release', async () => {
    const { cache, getEntities } = setup();
    const graphs = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(getEntities).toHaveBeenCalledTimes(1);
    expect(new Set(graphs).size).toBe(1);
    expect(graphs[0].size).toBe(2);
    expect([
      ...graphs[0].dependenciesOf('component:default/payments-api', 2).keys(),
    ]).toEqual(['component:default/ledger-service']);
  });

  it('reloads after the TTL, and keeps the last graph when the catalog fails', async () => {
    const { cache, getEntities, logger, advance } = setup();
    const first = await cache.get();
    advance(4);
    expect(await cache.get()).toBe(first);
    expect(getEntities).toHaveBeenCalledTimes(1);

    advance(2);
    const second = await cache.get();
    expect(second).not.toBe(first);
    expect(getEntities).toHaveBeenCalledTimes(2);

    advance(6);
    getEntities.mockRejectedValueOnce(new Error('catalog is down'));
    expect(await cache.get()).toBe(second);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('catalog is down'),
    );
  });

  it('fails when there is no graph to fall back on', async () => {
    const { cache, getEntities } = setup();
    getEntities.mockRejectedValueOnce(new Error('catalog is down'));
    await expect(cache.get()).rejects.toThrow('catalog is down');
    expect((await cache.get()).size).toBe(2);
  });
});
