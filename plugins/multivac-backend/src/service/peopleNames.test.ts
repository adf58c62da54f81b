import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  catalogNames,
  nameRefsIn,
  refsInText,
  shortNames,
} from './peopleNames';

describe('peopleNames', () => {
  afterEach(() => jest.restoreAllMocks());

  const catalog = catalogServiceMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'ada.lovelace' },
        spec: { profile: { displayName: 'Ada Lovelace' } },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'payments', title: 'Payments team' },
        spec: { type: 'team', children: [] },
      },
    ],
  });

  it('finds the refs written out in a text', () => {
    expect(
      refsInText(
        'acknowledged by user:default/ada.lovelace for group:payments, via service:slack.',
      ),
    ).toEqual(['user:default/ada.lovelace', 'group:payments', 'service:slack']);
    expect(refsInText('nobody here')).toEqual([]);
  });

  it('names people by their catalog display name or title, services by product name, the rest by short name', async () => {
    const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
    const nameOf = await catalogNames(
      catalog,
      mockServices.auth(),
    )([
      'user:default/ada.lovelace',
      'group:default/payments',
      'user:default/gone',
      'service:slack',
      'user:default/ada.lovelace',
    ]);
    expect(nameOf('user:default/ada.lovelace')).toBe('Ada Lovelace');
    expect(nameOf('group:default/payments')).toBe('Payments team');
    expect(nameOf('user:default/gone')).toBe('gone');
    expect(nameOf('service:slack')).toBe('Slack');
    // people asked once, together; services are never looked up
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(1);
    expect(getEntitiesByRefs.mock.calls[0][0].entityRefs).toEqual([
      'user:default/ada.lovelace',
      'group:default/payments',
      'user:default/gone',
    ]);
  });

  it('asks the catalog nothing when no person is mentioned', async () => {
    const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
    await catalogNames(catalog, mockServices.auth())(['service:pagerduty']);
    expect(getEntitiesByRefs).not.toHaveBeenCalled();
  });

  it('writes the names into a text in place of the refs', async () => {
    const nameOf = await catalogNames(
      catalog,
      mockServices.auth(),
    )(['user:default/ada.lovelace']);
    expect(
      nameRefsIn(
        'Paged user:default/ada.lovelace, then user:default/ken.',
        nameOf,
      ),
    ).toBe('Paged Ada Lovelace, then ken.');
    const short = await shortNames([]);
    expect(nameRefsIn('by user:default/ada.lovelace', short)).toBe(
      'by ada.lovelace',
    );
  });
});
