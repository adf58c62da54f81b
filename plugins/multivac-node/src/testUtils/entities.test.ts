import {
  componentEntityV1alpha1Validator,
  getCompoundEntityRef,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { ownerAndSystemRefs } from '../catalogWalk';
import { entity, user } from './entities';

describe('entity', () => {
  it('makes a valid entity in the default namespace with only its kind and name', async () => {
    const group = entity('Group', 'payments');

    expect(group).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'payments', namespace: 'default' },
      spec: {},
      relations: [],
    });
    expect('annotations' in group.metadata).toBe(false);
    expect('title' in group.metadata).toBe(false);
    await expect(
      new SchemaValidEntityPolicy().enforce(group),
    ).resolves.toBeDefined();
  });

  it('takes the namespace, title, annotations, spec and relations, as pairs or as the catalog stores them', async () => {
    const component = entity('Component', 'payments-api', {
      namespace: 'shop',
      title: 'Payments API',
      annotations: { 'multivac.io/oncall-schedule': 'payments-primary' },
      spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
      relations: [
        ['ownedBy', 'group:default/payments'],
        { type: 'partOf', targetRef: 'system:default/shop' },
      ],
    });

    expect(stringifyEntityRef(getCompoundEntityRef(component))).toBe(
      'component:shop/payments-api',
    );
    expect(component.metadata).toEqual({
      name: 'payments-api',
      namespace: 'shop',
      title: 'Payments API',
      annotations: { 'multivac.io/oncall-schedule': 'payments-primary' },
    });
    expect(component.relations).toEqual([
      { type: 'ownedBy', targetRef: 'group:default/payments' },
      { type: 'partOf', targetRef: 'system:default/shop' },
    ]);
    await expect(
      componentEntityV1alpha1Validator.check(component),
    ).resolves.toBe(true);
    expect(ownerAndSystemRefs(component)).toEqual([
      'group:default/payments',
      'system:default/shop',
    ]);
  });
});

describe('user', () => {
  it('makes a valid User with the profile fields given', async () => {
    const ada = user('ada.lovelace', {
      displayName: 'Ada Lovelace',
      email: 'ada@nimbus.example',
      annotations: { 'slack.com/user-id': 'U0ADA' },
    });

    expect(ada).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: {
        name: 'ada.lovelace',
        namespace: 'default',
        annotations: { 'slack.com/user-id': 'U0ADA' },
      },
      spec: {
        profile: { displayName: 'Ada Lovelace', email: 'ada@nimbus.example' },
        memberOf: [],
      },
      relations: [],
    });
    await expect(userEntityV1alpha1Validator.check(ada)).resolves.toBe(true);
  });

  it('leaves the profile out when it has no fields, and keeps only those given', async () => {
    expect(user('ken.thompson').spec).toEqual({ memberOf: [] });
    expect(
      user('grace.hopper', { email: 'grace@nimbus.example' }).spec,
    ).toEqual({ profile: { email: 'grace@nimbus.example' }, memberOf: [] });
    await expect(
      userEntityV1alpha1Validator.check(user('ken.thompson')),
    ).resolves.toBe(true);
  });

  it('lists the groups in spec.memberOf and as memberOf relations, by ref or by name', async () => {
    const linus = user('linus', {
      namespace: 'kernel',
      memberOf: ['group:default/incident-commanders', 'maintainers'],
      relations: [['ownerOf', 'component:kernel/git']],
    });

    expect(linus.spec?.memberOf).toEqual([
      'group:default/incident-commanders',
      'maintainers',
    ]);
    expect(linus.relations).toEqual([
      {
        type: 'memberOf',
        targetRef: 'group:default/incident-commanders',
      },
      { type: 'memberOf', targetRef: 'group:kernel/maintainers' },
      { type: 'ownerOf', targetRef: 'component:kernel/git' },
    ]);
    await expect(userEntityV1alpha1Validator.check(linus)).resolves.toBe(true);
  });
});
