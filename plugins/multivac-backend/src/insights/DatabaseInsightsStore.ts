import {
  DurationStats,
  IncidentMetrics,
  InterruptionCounts,
} from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { knexOf, Transaction } from '../database/Transaction';
import { isPostgres, toIsoString } from '../database/util';
import {
  IncidentGrouping,
  InsightsFilter,
  InsightsStore,
  InterruptionGrouping,
  NewNotification,
} from './InsightsStore';

/**
 * Two notifications to one person this close are one interruption (the
 * triggers of migration `20261205030000_insights_facts` use the same 60).
 */
export const INTERRUPTION_MERGE_SECONDS = 60;

/**
 * How percentiles are computed: PostgreSQL's `percentile_cont`, or ranks
 * from window functions (SQLite has no percentile aggregate). Both
 * interpolate between the closest ranks, the p-th of n sorted values at
 * rank p·(n−1), so they agree (tested on PostgreSQL, where both run).
 */
export type PercentileMethod = 'percentile_cont' | 'window';

/** [fraction numerator, denominator, output field] of each percentile. */
const PERCENTILES = [
  [1, 2, 'p50'],
  [9, 10, 'p90'],
] as const;

/** Durations of each incident, in seconds, named as in the SQL. */
const DURATIONS = [
  ['tta', 'mtta'],
  ['ttr', 'mttr'],
  ['ttm', 'mobilise'],
] as const;

type Sql = { sql: string; params: unknown[] };

/**
 * Insight aggregates in SQL over the incident, page, role and notification
 * tables: the database returns one row per group, never the incidents.
 */
export class DatabaseInsightsStore implements InsightsStore {
  private readonly pg: boolean;
  private readonly percentiles: PercentileMethod;

  constructor(
    private readonly db: Knex,
    options: { percentiles?: PercentileMethod } = {},
  ) {
    this.pg = isPostgres(db);
    this.percentiles =
      options.percentiles ?? (this.pg ? 'percentile_cont' : 'window');
    if (this.percentiles === 'percentile_cont' && !this.pg) {
      throw new Error('percentile_cont needs PostgreSQL');
    }
  }

  async recordNotifications(
    tx: Transaction,
    notifications: NewNotification[],
  ): Promise<void> {
    if (notifications.length === 0) {
      return;
    }
    await knexOf(tx)('multivac_notifications')
      .insert(
        notifications.map(n => ({
          user_ref: n.userRef,
          notified_at: toIsoString(n.notifiedAt),
          source: n.source,
          page_id: n.pageId ?? null,
          level: n.level ?? null,
          incident_id: n.incidentId ?? null,
          entity_ref: n.entityRef,
          time_zone: n.timeZone,
          local_weekday: n.localWeekday,
          local_hour: n.localHour,
          band: n.band,
        })),
      )
      .onConflict(['page_id', 'level', 'user_ref'])
      .ignore();
  }

  async linkNotifications(
    tx: Transaction,
    reportId: string,
    incidentId: string,
  ): Promise<void> {
    await knexOf(tx)('multivac_notifications')
      .whereIn(
        'page_id',
        knexOf(tx)('multivac_pages')
          .where({ report_id: reportId })
          .select('id'),
      )
      .update({ incident_id: incidentId });
  }

  async incidentMetrics(
    filter: InsightsFilter,
    grouping: IncidentGrouping,
  ): Promise<Array<IncidentMetrics & { key: string }>> {
    const scope = this.incidentScope(filter);
    const keyed = this.keyed(grouping, filter);
    const aggregate = this.aggregate(keyed.text);
    const perEntity = grouping.by === 'service' || grouping.by === 'team';
    const rows: Array<Record<string, unknown>> = await this.rows({
      sql: `WITH ${this.facts(scope.sql, perEntity)}, g AS (${keyed.sql})${
        aggregate.ctes ? `, ${aggregate.ctes}` : ''
      } ${aggregate.select}`,
      params: [...scope.params, ...keyed.params],
    });
    return rows.map(row => ({
      key: String(row.k),
      count: Number(row.count),
      ...(Object.fromEntries(
        DURATIONS.map(([column, metric]) => [
          metric,
          durationStats(row, column),
        ]),
      ) as Pick<IncidentMetrics, 'mtta' | 'mttr' | 'mobilise'>),
    }));
  }

  async interruptions(
    filter: InsightsFilter,
    grouping: InterruptionGrouping,
  ): Promise<Array<InterruptionCounts & { key: string }>> {
    const byPerson = grouping === 'person';
    const counted = this.countedInterruptions(
      filter,
      byPerson ? 'person-days' : 'hours',
    );
    const rows: Array<Record<string, unknown>> = await this.rows({
      sql: `WITH ${counted.sql}
        SELECT ${byPerson ? 'user_ref' : "'all'"} AS k, sum(c) AS total,
          ${['business', 'evening', 'sleep', 'weekend']
            .map(
              band =>
                `sum(CASE WHEN band = '${band}' THEN c ELSE 0 END) AS ${band}`,
            )
            .join(', ')}
        FROM i ${byPerson ? 'GROUP BY user_ref ORDER BY total DESC, k' : ''}`,
      params: counted.params,
    });
    // Without GROUP BY, no interruptions still make one row, of zeros.
    return rows
      .filter(row => Number(row.total) > 0)
      .map(row => ({
        key: String(row.k),
        total: Number(row.total),
        business: Number(row.business),
        evening: Number(row.evening),
        sleep: Number(row.sleep),
        weekend: Number(row.weekend),
      }));
  }

  async interruptionHeatmap(
    filter: InsightsFilter,
  ): Promise<Array<{ weekday: number; hour: number; count: number }>> {
    const counted = this.countedInterruptions(filter, 'hours');
    const rows: Array<Record<string, unknown>> = await this.rows({
      sql: `WITH ${counted.sql}
        SELECT local_weekday AS weekday, local_hour AS hour, sum(c) AS count
        FROM i GROUP BY local_weekday, local_hour HAVING sum(c) > 0
        ORDER BY local_weekday, local_hour`,
      params: counted.params,
    });
    return rows.map(row => ({
      weekday: Number(row.weekday),
      hour: Number(row.hour),
      count: Number(row.count),
    }));
  }

  /**
   * Steps through the distinct entity refs of notifications and incidents
   * (one index probe each, not every row of the period), keeps those whose
   * owner is unknown or stale, then checks that one is named in [from, to).
   */
  async entitiesToRefresh(
    from: Date,
    to: Date,
    staleBefore: Date,
  ): Promise<string[]> {
    const distinct = (name: string, table: string) => `${name}(r) AS (
        SELECT (SELECT entity_ref FROM ${table} ORDER BY entity_ref LIMIT 1)
        UNION ALL
        SELECT (SELECT t.entity_ref FROM ${table} t WHERE t.entity_ref > ${name}.r
          ORDER BY t.entity_ref LIMIT 1)
        FROM ${name} WHERE ${name}.r IS NOT NULL
      )`;
    const rows: Array<{ entity_ref: string }> = await this.rows({
      sql: `WITH RECURSIVE ${distinct('ne', 'multivac_notifications')},
        ${distinct('ie', 'multivac_incident_entities')},
        refs AS (
          SELECT r FROM ne WHERE r IS NOT NULL
          UNION SELECT r FROM ie WHERE r IS NOT NULL
        )
        SELECT refs.r AS entity_ref FROM refs
        LEFT JOIN multivac_entity_owners o ON o.entity_ref = refs.r
        WHERE (o.entity_ref IS NULL OR o.refreshed_at < ?)
          AND (EXISTS (SELECT 1 FROM multivac_notifications n
              WHERE n.entity_ref = refs.r
                AND n.notified_at >= ? AND n.notified_at < ?)
            OR EXISTS (SELECT 1 FROM multivac_incident_entities e
              JOIN multivac_incidents i ON i.id = e.incident_id
              WHERE e.entity_ref = refs.r
                AND i.created_at >= ? AND i.created_at < ?))`,
      params: [
        toIsoString(staleBefore),
        toIsoString(from),
        toIsoString(to),
        toIsoString(from),
        toIsoString(to),
      ],
    });
    return rows.map(row => row.entity_ref).sort();
  }

  async setOwners(
    owners: Array<{ entityRef: string; ownerRef: string }>,
  ): Promise<void> {
    const refreshedAt = new Date().toISOString();
    const rows = owners.map(o => ({
      entity_ref: o.entityRef,
      owner_ref: o.ownerRef,
      refreshed_at: refreshedAt,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await this.db('multivac_entity_owners')
        .insert(rows.slice(i, i + 500))
        .onConflict('entity_ref')
        .merge(['owner_ref', 'refreshed_at']);
    }
  }

  private async rows<T>({ sql, params }: Sql): Promise<T[]> {
    const result = await this.db.raw(sql, params as Knex.RawBinding[]);
    return this.pg ? result.rows : result;
  }

  /** Seconds from `a` to `b`. */
  private seconds(a: string, b: string): string {
    return this.pg
      ? `extract(epoch from (${b} - ${a}))::float8`
      : // julianday is a float of days: milliseconds are all it can tell
        `round((julianday(${b}) - julianday(${a})) * 86400.0, 3)`;
  }

  /** A bound ISO time usable in arithmetic. */
  private time(): string {
    return this.pg ? 'CAST(? AS timestamptz)' : '?';
  }

  /**
   * The incidents declared in the filter's period, not cancelled, as rows
   * of `multivac_incident_facts` (alias `i`).
   */
  private incidentScope(filter: InsightsFilter): Sql {
    const where = [
      'i.created_at >= ?',
      'i.created_at < ?',
      "i.status <> 'cancelled'",
    ];
    const params: unknown[] = [
      toIsoString(filter.from),
      toIsoString(filter.to),
    ];
    if (filter.severity) {
      where.push('i.severity = ?');
      params.push(filter.severity);
    }
    if (filter.service) {
      where.push(`EXISTS (SELECT 1 FROM multivac_incident_entities se
        WHERE se.incident_id = i.incident_id AND se.entity_ref = ?)`);
      params.push(filter.service);
    }
    if (filter.team) {
      where.push(`EXISTS (SELECT 1 FROM multivac_incident_entities te
        JOIN multivac_entity_owners tow ON tow.entity_ref = te.entity_ref
        WHERE te.incident_id = i.incident_id AND tow.owner_ref = ?)`);
      params.push(filter.team);
    }
    return { sql: where.join(' AND '), params };
  }

  /**
   * `facts`: one row per incident with its durations in seconds (null where
   * it has none): tta first page → first acknowledgement, ttr declared →
   * resolved (resolved incidents), ttm declared → the last of two or more
   * controllers and responders joined. Read from `multivac_incident_facts`,
   * which triggers on incidents, pages and roles keep up to date in the
   * transaction that changes them (migration `20261205030000_insights_facts`).
   */
  private facts(scope: string, perEntity: boolean): string {
    // Per entity: one row per incident and entity it names, from
    // `multivac_incident_entity_facts` (the same facts, copied by triggers
    // of migration `20261206030000_insights_rollups`): one index range, no
    // join of the period's incidents with their entities.
    return perEntity
      ? `facts AS (
        SELECT i.incident_id AS id, i.entity_ref, i.severity, i.created_at,
          i.tta, i.ttr, i.ttm
        FROM multivac_incident_entity_facts i WHERE ${scope}
      )`
      : `facts AS (
        SELECT i.incident_id AS id, i.severity, i.created_at, i.tta, i.ttr, i.ttm
        FROM multivac_incident_facts i WHERE ${scope}
      )`;
  }

  /**
   * A text key for grouping. On PostgreSQL in the "C" collation (bytes):
   * grouping sorts the period's rows by key, which the database's
   * linguistic collation makes several times slower; the groups are the
   * same (a deterministic collation only equates identical strings) and
   * the result is ordered in the database's collation as before.
   */
  private textKey(expression: string): string {
    return this.pg ? `${expression} COLLATE "C"` : expression;
  }

  /**
   * `g`: (k, id, tta, ttr, ttm), one row per key and incident; `text`
   * when k is text.
   */
  private keyed(
    grouping: IncidentGrouping,
    filter: InsightsFilter,
  ): Sql & { text: boolean } {
    const durations = 'f.id, f.tta, f.ttr, f.ttm';
    switch (grouping.by) {
      case 'all':
        return {
          sql: `SELECT 'all' AS k, ${durations} FROM facts f`,
          params: [],
          text: false,
        };
      case 'severity':
        return {
          sql: `SELECT f.severity AS k, ${durations} FROM facts f`,
          params: [],
          text: false,
        };
      case 'service':
        // facts per entity: (incident_id, entity_ref) is their primary
        // key, no duplicates to remove.
        return {
          sql: `SELECT ${this.textKey('f.entity_ref')} AS k, ${durations}
            FROM facts f`,
          params: [],
          text: true,
        };
      case 'team':
        // An incident on two entities of one team counts once for it.
        return {
          sql: `SELECT DISTINCT ${this.textKey(
            "coalesce(o.owner_ref, '')",
          )} AS k, ${this.textKey('f.id')} AS id, f.tta, f.ttr, f.ttm
            FROM facts f
            LEFT JOIN multivac_entity_owners o ON o.entity_ref = f.entity_ref`,
          params: [],
          text: true,
        };
      case 'bucket': {
        const offset = this.seconds(this.time(), 'f.created_at');
        const bucket = this.pg
          ? `CAST(floor(${offset} / ?) AS integer)`
          : `CAST(${offset} / ? AS INTEGER)`;
        return {
          sql: `SELECT ${bucket} AS k, ${durations} FROM facts f`,
          params: [toIsoString(filter.from), grouping.seconds],
          text: false,
        };
      }
      default:
        throw new Error(`Unknown grouping ${JSON.stringify(grouping)}`);
    }
  }

  /**
   * The final SELECT over `g`: count, and mean, n, p50, p90 per duration;
   * ordered by k, text keys in the database's collation.
   */
  private aggregate(text: boolean): { ctes?: string; select: string } {
    const order = (k: string) =>
      text && this.pg ? `${k} COLLATE "default"` : k;
    const means = DURATIONS.map(
      ([d]) => `avg(${d}) AS ${d}_mean, count(${d}) AS ${d}_n`,
    ).join(', ');
    if (this.percentiles === 'percentile_cont') {
      // One sort per duration: every percentile of it from one aggregate.
      const fractions = PERCENTILES.map(([num, den]) => num / den).join(', ');
      const quantiles = DURATIONS.map(
        ([d]) =>
          `percentile_cont(ARRAY[${fractions}]::float8[]) WITHIN GROUP (ORDER BY ${d}) AS ${d}_q`,
      ).join(', ');
      const spread = DURATIONS.flatMap(([d]) =>
        PERCENTILES.map(([, , name], i) => `${d}_q[${i + 1}] AS ${d}_${name}`),
      ).join(', ');
      return {
        ctes: `a AS (SELECT k, count(*) AS count, ${means}, ${quantiles}
          FROM g GROUP BY k)`,
        select: `SELECT a.*, ${spread} FROM a ORDER BY ${order('k')}`,
      };
    }
    const float = this.pg ? 'double precision' : 'REAL';
    const ranked = DURATIONS.map(
      ([d]) => `r_${d} AS (
        SELECT k, ${d} AS v,
          row_number() OVER (PARTITION BY k ORDER BY ${d}) - 1 AS i,
          count(*) OVER (PARTITION BY k) AS n
        FROM g WHERE ${d} IS NOT NULL
      ),
      q_${d} AS (
        SELECT k, ${PERCENTILES.map(([num, den, name]) => {
          const rank = `((n - 1) * ${num}) / ${den}`;
          const at = (offset: string) =>
            `max(CASE WHEN i = ${rank}${offset} THEN v END)`;
          const fraction = `max(CAST(((n - 1) * ${num}) % ${den} AS ${float}) / ${den})`;
          return `${at('')} + (coalesce(${at(' + 1')}, ${at('')}) - ${at(
            '',
          )}) * ${fraction} AS ${name}`;
        }).join(', ')}
        FROM r_${d} GROUP BY k
      )`,
    ).join(', ');
    return {
      ctes: `${ranked},
        base AS (SELECT k, count(*) AS count, ${means} FROM g GROUP BY k)`,
      select: `SELECT base.*, ${DURATIONS.flatMap(([d]) =>
        PERCENTILES.map(([, , name]) => `q_${d}.${name} AS ${d}_${name}`),
      ).join(', ')}
        FROM base ${DURATIONS.map(
          ([d]) => `LEFT JOIN q_${d} ON q_${d}.k = base.k`,
        ).join(' ')}
        ORDER BY ${order('base.k')}`,
    };
  }

  /**
   * `i`: the interruptions in the filter (user_ref, band, local_weekday,
   * local_hour and `c`, how many), each the first notification to its
   * person after more than 60 seconds without one (a notification within 60
   * seconds of that person's previous one belongs to the same interruption,
   * so a stream of them counts once). Which notifications start one is
   * `multivac_notifications.interruption`, kept by triggers as notifications
   * are recorded (migration `20261205030000_insights_facts`), so a period
   * reads only its interruptions, through an index. With no filter, the
   * whole UTC hours of the period come from `multivac_interruption_hours`
   * (counts per hour, band and local hour; no person), or for counts by
   * person the whole UTC days from `multivac_interruption_person_days`
   * (counts per person, day and band; no local time; migration
   * `20261206030000_insights_rollups`), and only the partial first and last
   * hours or days from the notifications.
   */
  private countedInterruptions(
    filter: InsightsFilter,
    rollup: 'hours' | 'person-days',
  ): Sql {
    const columns = 'n.user_ref, n.band, n.local_weekday, n.local_hour, 1 AS c';
    const unfiltered =
      !filter.person && !filter.service && !filter.team && !filter.severity;
    const unit = rollup === 'hours' ? 3_600_000 : 86_400_000;
    const firstWhole = Math.ceil(filter.from.getTime() / unit) * unit;
    const lastWhole = Math.floor(filter.to.getTime() / unit) * unit;
    if (unfiltered && firstWhole < lastWhole) {
      const [from, first, last, to] = [
        filter.from,
        new Date(firstWhole),
        new Date(lastWhole),
        filter.to,
      ].map(toIsoString);
      const whole =
        rollup === 'hours'
          ? `SELECT NULL AS user_ref, h.band, h.local_weekday, h.local_hour,
              h.interruptions AS c
            FROM multivac_interruption_hours h
            WHERE h.hour >= ? AND h.hour < ?`
          : `SELECT d.user_ref, d.band, NULL AS local_weekday,
              NULL AS local_hour, d.interruptions AS c
            FROM multivac_interruption_person_days d
            WHERE d.day >= ? AND d.day < ?`;
      return {
        sql: `i AS (
            ${whole}
            UNION ALL
            SELECT ${columns} FROM multivac_notifications n
            WHERE n.interruption AND n.notified_at >= ? AND n.notified_at < ?
            UNION ALL
            SELECT ${columns} FROM multivac_notifications n
            WHERE n.interruption AND n.notified_at >= ? AND n.notified_at < ?
          )`,
        params: [first, last, from, first, last, to],
      };
    }
    const where = ['n.interruption', 'n.notified_at >= ?', 'n.notified_at < ?'];
    const params: unknown[] = [
      toIsoString(filter.from),
      toIsoString(filter.to),
    ];
    if (filter.person) {
      where.push('n.user_ref = ?');
      params.push(filter.person);
    }
    if (filter.service) {
      where.push('n.entity_ref = ?');
      params.push(filter.service);
    }
    if (filter.team) {
      where.push(`n.entity_ref IN (SELECT o.entity_ref FROM multivac_entity_owners o
        WHERE o.owner_ref = ?)`);
      params.push(filter.team);
    }
    if (filter.severity) {
      where.push(`EXISTS (SELECT 1 FROM multivac_incidents si
        WHERE si.id = n.incident_id AND si.severity = ?)`);
      params.push(filter.severity);
    }
    return {
      sql: `i AS (
          SELECT ${columns}
          FROM multivac_notifications n WHERE ${where.join(' AND ')}
        )`,
      params,
    };
  }
}

function durationStats(
  row: Record<string, unknown>,
  column: string,
): DurationStats {
  const value = (field: string) => {
    const raw = row[`${column}_${field}`];
    return raw === null || raw === undefined
      ? null
      : Math.round(Number(raw) * 1000) / 1000;
  };
  return {
    n: Number(row[`${column}_n`]),
    mean: value('mean'),
    p50: value('p50'),
    p90: value('p90'),
  };
}
