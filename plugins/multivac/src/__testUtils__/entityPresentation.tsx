import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  defaultEntityPresentation,
  EntityPresentationApi,
  entityPresentationApiRef,
} from '@backstage/plugin-catalog-react';
import { TestApiProvider } from '@backstage/test-utils';
import { ReactElement } from 'react';

/**
 * An entity presentation API over a fixed set of entities, as the app's
 * catalog-backed one presents them (a User by `spec.profile.displayName`);
 * a ref it does not have is presented from the ref alone.
 */
export function entityPresentationOf(
  entities: Entity[],
): EntityPresentationApi {
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  return {
    forEntity(entityOrRef, context) {
      const ref =
        typeof entityOrRef === 'string'
          ? entityOrRef
          : stringifyEntityRef(entityOrRef);
      const snapshot = defaultEntityPresentation(
        byRef.get(ref) ?? entityOrRef,
        context,
      );
      return { snapshot, promise: Promise.resolve(snapshot) };
    },
  };
}

/** `element` with an entity presentation API over `entities`. */
export function withEntityPresentation(
  element: ReactElement,
  entities: Entity[],
): ReactElement {
  return (
    <TestApiProvider
      apis={[[entityPresentationApiRef, entityPresentationOf(entities)]]}
    >
      {element}
    </TestApiProvider>
  );
}

/** A catalog User with a display name. */
export function aUser(name: string, displayName: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { profile: { displayName }, memberOf: [] },
  };
}
