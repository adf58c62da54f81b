import {
  parseScheduleSpec,
  ScheduleParseResult,
  ScheduleSpec,
} from './parseSchedules';
import { ScheduleDefinition } from './types';

/**
 * The catalog kind of an on-call schedule.
 *
 * @public
 */
export const SCHEDULE_KIND = 'Schedule';
/**
 * The apiVersion of Schedule entities.
 *
 * @public
 */
export const SCHEDULE_API_VERSION = 'multivac.io/v1alpha1';

/**
 * From an entity naming a schedule (`multivac.io/oncall-schedule`) to the
 * Schedule entity: the entity gets its on-call from the schedule.
 *
 * @public
 */
export const RELATION_ONCALL_FROM = 'onCallFrom';
/**
 * From a Schedule entity to each entity that names it.
 *
 * @public
 */
export const RELATION_ONCALL_FOR = 'onCallFor';

/**
 * A Schedule entity as far as the schedule rules go; its `metadata` is the
 * catalog's.
 *
 * @public
 */
export interface ScheduleEntityV1alpha1 {
  apiVersion: typeof SCHEDULE_API_VERSION;
  kind: typeof SCHEDULE_KIND;
  metadata: {
    name: string;
    namespace?: string;
    title?: string;
    [key: string]: unknown;
  };
  spec: ScheduleSpec;
}

/** @public */
export interface EntityLike {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; title?: string };
  spec?: unknown;
}

/**
 * Whether the entity is of the Schedule kind (any case, as the catalog compares kinds).
 *
 * @public
 */
export function isScheduleEntity(entity: {
  apiVersion: string;
  kind: string;
}): boolean {
  return (
    entity.apiVersion === SCHEDULE_API_VERSION &&
    entity.kind.toLocaleLowerCase('en-US') ===
      SCHEDULE_KIND.toLocaleLowerCase('en-US')
  );
}

/**
 * The schedule id of a Schedule entity: its name in the `default`
 * namespace, `<namespace>/<name>` in any other. Entities name it in
 * `multivac.io/oncall-schedule` by this id or by the entity ref
 * (`schedule:<namespace>/<name>`).
 *
 * @public
 */
export function scheduleIdOf(metadata: {
  name: string;
  namespace?: string;
}): string {
  const namespace = (metadata.namespace ?? 'default').toLocaleLowerCase(
    'en-US',
  );
  const name = metadata.name.toLocaleLowerCase('en-US');
  return namespace === 'default' ? name : `${namespace}/${name}`;
}

/**
 * The schedule id an `multivac.io/oncall-schedule` value names: a
 * `schedule:` entity ref becomes its id (see scheduleIdOf); anything else
 * is an id as it stands (config schedules keep their case).
 *
 * @public
 */
export function scheduleIdFromAnnotation(value: string): string {
  const match = /^schedule:(?:([^/:]+)\/)?([^/:]+)$/i.exec(value.trim());
  if (!match) {
    return value.trim();
  }
  return scheduleIdOf({ name: match[2], namespace: match[1] });
}

/**
 * The entity ref of the Schedule entity a schedule id would be.
 *
 * @public
 */
export function scheduleEntityRefOf(id: string): string {
  const [namespace, name] = id.includes('/')
    ? id.split('/', 2)
    : ['default', id];
  return `schedule:${namespace}/${name}`.toLocaleLowerCase('en-US');
}

/**
 * A Schedule entity's schedule, with the spec's `effectiveFrom` if any.
 *
 * @public
 */
export interface EntitySchedule {
  definition: ScheduleDefinition;
  owner: string;
  effectiveFrom?: string;
}

/**
 * Validates a Schedule entity's spec with the same rules as config
 * schedules; problems name the field (`spec.layers[0].handoffTime: must be HH:mm`).
 *
 * @public
 */
export function parseScheduleEntity(
  entity: EntityLike,
): ScheduleParseResult<EntitySchedule> {
  const parsed = parseScheduleSpec(entity.spec);
  if (!parsed.ok) {
    return parsed;
  }
  const { owner, effectiveFrom, ...fields } = parsed.value;
  const id = scheduleIdOf(entity.metadata);
  return {
    ok: true,
    value: {
      definition: {
        id,
        name: entity.metadata.title || entity.metadata.name,
        ...fields,
      },
      owner,
      ...(effectiveFrom !== undefined && { effectiveFrom }),
    },
  };
}
