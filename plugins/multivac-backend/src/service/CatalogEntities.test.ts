import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
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

  it('refuses an unknown entity with what was probably meant', async () => {
    const catalog = new CatalogEntities(
      catalogServiceMock({
        entities: [
          entity('Component', 'payments-api'),
          entity('Component', 'ledger-service'),
          entity('Group', 'payments'),
          entity('User', 'ada.lovelace'),
        ],
      }),
      mockServices.auth(),
    );
    const credentials = mockCredentials.service();
    const refused = catalog.requireExisting(['paymnets-api'], credentials);
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(
      'entityRefs: unknown catalog entity: component:default/paymnets-api. Did you mean payments-api?',
    );
    // another kind: the ref, as it must be typed
    await expect(
      catalog.requireExisting(['group:default/paymets'], credentials, 'team'),
    ).rejects.toThrow(
      'team: unknown catalog entity: group:default/paymets. Did you mean group:default/payments?',
    );
    await expect(
      catalog.requireUsers(['ada.lovelce'], credentials, 'userRef'),
    ).rejects.toThrow(
      'userRef: unknown catalog entity: user:default/ada.lovelce. Did you mean user:default/ada.lovelace?',
    );
    // nothing close: no hint
    await expect(
      catalog.requireExisting(['billing'], credentials),
    ).rejects.toThrow(
      /^entityRefs: unknown catalog entity: component:default\/billing$/,
    );
  });

  it('refuses without a hint when the catalog cannot give one', async () => {
    const mock = catalogServiceMock({ entities: [] });
    mock.getEntities = async () => {
      throw new Error('catalog down');
    };
    await expect(
      new CatalogEntities(mock, mockServices.auth()).requireExisting(
        ['paymnets-api'],
        mockCredentials.service(),
      ),
    ).rejects.toThrow(
      /^entityRefs: unknown catalog entity: component:default\/paymnets-api$/,
    );
  });
});
