import { Knex } from 'knex';
import { isPostgres, toIsoString } from '../database/util';
import { INTERRUPTION_MERGE_SECONDS } from './DatabaseInsightsStore';

/** A burst: this many interruptions or more ... */
export const BURST_SIZE = 3;
/** ... within this many seconds of the first. */
export const BURST_SECONDS = 3600;
/** A bad night: this many sleep-hour interruptions or more in one night. */
export const BAD_NIGHT_SIZE = 2;
/** Google SRE: at most this many incidents per 12-hour shift. */
export const SRE_MAX_INCIDENTS = 2;

/**
 * A piece of a person's shift on a schedule: shifts are cut into 12-hour
 * pieces from their start (the last one shorter), for the SRE rule.
 */
export interface ShiftPiece {
  scheduleId: string;
  userRef: string;
  /** The shift's number within the schedule (unique per schedule). */
  shift: number;
  start: Date;
  end: Date;
}

/** A night, 22:00–08:00 in `timeZone`, named by the date it starts on. */
export interface NightWindow {
  timeZone: string;
  /** 'yyyy-MM-dd' of the evening the night starts. */
  night: string;
  start: Date;
  end: Date;
}

/** Counts of one person on one schedule, from the interruptions ledger. */
export interface PersonLoadCounts {
  scheduleId: string;
  userRef: string;
  interruptions: number;
  maxPerShift: number;
  bursts: number;
  badNights: number;
  sreBreaches: number;
}

type Sql = { sql: string; params: unknown[] };

/**
 * On-call load aggregates in SQL over `multivac_notifications`: the shifts
 * (from the schedule engine) and the nights (from each zone's calendar) are
 * passed in as one JSON parameter each; the database returns one row per
 * schedule and person.
 */
export class OnCallLoadStore {
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

  /**
   * Per schedule and person with pieces: interruptions inside their shifts
   * (the first notification after 60 seconds without one, as everywhere in
   * insights), the most in one shift, bursts, bad nights and 12-hour pieces
   * with more than two incidents. Only notifications in [from, to) count.
   */
  async load(
    pieces: ShiftPiece[],
    nights: NightWindow[],
    from: Date,
    to: Date,
  ): Promise<PersonLoadCounts[]> {
    if (pieces.length === 0) {
      return [];
    }
    const lookBehind = new Date(
      from.getTime() - INTERRUPTION_MERGE_SECONDS * 1000,
    );
    // Each piece and night once per UTC day it touches (k: days since the
    // epoch), so the database joins notifications to them on equality.
    const piecesJson = JSON.stringify(
      pieces.flatMap((p, i) =>
        utcDays(p.start, p.end).map(k => ({
          s: p.scheduleId,
          u: p.userRef,
          sh: p.shift,
          pc: i,
          k,
          a: toIsoString(p.start),
          b: toIsoString(p.end),
        })),
      ),
    );
    const nightsJson = JSON.stringify(
      nights.flatMap(n =>
        utcDays(n.start, n.end).map(k => ({
          z: n.timeZone,
          d: n.night,
          k,
          a: toIsoString(n.start),
          b: toIsoString(n.end),
        })),
      ),
    );
    const epoch = (column: string) =>
      this.pg
        ? `extract(epoch from ${column})::float8`
        : `round((julianday(${column}) - 2440587.5) * 86400.0, 3)`;
    const pieceRows = this.pg
      ? `SELECT * FROM json_to_recordset(CAST(? AS json))
          AS x(s text, u text, sh integer, pc integer, k integer, a timestamptz, b timestamptz)`
      : `SELECT json_extract(value, '$.s') AS s, json_extract(value, '$.u') AS u,
          json_extract(value, '$.sh') AS sh, json_extract(value, '$.pc') AS pc,
          json_extract(value, '$.k') AS k,
          json_extract(value, '$.a') AS a, json_extract(value, '$.b') AS b
          FROM json_each(?)`;
    const nightRows = this.pg
      ? `SELECT * FROM json_to_recordset(CAST(? AS json))
          AS x(z text, d text, k integer, a timestamptz, b timestamptz)`
      : `SELECT json_extract(value, '$.z') AS z, json_extract(value, '$.d') AS d,
          json_extract(value, '$.k') AS k,
          json_extract(value, '$.a') AS a, json_extract(value, '$.b') AS b
          FROM json_each(?)`;
    const text = this.pg ? 'text' : 'TEXT';
    const day = (t: string) =>
      this.pg
        ? `CAST(floor(${t} / 86400) AS integer)`
        : `CAST(${t} / 86400 AS INTEGER)`;
    const query: Sql = {
      sql: `WITH RECURSIVE
        pc AS (${pieceRows}),
        nt AS (${nightRows}),
        led0 AS (
          SELECT id, user_ref, notified_at, time_zone, incident_id, page_id,
            ${epoch('notified_at')} AS t,
            ${epoch(
              `lag(notified_at) OVER (PARTITION BY user_ref ORDER BY notified_at, id)`,
            )} AS prev_t
          FROM multivac_notifications
          WHERE user_ref IN (SELECT DISTINCT u FROM pc)
            AND notified_at >= ? AND notified_at < ?
        ),
        led AS (SELECT led0.*, ${day('t')} AS k FROM led0),
        ev AS (
          SELECT pc.s, pc.u, pc.sh, pc.pc, led.id, led.notified_at, led.t,
            led.k, led.prev_t, led.time_zone,
            coalesce(led.incident_id, 'page:' || led.page_id,
              'notification:' || CAST(led.id AS ${text})) AS incident
          FROM led JOIN pc ON pc.u = led.user_ref AND pc.k = led.k
            AND led.notified_at >= pc.a AND led.notified_at < pc.b
          WHERE led.notified_at >= ?
        ),
        i AS (
          SELECT * FROM ev
          WHERE prev_t IS NULL OR t - prev_t >= ${INTERRUPTION_MERGE_SECONDS}
        ),
        per_shift AS (
          SELECT s, u, sh, count(*) AS n FROM i GROUP BY s, u, sh
        ),
        ps AS (
          SELECT s, u, sum(n) AS total, max(n) AS most FROM per_shift
          GROUP BY s, u
        ),
        sre AS (
          SELECT s, u, pc FROM ev GROUP BY s, u, pc
          HAVING count(DISTINCT incident) > ${SRE_MAX_INCIDENTS}
        ),
        sb AS (SELECT s, u, count(*) AS n FROM sre GROUP BY s, u),
        night AS (
          SELECT i.s, i.u, nt.d FROM i
          JOIN nt ON nt.z = i.time_zone AND nt.k = i.k
            AND i.notified_at >= nt.a AND i.notified_at < nt.b
          GROUP BY i.s, i.u, nt.d HAVING count(*) >= ${BAD_NIGHT_SIZE}
        ),
        bn AS (SELECT s, u, count(*) AS n FROM night GROUP BY s, u),
        ranked AS (
          SELECT s, u, t,
            row_number() OVER (PARTITION BY s, u ORDER BY t, id) AS rn,
            count(*) OVER (PARTITION BY s, u ORDER BY t
              RANGE BETWEEN CURRENT ROW AND ${BURST_SECONDS} FOLLOWING) AS within
          FROM i
        ),
        cand AS (
          SELECT s, u, rn, within, rn + within - 1 AS last_rn,
            min(CASE WHEN within >= ${BURST_SIZE} THEN rn END) OVER (
              PARTITION BY s, u ORDER BY rn
              ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_start,
            min(CASE WHEN within >= ${BURST_SIZE} THEN rn END) OVER (
              PARTITION BY s, u) AS first_start
          FROM ranked
        ),
        starts AS (
          SELECT c.s, c.u, c.rn, c.first_start, after.next_start AS following
          FROM cand c
          LEFT JOIN cand after ON after.s = c.s AND after.u = c.u
            AND after.rn = c.last_rn + 1
          WHERE c.within >= ${BURST_SIZE}
        ),
        burst (s, u, rn, following) AS (
          SELECT s, u, rn, following FROM starts WHERE rn = first_start
          UNION ALL
          SELECT c.s, c.u, c.rn, c.following FROM burst b
          JOIN starts c ON c.s = b.s AND c.u = b.u AND c.rn = b.following
        ),
        bs AS (SELECT s, u, count(*) AS n FROM burst GROUP BY s, u),
        people AS (SELECT DISTINCT s, u FROM pc)
        SELECT people.s, people.u,
          coalesce(ps.total, 0) AS interruptions,
          coalesce(ps.most, 0) AS most,
          coalesce(bs.n, 0) AS bursts,
          coalesce(bn.n, 0) AS bad_nights,
          coalesce(sb.n, 0) AS sre_breaches
        FROM people
        LEFT JOIN ps ON ps.s = people.s AND ps.u = people.u
        LEFT JOIN bs ON bs.s = people.s AND bs.u = people.u
        LEFT JOIN bn ON bn.s = people.s AND bn.u = people.u
        LEFT JOIN sb ON sb.s = people.s AND sb.u = people.u
        ORDER BY people.s, people.u`,
      params: [
        piecesJson,
        nightsJson,
        toIsoString(lookBehind),
        toIsoString(to),
        toIsoString(from),
      ],
    };
    const result = await this.db.raw(
      query.sql,
      query.params as Knex.RawBinding[],
    );
    const rows: Array<Record<string, unknown>> = this.pg ? result.rows : result;
    return rows.map(row => ({
      scheduleId: String(row.s),
      userRef: String(row.u),
      interruptions: Number(row.interruptions),
      maxPerShift: Number(row.most),
      bursts: Number(row.bursts),
      badNights: Number(row.bad_nights),
      sreBreaches: Number(row.sre_breaches),
    }));
  }
}

const DAY_MS = 86_400_000;

/** The UTC days (days since 1970-01-01) that [start, end) touches. */
function utcDays(start: Date, end: Date): number[] {
  const first = Math.floor(start.getTime() / DAY_MS);
  const last = Math.floor((end.getTime() - 1) / DAY_MS);
  const days: number[] = [];
  for (let k = first; k <= last; k++) {
    days.push(k);
  }
  return days;
}
