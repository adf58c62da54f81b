import {
  FailedRelease,
  formatIncidentReference,
  formatReleaseReference,
  ReleaseStatus,
  Severity,
} from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { isPostgres, toIsoString } from '../database/util';

/** Release statuses that reached the environment (planned and cancelled did not). */
export const SHIPPED_RELEASE_STATUSES: readonly ReleaseStatus[] = [
  'in_progress',
  'done',
  'rolled_back',
];

/** Which releases a change failure query judges, and against what. */
export interface ChangeFailureFilter {
  /** Releases that started in [from, to). */
  from: Date;
  to: Date;
  environment: string;
  /** How long after a release's window ends an incident still counts. */
  windowSeconds: number;
  /**
   * For each released entity (lower-case full ref) the entities whose
   * incidents count against its releases: itself and what depends on it
   * (lower-case full refs). Only these entities' releases are judged.
   */
  affected: Map<string, string[]>;
}

/** Change failure of one released entity. */
export interface EntityChangeFailure {
  /** As the releases spell it. */
  entityRef: string;
  releases: number;
  failed: number;
  /** Oldest first. */
  failedReleases: FailedRelease[];
}

/** Change failure rate of production releases, computed in SQL. */
export interface ChangeFailureStore {
  /**
   * Entities with releases in `environment` that started in [from, to) and
   * reached it (in progress, done or rolled back), lower-case.
   */
  releasedEntities(
    from: Date,
    to: Date,
    environment: string,
  ): Promise<string[]>;
  /**
   * Per released entity: its releases in the filter and those that failed,
   * a release failing when it was rolled back or when an incident (not
   * cancelled) on an affected entity was declared from the release's start
   * until `windowSeconds` after its end. Entities without releases are left
   * out.
   */
  changeFailure(filter: ChangeFailureFilter): Promise<EntityChangeFailure[]>;
}

type Row = {
  id: string;
  number: number | string;
  entity_ref: string;
  title: string;
  status: ReleaseStatus;
  start_at: Date | string;
  end_at: Date | string;
  incident_id: string | null;
  incident_number: number | string | null;
  incident_title: string | null;
  incident_severity: Severity | null;
  incident_at: Date | string | null;
  incident_entity: string | null;
  releases: number | string;
  failed: number | string;
  is_failed: number | string;
};

/** Longest release window the calendar accepts (MAX_RELEASE_WINDOW_HOURS) and then some. */
const LONGEST_RELEASE_MS = 73 * 3_600_000;

/**
 * The release calendar and incidents on the plugin's database: one query
 * returns, per released entity, its release count, failure count and only
 * the failed releases with their first incident.
 */
export class DatabaseChangeFailureStore implements ChangeFailureStore {
  private readonly pg: boolean;

  constructor(private readonly db: Knex) {
    this.pg = isPostgres(db);
  }

  /**
   * Joins each (release `rel`, affected entity `a`) with its incidents in
   * the window as `i` (id, number, title, severity, created_at,
   * entity_ref), found through `multivac_incident_entity_facts` (entity
   * key, declared). On PostgreSQL only the first by declaration, number and
   * entity (a `LATERAL` probe of that index per pair, which reads the first
   * few entries, instead of matching every release with every incident of
   * the period); SQLite probes the same index in its nested loop.
   */
  private firstIncident(inWindow: (at: string) => string): string {
    const columns = `x.id, x.number, x.title, x.severity, x.created_at,
      f.entity_ref`;
    const matching = `multivac_incident_entity_facts f
      JOIN multivac_incidents x ON x.id = f.incident_id
      WHERE f.status <> 'cancelled'`;
    return this.pg
      ? `CROSS JOIN LATERAL (SELECT ${columns} FROM ${matching}
          AND f.entity_key = a.entity_key AND ${inWindow('f.created_at')}
          ORDER BY f.created_at, x.number, f.entity_ref LIMIT 1) i`
      : `JOIN (SELECT ${columns}, f.entity_key, f.created_at AS declared
          FROM ${matching}) i
        ON i.entity_key = a.entity_key AND ${inWindow('i.declared')}`;
  }

  async releasedEntities(
    from: Date,
    to: Date,
    environment: string,
  ): Promise<string[]> {
    const rows: Array<{ entity_ref: string }> = await this.db(
      'multivac_releases',
    )
      .distinct('entity_ref')
      .where('environment', environment)
      .whereIn('status', SHIPPED_RELEASE_STATUSES)
      .where('start_at', '>=', toIsoString(from))
      .where('start_at', '<', toIsoString(to));
    return [
      ...new Set(rows.map(r => r.entity_ref.toLocaleLowerCase('en-US'))),
    ].sort();
  }

  async changeFailure(
    filter: ChangeFailureFilter,
  ): Promise<EntityChangeFailure[]> {
    if (filter.affected.size === 0) {
      return [];
    }
    if (!Number.isInteger(filter.windowSeconds) || filter.windowSeconds < 0) {
      throw new Error(
        `windowSeconds must be a whole number >= 0, not ${filter.windowSeconds}`,
      );
    }
    const pairs = [...filter.affected].flatMap(([released, entities]) =>
      [...new Set([released, ...entities])].map(entity => [released, entity]),
    );
    const affected = this.pg
      ? `SELECT t.x ->> 0 AS release_entity, t.x ->> 1 AS entity_key
         FROM json_array_elements(CAST(? AS json)) AS t(x)`
      : `SELECT json_extract(value, '$[0]') AS release_entity,
           json_extract(value, '$[1]') AS entity_key
         FROM json_each(?)`;
    // From the release's start to windowSeconds after its end (and within
    // the incidents' bounds below).
    const inWindow = (at: string) =>
      this.pg
        ? `${at} >= rel.start_at AND ${at} < rel.until
           AND ${at} >= CAST(? AS timestamptz) AND ${at} < CAST(? AS timestamptz)`
        : `julianday(${at}) >= julianday(rel.start_at)
           AND julianday(${at}) < rel.until AND ${at} >= ? AND ${at} < ?`;
    const until = this.pg
      ? `r.end_at + ${filter.windowSeconds} * interval '1 second'`
      : `julianday(r.end_at) + ${filter.windowSeconds} / 86400.0`;
    const statuses = SHIPPED_RELEASE_STATUSES.map(s => `'${s}'`).join(', ');
    const sql = `WITH affected AS (${affected}),
      rel AS (
        SELECT r.id, r.number, r.entity_ref, r.title, r.status, r.start_at,
          r.end_at, ${until} AS until
        FROM multivac_releases r
        WHERE r.environment = ? AND r.status IN (${statuses})
          AND r.start_at >= ? AND r.start_at < ?
          AND lower(r.entity_ref) IN (SELECT release_entity FROM affected)
      ),
      hit AS (
        SELECT rel.id AS release_id, i.id AS incident_id,
          i.number AS incident_number, i.title AS incident_title,
          i.severity AS incident_severity, i.created_at AS incident_at,
          i.entity_ref AS incident_entity,
          row_number() OVER (PARTITION BY rel.id
            ORDER BY i.created_at, i.number, i.entity_ref) AS n
        FROM rel
        JOIN affected a ON a.release_entity = lower(rel.entity_ref)
        ${this.firstIncident(inWindow)}
      ),
      judged AS (
        SELECT rel.id, rel.number, rel.entity_ref, rel.title, rel.status,
          rel.start_at, rel.end_at, h.incident_id, h.incident_number, h.incident_title,
          h.incident_severity, h.incident_at, h.incident_entity,
          CASE WHEN rel.status = 'rolled_back' OR h.incident_id IS NOT NULL
            THEN 1 ELSE 0 END AS is_failed
        FROM rel LEFT JOIN hit h ON h.release_id = rel.id AND h.n = 1
      ),
      counted AS (
        SELECT judged.*,
          count(*) OVER (PARTITION BY entity_ref) AS releases,
          sum(is_failed) OVER (PARTITION BY entity_ref) AS failed,
          row_number() OVER (PARTITION BY entity_ref ORDER BY start_at, number)
            AS position
        FROM judged
      )
      SELECT * FROM counted WHERE is_failed = 1 OR position = 1
      ORDER BY entity_ref, start_at, number`;
    const incidentsTo = new Date(
      filter.to.getTime() + LONGEST_RELEASE_MS + filter.windowSeconds * 1000,
    );
    const result = await this.db.raw(sql, [
      JSON.stringify(pairs),
      filter.environment,
      toIsoString(filter.from),
      toIsoString(filter.to),
      toIsoString(filter.from),
      toIsoString(incidentsTo),
    ]);
    const rows: Row[] = this.pg ? result.rows : result;
    const byEntity = new Map<string, EntityChangeFailure>();
    for (const row of rows) {
      let entity = byEntity.get(row.entity_ref);
      if (!entity) {
        entity = {
          entityRef: row.entity_ref,
          releases: Number(row.releases),
          failed: Number(row.failed),
          failedReleases: [],
        };
        byEntity.set(row.entity_ref, entity);
      }
      if (Number(row.is_failed) === 1) {
        entity.failedReleases.push(failedRelease(row));
      }
    }
    return [...byEntity.values()];
  }
}

function failedRelease(row: Row): FailedRelease {
  return {
    id: row.id,
    reference: formatReleaseReference(Number(row.number)),
    title: row.title,
    entityRef: row.entity_ref,
    start: toIsoString(row.start_at),
    end: toIsoString(row.end_at),
    status: row.status,
    rolledBack: row.status === 'rolled_back',
    ...(row.incident_id !== null && {
      incident: {
        id: row.incident_id,
        reference: formatIncidentReference(Number(row.incident_number)),
        title: row.incident_title!,
        severity: row.incident_severity!,
        declaredAt: toIsoString(row.incident_at!),
        entityRef: row.incident_entity!,
      },
    }),
  };
}
