import {
  DEFAULT_NAMESPACE,
  Entity,
  EntityRelation,
  parseEntityRef,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * A relation of a test entity: as the catalog stores it, or as the pair
 * `[type, targetRef]`, e.g. `['ownedBy', 'group:default/payments']`.
 *
 * @public
 */
export type TestEntityRelation =
  | EntityRelation
  | [type: string, targetRef: string];

/**
 * What {@link entity} puts in a test entity besides its kind and name.
 *
 * @public
 */
export interface TestEntityOptions {
  /** Default: `default`. */
  namespace?: string;
  title?: string;
  annotations?: Record<string, string>;
  /** Default: `{}`. */
  spec?: Entity['spec'];
  /**
   * The relations the catalog would have computed (Multivac's catalog walk
   * reads relations, not `spec.owner`). Default: none.
   */
  relations?: TestEntityRelation[];
}

/**
 * A catalog entity for tests, as the catalog returns it:
 * `entity('Component', 'payments-api', { relations: [['ownedBy', 'group:default/payments']] })`.
 *
 * @public
 */
export function entity(
  kind: string,
  name: string,
  options: TestEntityOptions = {},
): Entity {
  const metadata: Entity['metadata'] = {
    name,
    namespace: options.namespace ?? DEFAULT_NAMESPACE,
  };
  if (options.title !== undefined) {
    metadata.title = options.title;
  }
  if (options.annotations !== undefined) {
    metadata.annotations = options.annotations;
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata,
    spec: options.spec ?? {},
    relations: (options.relations ?? []).map(relation =>
      Array.isArray(relation)
        ? { type: relation[0], targetRef: relation[1] }
        : relation,
    ),
  };
}

/**
 * What {@link user} puts in a test User besides its name.
 *
 * @public
 */
export interface TestUserOptions extends Omit<TestEntityOptions, 'spec'> {
  /** `spec.profile.displayName` */
  displayName?: string;
  /** `spec.profile.email` */
  email?: string;
  /**
   * The Groups the user belongs to, as refs (`group:default/payments`) or
   * names (`payments`): each is listed in `spec.memberOf` and becomes a
   * `memberOf` relation, which is what ownership is resolved from.
   */
  memberOf?: string[];
}

/**
 * A catalog User for tests:
 * `user('ada.lovelace', { displayName: 'Ada Lovelace', email: 'ada@nimbus.example', memberOf: ['payments'] })`.
 * The profile holds only the fields given.
 *
 * @public
 */
export function user(name: string, options: TestUserOptions = {}): Entity {
  const {
    displayName,
    email,
    memberOf = [],
    relations = [],
    ...rest
  } = options;
  const profile: { displayName?: string; email?: string } = {};
  if (displayName !== undefined) {
    profile.displayName = displayName;
  }
  if (email !== undefined) {
    profile.email = email;
  }
  return entity('User', name, {
    ...rest,
    spec: {
      ...(Object.keys(profile).length > 0 ? { profile } : {}),
      memberOf,
    },
    relations: [
      ...memberOf.map(
        (group): TestEntityRelation => [
          RELATION_MEMBER_OF,
          stringifyEntityRef(
            parseEntityRef(group, {
              defaultKind: 'group',
              defaultNamespace: options.namespace ?? DEFAULT_NAMESPACE,
            }),
          ),
        ],
      ),
      ...relations,
    ],
  });
}
