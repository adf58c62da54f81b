import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { CatalogEntities, MAX_EXPANDED_ENTITY_REFS } from './CatalogEntities';

const owned = (group: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    entity('Component', `${group}-service-${i}`, {
      relations: [['ownedBy', `group:default/${group}`]],
    }),
  );

describe('CatalogEntities', () => {
  const entities = new CatalogEntities(
    catalogServiceMock({
      entities: [
        entity('Group', 'payments'),
        entity('Group', 'platform'),
        ...owned('payments', 2),
        ...owned('platform', MAX_EXPANDED_ENTITY_REFS + 1),
      ],
    }),
    mockServices.auth(),
  );

  it('expands a team into what it owns, within the SQL parameter budget', async () => {
    await expect(
      entities.withOwnedAndContained(['group:default/payments']),
    ).resolves.toEqual([
      'group:default/payments',
      'component:default/payments-service-0',
      'component:default/payments-service-1',
    ]);
    await expect(
      entities.ownedBy(['user:default/ada', 'group:default/payments']),
    ).resolves.toHaveLength(4);
  });

  it('refuses with a 400 a team owning more than the lists can hold', async () => {
    const refused = entities.withOwnedAndContained(['group:default/platform']);
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(
      `entityRef: group:default/platform stand for more than ${MAX_EXPANDED_ENTITY_REFS} catalog entities (what they own or contain); ask about fewer or smaller ones`,
    );
    await expect(entities.ownedBy(['group:default/platform'])).rejects.toThrow(
      InputError,
    );
  });

  it("names each entity's owners", async () => {
    const owners = await entities.ownersOf([
      'component:default/payments-service-0',
      'component:default/gone',
    ]);
    expect(owners.get('component:default/payments-service-0')).toEqual([
      'group:default/payments',
    ]);
    expect(owners.get('component:default/gone')).toEqual([]);
  });
});
