import { Knex } from 'knex';
import { isPostgres, toIsoString } from '../database/util';
import { BAD_NIGHT_SIZE, NightWindow } from './OnCallLoadStore';

/** A person's on-call time on a schedule. */
export interface OnCallSpan {
  scheduleId: string;
  userRef: string;
  start: Date;
  end: Date;
}

/** One interruption of a bad night, as the ledger has it. */
export interface BadNightInterruption {
  scheduleId: string;
  userRef: string;
  /** The night's zone (the ledger's zone of the person) and date. */
  timeZone: string;
  night: string;
  id: string;
  notifiedAt: Date;
  pageId?: string;
  incidentId?: string;
  entityRef: string;
}

/**
 * The interruptions of bad nights, in SQL over `multivac_notifications`:
 * the people's on-call spans and the nights (from each zone's calendar) go
 * in as one JSON parameter each, and the database returns the interruptions
 * (the `interruption` flag the ledger's triggers keep: the first
 * notification after 60 seconds without one) of the nights with at least
 * two of them within the person's on-call time on one schedule, as the
 * on-call load counts bad nights.
 */
export class BadNightsStore {
  private readonly pg: boolean;

  constructor(private readonly db: Knex) {
    this.pg = isPostgres(db);
  }

  /** The time zones the ledger banded these people's notifications in. */
  async timeZones(userRefs: string[], from: Date, to: Date): Promise<string[]> {
    if (userRefs.length === 0) {
      return [];
    }
    const rows: Array<{ time_zone: string }> = await this.db(
      'multivac_notifications',
    )
      .distinct('time_zone')
      .whereIn('user_ref', userRefs)
      .where('notified_at', '>=', toIsoString(from))
      .where('notified_at', '<', toIsoString(to));
    return rows.map(r => r.time_zone).sort();
  }

  async interruptions(
    spans: OnCallSpan[],
    nights: NightWindow[],
  ): Promise<BadNightInterruption[]> {
    if (spans.length === 0 || nights.length === 0) {
      return [];
    }
    const from = new Date(Math.min(...nights.map(n => n.start.getTime())));
    const to = new Date(Math.max(...nights.map(n => n.end.getTime())));
    const spansJson = JSON.stringify(
      spans.map(s => ({
        s: s.scheduleId,
        u: s.userRef,
        a: toIsoString(s.start),
        b: toIsoString(s.end),
      })),
    );
    const nightsJson = JSON.stringify(
      nights.map(n => ({
        z: n.timeZone,
        d: n.night,
        a: toIsoString(n.start),
        b: toIsoString(n.end),
      })),
    );
    const spanRows = this.pg
      ? `SELECT * FROM json_to_recordset(CAST(? AS json))
          AS x(s text, u text, a timestamptz, b timestamptz)`
      : `SELECT json_extract(value, '$.s') AS s, json_extract(value, '$.u') AS u,
          json_extract(value, '$.a') AS a, json_extract(value, '$.b') AS b
          FROM json_each(?)`;
    const nightRows = this.pg
      ? `SELECT * FROM json_to_recordset(CAST(? AS json))
          AS x(z text, d text, a timestamptz, b timestamptz)`
      : `SELECT json_extract(value, '$.z') AS z, json_extract(value, '$.d') AS d,
          json_extract(value, '$.a') AS a, json_extract(value, '$.b') AS b
          FROM json_each(?)`;
    const result = await this.db.raw(
      `WITH
        sp AS (${spanRows}),
        nt AS (${nightRows}),
        ev AS (
          SELECT sp.s, n.user_ref AS u, nt.z, nt.d, n.id, n.notified_at,
            n.page_id, n.incident_id, n.entity_ref
          FROM multivac_notifications n
          JOIN sp ON sp.u = n.user_ref
            AND n.notified_at >= sp.a AND n.notified_at < sp.b
          JOIN nt ON nt.z = n.time_zone
            AND n.notified_at >= nt.a AND n.notified_at < nt.b
          WHERE n.interruption
            AND n.user_ref IN (SELECT DISTINCT u FROM sp)
            AND n.notified_at >= ? AND n.notified_at < ?
        ),
        counted AS (
          SELECT ev.*, count(*) OVER (PARTITION BY s, u, z, d) AS k FROM ev
        )
        SELECT s, u, z, d, id, notified_at, page_id, incident_id, entity_ref
        FROM counted WHERE k >= ${BAD_NIGHT_SIZE}
        ORDER BY u, d, s, notified_at, id`,
      [spansJson, nightsJson, toIsoString(from), toIsoString(to)],
    );
    const rows: Array<Record<string, unknown>> = this.pg ? result.rows : result;
    return rows.map(row => ({
      scheduleId: String(row.s),
      userRef: String(row.u),
      timeZone: String(row.z),
      night: String(row.d),
      id: String(row.id),
      notifiedAt: new Date(row.notified_at as string | Date),
      ...(row.page_id ? { pageId: String(row.page_id) } : {}),
      ...(row.incident_id ? { incidentId: String(row.incident_id) } : {}),
      entityRef: String(row.entity_ref),
    }));
  }
}
