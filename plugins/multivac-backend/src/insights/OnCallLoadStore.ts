import { Knex } from 'knex';
import { isPostgres, toIsoString } from '../database/util';

/** A burst: this many interruptions or more ... */
export const BURST_SIZE = 3;
/** ... within this many seconds of the first. */
export const BURST_SECONDS = 3600;
/** A bad night: this many sleep-hour interruptions or more in one night. */
export const BAD_NIGHT_SIZE = 2;
/** Google SRE: at most this many incidents per 12-hour shift. */
export const SRE_MAX_INCIDENTS = 2;

/** One person's shift on a schedule, times in epoch milliseconds. */
export interface LoadShift {
  scheduleId: string;
  userRef: string;
  /** The shift's number within the schedule (unique per schedule). */
  shift: number;
  start: number;
  end: number;
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

/** Google SRE's shift length: shifts are cut into pieces this long. */
export const SRE_SHIFT_MS = 12 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * On-call load aggregates in SQL over the interruptions ledger
 * (`multivac_notifications`): the shifts (from the schedule engine) are
 * passed in as one JSON parameter and each reads its person's
 * notifications through the ledger's `(user_ref, notified_at)` index; the
 * database returns one row per schedule and person.
 *
 * Interruptions are the ledger's own (`interruption`: at most one per
 * person per 60 seconds, kept by the triggers of migration
 * `20261205030000_insights_facts`), so the rule lives in one place. Nights
 * come from the local hour and weekday the ledger banded each notification
 * in (22:00–08:00 in the person's zone, named by the evening's date), so no
 * time zone arithmetic is needed in the database.
 */
export class OnCallLoadStore {
  private readonly pg: boolean;

  constructor(private readonly db: Knex) {
    this.pg = isPostgres(db);
  }

  /**
   * Per schedule and person with shifts: interruptions inside their shifts,
   * the most in one shift, bursts, bad nights and 12-hour pieces (cut from
   * each shift's start, the last one shorter) with more than two incidents
   * among all their notifications.
   */
  async load(shifts: LoadShift[]): Promise<PersonLoadCounts[]> {
    if (shifts.length === 0) {
      return [];
    }
    const shiftsJson = JSON.stringify(
      shifts.map(shift => ({
        s: shift.scheduleId,
        u: shift.userRef,
        sh: shift.shift,
        a: toIsoString(new Date(shift.start)),
        b: toIsoString(new Date(shift.end)),
        am: shift.start,
      })),
    );
    const pg = this.pg;
    const shiftRows = pg
      ? `SELECT * FROM json_to_recordset(CAST(? AS json))
          AS x(s text, u text, sh integer, a timestamptz, b timestamptz, am bigint)`
      : `SELECT json_extract(value, '$.s') AS s, json_extract(value, '$.u') AS u,
          json_extract(value, '$.sh') AS sh, json_extract(value, '$.a') AS a,
          json_extract(value, '$.b') AS b, json_extract(value, '$.am') AS am
          FROM json_each(?)`;
    // Epoch milliseconds, whole (the store writes times to the millisecond).
    const ms = pg
      ? `CAST(round(extract(epoch from n.notified_at) * 1000) AS bigint)`
      : `CAST(round((julianday(n.notified_at) - 2440587.5) * ${DAY_MS}.0) AS INTEGER)`;
    const bigint = (value: number) =>
      pg ? `CAST(${value} AS bigint)` : String(value);
    const burstMs = BURST_SECONDS * 1000;
    // The local date of the evening a sleep-hour notification's night began,
    // in days since the epoch: the UTC day, moved to the local day by the
    // local weekday (a zone is less than a day from UTC), minus one before
    // 08:00.
    const utcDay = `(t / ${DAY_MS})`;
    const night = `${utcDay}
      + CASE (local_weekday - (${utcDay} + 3) % 7 - 1 + 7) % 7
          WHEN 1 THEN 1 WHEN 6 THEN -1 ELSE 0 END
      - CASE WHEN local_hour < 8 THEN 1 ELSE 0 END`;
    const result = await this.db.raw(
      `WITH RECURSIVE
        sh AS (${shiftRows}),
        ev AS (
          SELECT sh.s, sh.u, sh.sh, n.id, n.interruption AS flag,
            n.local_weekday, n.local_hour, ${ms} AS t, sh.am,
            coalesce(n.incident_id, 'page:' || n.page_id,
              'notification:' || CAST(n.id AS ${
                pg ? 'text' : 'TEXT'
              })) AS incident
          FROM sh JOIN multivac_notifications n ON n.user_ref = sh.u
            AND n.notified_at >= sh.a AND n.notified_at < sh.b
        ),
        i AS (SELECT * FROM ev WHERE flag),
        per_shift AS (
          SELECT s, u, sh, count(*) AS n FROM i GROUP BY s, u, sh
        ),
        ps AS (
          SELECT s, u, sum(n) AS total, max(n) AS most FROM per_shift
          GROUP BY s, u
        ),
        sre AS (
          SELECT s, u FROM (
            SELECT s, u, sh, (t - am) / ${SRE_SHIFT_MS} AS piece, incident
            FROM ev
          ) x
          GROUP BY s, u, sh, piece
          HAVING count(DISTINCT incident) > ${SRE_MAX_INCIDENTS}
        ),
        sb AS (SELECT s, u, count(*) AS n FROM sre GROUP BY s, u),
        nights AS (
          SELECT s, u FROM (
            SELECT s, u, ${night} AS night FROM i
            WHERE local_hour >= 22 OR local_hour < 8
          ) x
          GROUP BY s, u, night HAVING count(*) >= ${BAD_NIGHT_SIZE}
        ),
        bn AS (SELECT s, u, count(*) AS n FROM nights GROUP BY s, u),
        ranked AS (
          SELECT s, u, t,
            row_number() OVER (PARTITION BY s, u ORDER BY t, id) AS rn,
            count(*) OVER (PARTITION BY s, u ORDER BY t
              RANGE BETWEEN CURRENT ROW AND ${bigint(
                burstMs,
              )} FOLLOWING) AS within
          FROM i
        ),
        -- A burst starts at the first interruption with two more within the
        -- hour after it; the next one at the first such interruption after
        -- that hour. (A person's interruptions are at least 60 s apart.)
        followed AS (
          SELECT s, u, rn, within,
            min(CASE WHEN within >= ${BURST_SIZE} THEN rn END) OVER (
              PARTITION BY s, u ORDER BY t
              RANGE BETWEEN ${bigint(
                burstMs + 1,
              )} FOLLOWING AND UNBOUNDED FOLLOWING) AS following
          FROM ranked
        ),
        starts AS (
          SELECT s, u, rn, following,
            min(rn) OVER (PARTITION BY s, u) AS first_rn
          FROM followed WHERE within >= ${BURST_SIZE}
        ),
        burst (s, u, rn, following) AS (
          SELECT s, u, rn, following FROM starts WHERE rn = first_rn
          UNION ALL
          SELECT c.s, c.u, c.rn, c.following FROM burst b
          JOIN starts c ON c.s = b.s AND c.u = b.u AND c.rn = b.following
        ),
        bs AS (SELECT s, u, count(*) AS n FROM burst GROUP BY s, u),
        people AS (SELECT DISTINCT s, u FROM sh)
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
      [shiftsJson],
    );
    const rows: Array<Record<string, unknown>> = pg ? result.rows : result;
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
