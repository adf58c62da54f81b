import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * Where an entity without an annotation of its own borrows it from: its
 * owner Group(s), then its System (ARCHITECTURE.md's catalog walk).
 *
 * @public
 */
export function ownerAndSystemRefs(entity: Entity): string[] {
  const self = stringifyEntityRef(getCompoundEntityRef(entity));
  const related = (type: string, kind: string) =>
    (entity.relations ?? [])
      .filter(r => r.type === type && parseEntityRef(r.targetRef).kind === kind)
      .map(r => r.targetRef);
  return [
    ...related(RELATION_OWNED_BY, 'group'),
    ...related(RELATION_PART_OF, 'system'),
  ].filter(ref => ref !== self);
}
