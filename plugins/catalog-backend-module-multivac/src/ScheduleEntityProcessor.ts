import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
} from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_ONCALL_SCHEDULE,
  isScheduleEntity,
  parseScheduleEntity,
  RELATION_ONCALL_FOR,
  RELATION_ONCALL_FROM,
  SCHEDULE_KIND,
  scheduleEntityRefOf,
  scheduleIdFromAnnotation,
} from '@multivac/plugin-multivac-common';

/**
 * The catalog's processor for Multivac's on-call schedules.
 *
 * - Accepts entities of kind `Schedule`, apiVersion `multivac.io/v1alpha1`,
 *   and validates their spec with the rules of `multivac.onCall.schedules`:
 *   each mistake is a processing error naming the field, e.g.
 *   `spec.layers[0].handoffTime: must be HH:mm`, and the entity is not
 *   updated in the catalog until it is fixed.
 * - A valid Schedule is `ownedBy` its `spec.owner` Group (and the Group
 *   `ownerOf` it).
 * - Any entity naming a schedule in `multivac.io/oncall-schedule` (a schedule
 *   id or `schedule:<namespace>/<name>`) gets its on-call from it:
 *   `onCallFrom` from the entity to the Schedule and `onCallFor` back.
 *
 * @public
 */
export class ScheduleEntityProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'MultivacScheduleEntityProcessor';
  }

  /** Schedule entities are of a kind this processor knows; their spec is checked in postProcessEntity. */
  async validateEntityKind(entity: Entity): Promise<boolean> {
    return isScheduleEntity(entity);
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    const self = getCompoundEntityRef(entity);

    if (isScheduleEntity(entity)) {
      const parsed = parseScheduleEntity(entity);
      if (!parsed.ok) {
        for (const problem of parsed.problems) {
          emit(processingResult.inputError(location, problem));
        }
        return entity;
      }
      const owner = parseEntityRef(parsed.value.owner, {
        defaultKind: 'Group',
        defaultNamespace: self.namespace,
      });
      emit(
        processingResult.relation({
          source: self,
          type: RELATION_OWNED_BY,
          target: owner,
        }),
      );
      emit(
        processingResult.relation({
          source: owner,
          type: RELATION_OWNER_OF,
          target: self,
        }),
      );
    }

    const named = entity.metadata.annotations?.[ANNOTATION_ONCALL_SCHEDULE];
    if (named && named.trim() !== '') {
      const schedule = parseEntityRef(
        scheduleEntityRefOf(scheduleIdFromAnnotation(named)),
        { defaultKind: SCHEDULE_KIND },
      );
      emit(
        processingResult.relation({
          source: self,
          type: RELATION_ONCALL_FROM,
          target: schedule,
        }),
      );
      emit(
        processingResult.relation({
          source: schedule,
          type: RELATION_ONCALL_FOR,
          target: self,
        }),
      );
    }
    return entity;
  }
}
