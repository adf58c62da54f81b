import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { entityProblem } from './entityCheck';

const paymentsApi = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: {},
};

describe('entityProblem', () => {
  const auth = mockServices.auth();
  const logger = mockServices.logger.mock();
  const catalog = catalogServiceMock({ entities: [paymentsApi] });
  const check = (entity: string, options: { deadlineMs?: number } = {}) =>
    entityProblem({ catalog, auth, logger, entity, ...options });

  it('accepts an entity of the catalog, by name or by full ref', async () => {
    await expect(check('payments-api')).resolves.toBeUndefined();
    await expect(
      check(' component:default/payments-api '),
    ).resolves.toBeUndefined();
  });

  it('names an entity the catalog does not have', async () => {
    await expect(check('payments-apx')).resolves.toBe(
      'There is no component:default/payments-apx in the catalog: check the spelling',
    );
    await expect(check('system:payments-api')).resolves.toBe(
      'There is no system:default/payments-api in the catalog: check the spelling',
    );
  });

  it('says how to write a name that is not a catalog name', async () => {
    await expect(check('component:')).resolves.toBe(
      '"component:" is not a catalog name: write it like payments-api or component:default/payments-api',
    );
  });

  it('lets the report through when the catalog is too slow, or fails', async () => {
    let answer: (value: undefined) => void = () => {};
    const slow = catalogServiceMock.mock({
      getEntityByRef: () => new Promise(resolve => (answer = resolve)),
    });
    const started = Date.now();

    await expect(
      entityProblem({
        catalog: slow,
        auth,
        logger,
        entity: 'payments-apx',
        deadlineMs: 200,
      }),
    ).resolves.toBeUndefined();

    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(1500);
    answer(undefined);
    const failing = catalogServiceMock.mock({
      getEntityByRef: () => Promise.reject(new Error('catalog is down')),
    });
    await expect(
      entityProblem({ catalog: failing, auth, logger, entity: 'payments-apx' }),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not look component:default/payments-apx up in the catalog: Error: catalog is down',
    );
  });
});
