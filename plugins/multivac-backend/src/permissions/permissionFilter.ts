import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import { Knex } from 'knex';
import { isPostgres } from '../database/util';
import { MultivacQuery, ResolvedQuery } from './resources';

/**
 * What a conditional decision lets a list show, ready for SQL: a list query
 * adds it to its `WHERE` with {@link wherePermitted}.
 */
export type PermissionFilter = PermissionCriteria<ResolvedQuery>;

/** The non-empty list of an `allOf` or `anyOf`. */
type AllOf<T> = [PermissionCriteria<T>, ...Array<PermissionCriteria<T>>];

/** Turns each condition of `criteria` with `map`, keeping allOf/anyOf/not. */
export async function mapCriteria<TFrom, TTo>(
  criteria: PermissionCriteria<TFrom>,
  map: (condition: TFrom) => Promise<TTo>,
): Promise<PermissionCriteria<TTo>> {
  const each = (all: Array<PermissionCriteria<TFrom>>) =>
    Promise.all(all.map(c => mapCriteria(c, map)));
  if (isAndCriteria(criteria)) {
    return { allOf: (await each(criteria.allOf)) as AllOf<TTo> };
  }
  if (isOrCriteria(criteria)) {
    return { anyOf: (await each(criteria.anyOf)) as AllOf<TTo> };
  }
  if (isNotCriteria(criteria)) {
    return { not: await mapCriteria(criteria.not, map) };
  }
  return (await map(criteria as TFrom)) as PermissionCriteria<TTo>;
}

/**
 * The filter of a conditional decision, with ownership claims turned into
 * the entities they own (`ownedBy` looks them up in the catalog).
 */
export function resolveFilter(
  criteria: PermissionCriteria<MultivacQuery>,
  ownedBy: (claims: string[]) => Promise<string[]>,
): Promise<PermissionFilter> {
  return mapCriteria(
    criteria,
    async (condition): Promise<ResolvedQuery> =>
      condition.kind === 'ownedBy'
        ? { kind: 'entities', entityRefs: await ownedBy(condition.claims) }
        : condition,
  );
}

/** Adds `filter` to `query`'s `WHERE`, each condition written by `where`. */
export function wherePermitted(
  query: Knex.QueryBuilder,
  filter: PermissionFilter,
  where: (query: Knex.QueryBuilder, condition: ResolvedQuery) => void,
): void {
  if (isAndCriteria(filter)) {
    query.where(all => {
      for (const criteria of filter.allOf) {
        all.where(q => wherePermitted(q, criteria, where));
      }
    });
  } else if (isOrCriteria(filter)) {
    query.where(any => {
      for (const criteria of filter.anyOf) {
        any.orWhere(q => wherePermitted(q, criteria, where));
      }
    });
  } else if (isNotCriteria(filter)) {
    query.whereNot(q => wherePermitted(q, filter.not, where));
  } else {
    where(query, filter as ResolvedQuery);
  }
}

/**
 * The conditions on incidents (and post-mortems, through their incident) in
 * SQL: `incidentId` is the column holding the incident's id.
 */
export function whereIncidentPermitted(
  db: Knex,
  incidentId: string,
): (query: Knex.QueryBuilder, condition: ResolvedQuery) => void {
  return (query, condition) => {
    switch (condition.kind) {
      case 'entities':
        query.whereIn(
          incidentId,
          db('multivac_incident_entities')
            .select('incident_id')
            .whereIn('entity_ref', condition.entityRefs),
        );
        return;
      case 'incidentRole':
        query.whereIn(
          incidentId,
          db('multivac_incident_roles')
            .select('incident_id')
            .where('user_ref', condition.userRef)
            .whereIn('role', condition.roles),
        );
        return;
      default:
        throw new Error(`Not a condition on incidents: ${condition.kind}`);
    }
  };
}

/**
 * The conditions on pages in SQL. `pageTarget` looks in the JSON list of the
 * page's current targets (`[{ userRef, ... }]`), with each database's own
 * JSON functions.
 */
export function wherePagePermitted(
  db: Knex,
): (query: Knex.QueryBuilder, condition: ResolvedQuery) => void {
  const postgres = isPostgres(db);
  return (query, condition) => {
    switch (condition.kind) {
      case 'entities':
        query.whereIn('entity_ref', condition.entityRefs);
        return;
      case 'pageTarget':
        if (postgres) {
          query.whereRaw(
            `exists (select 1 from jsonb_array_elements(targets::jsonb) as t where lower(t->>'userRef') = lower(?))`,
            [condition.userRef],
          );
        } else {
          query.whereRaw(
            `exists (select 1 from json_each(targets) where lower(json_extract(value, '$.userRef')) = lower(?))`,
            [condition.userRef],
          );
        }
        return;
      default:
        throw new Error(`Not a condition on pages: ${condition.kind}`);
    }
  };
}

/** The conditions on releases in SQL. */
export function whereReleasePermitted(
  query: Knex.QueryBuilder,
  condition: ResolvedQuery,
): void {
  switch (condition.kind) {
    case 'entities':
      query.whereIn('entity_ref', condition.entityRefs);
      return;
    case 'releaseOwner':
      query.whereIn('owner_ref', condition.claims);
      return;
    default:
      throw new Error(`Not a condition on releases: ${condition.kind}`);
  }
}
