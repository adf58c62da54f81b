import {
  DigestIncident,
  DigestList,
  DigestPostmortem,
  DigestRelease,
  DigestReport,
  formatIncidentReference,
  formatPostmortemReference,
  formatReleaseReference,
  formatReportReference,
  IncidentStatus,
  PostmortemStatus,
  ReleaseStatus,
  Severity,
} from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { DateTime } from 'luxon';
import { isPostgres, toIsoString } from '../database/util';
import { DigestFilter, DigestStore } from './DigestStore';

type Row = Record<string, any>;

/**
 * The digest's lists in SQL over the incident, report, page, post-mortem
 * and release tables: each list is one counted query with a LIMIT, and
 * pages are counted per team by the database.
 */
export class DatabaseDigestStore implements DigestStore {
  private readonly pg: boolean;

  constructor(private readonly db: Knex) {
    this.pg = isPostgres(db);
  }

  async entitiesToRefresh(
    filter: DigestFilter,
    ahead: { from: Date; to: Date },
    staleBefore: Date,
  ): Promise<string[]> {
    const from = toIsoString(filter.from);
    const to = toIsoString(filter.to);
    const sql = `SELECT DISTINCT x.entity_ref FROM (
        SELECT e.entity_ref FROM multivac_incident_entities e
          JOIN multivac_incidents i ON i.id = e.incident_id
          WHERE i.status NOT IN ('resolved', 'cancelled')
            OR i.created_at >= ? OR i.updated_at >= ?
        UNION SELECT entity_ref FROM multivac_reports
          WHERE created_at >= ? AND created_at < ?
        UNION SELECT entity_ref FROM multivac_pages
          WHERE created_at >= ? AND created_at < ?
        UNION SELECT entity_ref FROM multivac_releases
          WHERE start_at < ? AND end_at > ?
        UNION SELECT e.entity_ref FROM multivac_postmortems p
          JOIN multivac_incident_entities e ON e.incident_id = p.incident_id
          WHERE p.status <> 'published'
      ) x
      LEFT JOIN multivac_entity_owners o ON o.entity_ref = x.entity_ref
      WHERE o.entity_ref IS NULL OR o.refreshed_at < ?`;
    const rows = await this.rows<{ entity_ref: string }>(sql, [
      from,
      from,
      from,
      to,
      from,
      to,
      toIsoString(ahead.to),
      toIsoString(ahead.from),
      toIsoString(staleBefore),
    ]);
    return rows.map(r => r.entity_ref).sort();
  }

  async declared(
    filter: DigestFilter,
    limit: number,
  ): Promise<DigestList<DigestIncident>> {
    const query = this.incidents(filter.team)
      .where('i.created_at', '>=', toIsoString(filter.from))
      .where('i.created_at', '<', toIsoString(filter.to))
      .whereNot('i.status', 'cancelled');
    return this.incidentList(query, 'i.created_at', 'desc', limit);
  }

  async resolved(
    filter: DigestFilter,
    limit: number,
  ): Promise<DigestList<DigestIncident>> {
    const resolvedAt = this.resolvedAt();
    // A resolved incident was last updated when it was resolved, or later:
    // updated_at narrows the rows before the JSON is read.
    const query = this.incidents(filter.team)
      .where('i.status', 'resolved')
      .where('i.updated_at', '>=', toIsoString(filter.from))
      .whereRaw(`${resolvedAt} >= ${this.time()}`, [toIsoString(filter.from)])
      .whereRaw(`${resolvedAt} < ${this.time()}`, [toIsoString(filter.to)]);
    return this.incidentList(query, this.db.raw(resolvedAt), 'desc', limit);
  }

  async open(
    filter: DigestFilter,
    limit: number,
  ): Promise<DigestList<DigestIncident>> {
    const query = this.incidents(filter.team)
      .whereNotIn('i.status', ['resolved', 'cancelled'])
      .where('i.created_at', '<', toIsoString(filter.to));
    return this.incidentList(query, 'i.created_at', 'asc', limit);
  }

  async reports(
    filter: DigestFilter,
    limit: number,
  ): Promise<DigestList<DigestReport>> {
    const query = this.db('multivac_reports as r')
      .where('r.created_at', '>=', toIsoString(filter.from))
      .where('r.created_at', '<', toIsoString(filter.to));
    this.ownedBy(query, 'r.entity_ref', filter.team);
    const [count, rows] = await Promise.all([
      this.count(query),
      query
        .clone()
        .leftJoin('multivac_incidents as i', 'i.id', 'r.incident_id')
        .select(
          'r.number',
          'r.title',
          'r.severity',
          'r.entity_ref',
          'r.reported_by',
          'r.created_at',
          'i.number as incident_number',
        )
        .orderBy([
          { column: 'r.created_at', order: 'desc' },
          { column: 'r.number', order: 'desc' },
        ])
        .limit(limit),
    ]);
    return {
      count,
      items: rows.map((row: Row) => ({
        reference: formatReportReference(Number(row.number)),
        title: row.title,
        severity: row.severity as Severity,
        entityRef: row.entity_ref,
        reportedBy: row.reported_by,
        createdAt: toIsoString(row.created_at),
        ...(row.incident_number !== null &&
          row.incident_number !== undefined && {
            incidentReference: formatIncidentReference(
              Number(row.incident_number),
            ),
          }),
      })),
    };
  }

  async pagesByTeam(
    filter: DigestFilter,
  ): Promise<Array<{ teamRef: string; pages: number; acknowledged: number }>> {
    const query = this.db('multivac_pages as p')
      .leftJoin('multivac_entity_owners as o', 'o.entity_ref', 'p.entity_ref')
      .where('p.created_at', '>=', toIsoString(filter.from))
      .where('p.created_at', '<', toIsoString(filter.to))
      .select(this.db.raw(`coalesce(o.owner_ref, '') AS team_ref`))
      .count({ pages: '*' })
      .count({ acknowledged: 'p.acknowledged_at' })
      .groupByRaw(`coalesce(o.owner_ref, '')`)
      .orderBy([
        { column: 'pages', order: 'desc' },
        { column: 'team_ref', order: 'asc' },
      ]);
    if (filter.team) {
      query.where('o.owner_ref', filter.team);
    }
    const rows: Row[] = await query;
    return rows.map(row => ({
      teamRef: String(row.team_ref),
      pages: Number(row.pages),
      acknowledged: Number(row.acknowledged),
    }));
  }

  async postmortemsDue(
    options: { dueBy: string; today: string; team?: string },
    limit: number,
  ): Promise<DigestList<DigestPostmortem>> {
    const query = this.db('multivac_postmortems as p')
      .whereNot('p.status', 'published')
      .where('p.due_date', '<=', options.dueBy);
    if (options.team) {
      query.whereExists(
        this.db('multivac_incident_entities as te')
          .join(
            'multivac_entity_owners as tow',
            'tow.entity_ref',
            'te.entity_ref',
          )
          .whereRaw('te.incident_id = p.incident_id')
          .where('tow.owner_ref', options.team)
          .select(this.db.raw('1')),
      );
    }
    const today = DateTime.fromISO(options.today, { zone: 'utc' });
    const [count, rows] = await Promise.all([
      this.count(query),
      query
        .clone()
        .join('multivac_incidents as i', 'i.id', 'p.incident_id')
        .select('i.number', 'p.title', 'p.status', 'p.owner_ref', 'p.due_date')
        .orderBy([
          { column: 'p.due_date', order: 'asc' },
          { column: 'i.number', order: 'asc' },
        ])
        .limit(limit),
    ]);
    return {
      count,
      items: rows.map((row: Row) => ({
        reference: formatPostmortemReference(Number(row.number)),
        title: row.title,
        status: row.status as PostmortemStatus,
        ownerRef: row.owner_ref,
        dueDate: row.due_date,
        overdueDays: Math.round(
          today.diff(DateTime.fromISO(row.due_date, { zone: 'utc' }), 'days')
            .days,
        ),
      })),
    };
  }

  async releases(
    filter: DigestFilter,
    limit: number,
  ): Promise<DigestList<DigestRelease>> {
    const query = this.db('multivac_releases as r')
      .where('r.start_at', '<', toIsoString(filter.to))
      .where('r.end_at', '>', toIsoString(filter.from))
      .whereNot('r.status', 'cancelled');
    if (filter.team) {
      const team = filter.team;
      query.where(inner => {
        inner
          .where('r.owner_ref', team)
          .orWhereExists(
            this.db('multivac_entity_owners as tow')
              .whereRaw('tow.entity_ref = r.entity_ref')
              .where('tow.owner_ref', team)
              .select(this.db.raw('1')),
          );
      });
    }
    const [count, rows] = await Promise.all([
      this.count(query),
      query
        .clone()
        .select(
          'r.number',
          'r.title',
          'r.entity_ref',
          'r.environment',
          'r.status',
          'r.start_at',
          'r.end_at',
        )
        .orderBy([
          { column: 'r.start_at', order: 'asc' },
          { column: 'r.number', order: 'asc' },
        ])
        .limit(limit),
    ]);
    return {
      count,
      items: rows.map((row: Row) => ({
        reference: formatReleaseReference(Number(row.number)),
        title: row.title,
        entityRef: row.entity_ref,
        environment: row.environment,
        status: row.status as ReleaseStatus,
        startAt: toIsoString(row.start_at),
        endAt: toIsoString(row.end_at),
      })),
    };
  }

  /** Incidents, of the team's entities when given. */
  private incidents(team?: string): Knex.QueryBuilder {
    const query = this.db('multivac_incidents as i');
    if (team) {
      query.whereExists(
        this.db('multivac_incident_entities as te')
          .join(
            'multivac_entity_owners as tow',
            'tow.entity_ref',
            'te.entity_ref',
          )
          .whereRaw('te.incident_id = i.id')
          .where('tow.owner_ref', team)
          .select(this.db.raw('1')),
      );
    }
    return query;
  }

  /** Restricts `query` to rows whose `column` is an entity the team owns. */
  private ownedBy(query: Knex.QueryBuilder, column: string, team?: string) {
    if (team) {
      query.whereExists(
        this.db('multivac_entity_owners as tow')
          .whereRaw(`tow.entity_ref = ${column}`)
          .where('tow.owner_ref', team)
          .select(this.db.raw('1')),
      );
    }
  }

  private async incidentList(
    query: Knex.QueryBuilder,
    orderBy: string | Knex.Raw,
    order: 'asc' | 'desc',
    limit: number,
  ): Promise<DigestList<DigestIncident>> {
    const [count, rows] = await Promise.all([
      this.count(query),
      query
        .clone()
        .select(
          'i.id',
          'i.number',
          'i.title',
          'i.severity',
          'i.status',
          'i.created_at',
          'i.state_timestamps',
        )
        .orderBy(orderBy as string, order)
        .orderBy('i.number', order)
        .limit(limit),
    ]);
    const ids = rows.map((row: Row) => row.id as string);
    const entities = new Map<string, string[]>();
    if (ids.length > 0) {
      const links: Row[] = await this.db('multivac_incident_entities')
        .whereIn('incident_id', ids)
        .orderBy(['incident_id', 'entity_ref'])
        .select('incident_id', 'entity_ref');
      for (const link of links) {
        const list = entities.get(link.incident_id) ?? [];
        list.push(link.entity_ref);
        entities.set(link.incident_id, list);
      }
    }
    return {
      count,
      items: rows.map((row: Row): DigestIncident => {
        const declaredAt = toIsoString(row.created_at);
        const resolved: string | undefined =
          row.status === 'resolved'
            ? JSON.parse(row.state_timestamps).resolved
            : undefined;
        return {
          id: row.id,
          reference: formatIncidentReference(Number(row.number)),
          title: row.title,
          severity: row.severity as Severity,
          status: row.status as IncidentStatus,
          entityRefs: entities.get(row.id) ?? [],
          declaredAt,
          ...(resolved && {
            resolvedAt: toIsoString(resolved),
            durationSeconds:
              (Date.parse(resolved) - Date.parse(declaredAt)) / 1000,
          }),
        };
      }),
    };
  }

  private async count(query: Knex.QueryBuilder): Promise<number> {
    const [row] = await query.clone().clearSelect().count({ n: '*' });
    return Number((row as Row).n);
  }

  private resolvedAt(): string {
    return this.pg
      ? `CAST(CAST(i.state_timestamps AS json) ->> 'resolved' AS timestamptz)`
      : `json_extract(i.state_timestamps, '$.resolved')`;
  }

  /** A bound ISO time comparable with `resolvedAt`. */
  private time(): string {
    return this.pg ? 'CAST(? AS timestamptz)' : '?';
  }

  private async rows<T>(sql: string, params: unknown[]): Promise<T[]> {
    const result = await this.db.raw(sql, params as Knex.RawBinding[]);
    return this.pg ? result.rows : result;
  }
}
