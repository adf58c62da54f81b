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

/**
 * Consecutive shifts of one person on one schedule, times in epoch
 * milliseconds, sorted; more than an hour apart from the person's other
 * shifts on the schedule, so no burst spans two units.
 */
export interface LoadUnit {
  userRef: string;
  shifts: Array<{ start: number; end: number }>;
}

/** What the ledger says about one unit. */
export interface UnitFigures {
  /** Interruptions in each of the unit's shifts, in order. */
  perShift: number[];
  bursts: number;
  /** 12-hour pieces (from each shift's start) with over two incidents. */
  sreBreaches: number;
  /**
   * Sleep-hour interruptions per night: [the evening's local date in days
   * since the epoch, count], for nights with any.
   */
  nights: Array<[number, number]>;
}

/** A night, 22:00–08:00 in `timeZone`, named by the date it starts on. */
export interface NightWindow {
  timeZone: string;
  /** 'yyyy-MM-dd' of the evening the night starts. */
  night: string;
  start: Date;
  end: Date;
}

/** Google SRE's shift length: shifts are cut into pieces this long. */
export const SRE_SHIFT_MS = 12 * 3_600_000;
const DAY_MS = 86_400_000;
/** People per revisions query. */
const REVISIONS_CHUNK = 500;

/**
 * On-call load aggregates in SQL over the interruptions ledger
 * (`multivac_notifications`): the shifts (from the schedule engine) are
 * passed in as one JSON parameter and each reads its person's
 * notifications through the ledger's `(user_ref, notified_at)` index; the
 * database returns a few rows per unit (its shifts' counts, its nights,
 * its bursts and SRE-rule breaches).
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
   * Each person's revision of the ledger (0 for none yet), raised by the
   * triggers of migration `20261206020000_oncall_load_rollups` whenever
   * their notifications change.
   */
  async revisions(userRefs: string[]): Promise<Map<string, number>> {
    const revisions = new Map<string, number>();
    for (let i = 0; i < userRefs.length; i += REVISIONS_CHUNK) {
      const rows: Array<{ user_ref: string; revision: string | number }> =
        await this.db('multivac_notification_people')
          .select('user_ref', 'revision')
          .whereIn('user_ref', userRefs.slice(i, i + REVISIONS_CHUNK));
      rows.forEach(r => revisions.set(r.user_ref, Number(r.revision)));
    }
    return revisions;
  }

  /** For each range, whether the person had any notification in it. */
  async notifiedIn(
    ranges: Array<{ userRef: string; start: number; end: number }>,
  ): Promise<boolean[]> {
    if (ranges.length === 0) {
      return [];
    }
    const json = JSON.stringify(
      ranges.map((range, i) => ({
        i,
        u: range.userRef,
        a: toIsoString(new Date(range.start)),
        b: toIsoString(new Date(range.end)),
      })),
    );
    const pg = this.pg;
    const rangeRows = pg
      ? `SELECT * FROM json_to_recordset(CAST(? AS json))
          AS x(i integer, u text, a timestamptz, b timestamptz)`
      : `SELECT json_extract(value, '$.i') AS i, json_extract(value, '$.u') AS u,
          json_extract(value, '$.a') AS a, json_extract(value, '$.b') AS b
          FROM json_each(?)`;
    // LIMIT 1 keeps each range one probe of the person's index.
    const result = await this.db.raw(
      `SELECT r.i FROM (${rangeRows}) r
       WHERE EXISTS (SELECT 1 FROM multivac_notifications n
         WHERE n.user_ref = r.u AND n.notified_at >= r.a AND n.notified_at < r.b
         LIMIT 1)`,
      [json],
    );
    const rows: Array<{ i: number | string }> = pg ? result.rows : result;
    const notified = ranges.map(() => false);
    rows.forEach(row => {
      notified[Number(row.i)] = true;
    });
    return notified;
  }

  /**
   * Per unit: interruptions inside each shift, bursts, sleep-hour
   * interruptions per night and 12-hour pieces (cut from each shift's
   * start, the last one shorter) with more than two incidents among all
   * the person's notifications in them.
   */
  async figures(units: LoadUnit[]): Promise<UnitFigures[]> {
    const figures: UnitFigures[] = units.map(unit => ({
      perShift: unit.shifts.map(() => 0),
      bursts: 0,
      sreBreaches: 0,
      nights: [],
    }));
    const shifts = units.flatMap((unit, g) =>
      unit.shifts.map((shift, sh) => ({
        g,
        u: unit.userRef,
        sh,
        a: toIsoString(new Date(shift.start)),
        b: toIsoString(new Date(shift.end)),
        am: shift.start,
      })),
    );
    if (shifts.length === 0) {
      return figures;
    }
    const shiftsJson = JSON.stringify(shifts);
    const pg = this.pg;
    const shiftRows = pg
      ? `SELECT * FROM json_to_recordset(CAST(? AS json))
          AS x(g integer, u text, sh integer, a timestamptz, b timestamptz, am bigint)`
      : `SELECT json_extract(value, '$.g') AS g, json_extract(value, '$.u') AS u,
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
    const hour = bigint(burstMs);
    const hourAndOne = bigint(burstMs + 1);
    // The local date of the evening a sleep-hour notification's night began,
    // in days since the epoch: the UTC day, moved to the local day by the
    // local weekday (a zone is less than a day from UTC), minus one before
    // 08:00.
    const utcDay = `(t / ${DAY_MS})`;
    const night = `${utcDay}
      + CASE (local_weekday - (${utcDay} + 3) % 7 - 1 + 7) % 7
          WHEN 1 THEN 1 WHEN 6 THEN -1 ELSE 0 END
      - CASE WHEN local_hour < 8 THEN 1 ELSE 0 END`;
    const big = pg ? 'bigint' : 'INTEGER';
    const result = await this.db.raw(
      `WITH RECURSIVE
        sh AS (${shiftRows}),
        ev AS (
          SELECT sh.g, sh.sh, n.interruption AS flag,
            n.local_weekday, n.local_hour, ${ms} AS t, sh.am,
            coalesce(n.incident_id, 'page:' || n.page_id,
              'notification:' || CAST(n.id AS ${
                pg ? 'text' : 'TEXT'
              })) AS incident
          FROM sh ${
            // PostgreSQL cannot estimate the JSON's rows: LATERAL (kept
            // apart by OFFSET 0) makes each shift one range of the person's
            // index instead of a hash join over the whole ledger.
            pg
              ? `CROSS JOIN LATERAL (SELECT * FROM multivac_notifications n
                  WHERE n.user_ref = sh.u
                    AND n.notified_at >= sh.a AND n.notified_at < sh.b
                  OFFSET 0) n`
              : `JOIN multivac_notifications n ON n.user_ref = sh.u
                  AND n.notified_at >= sh.a AND n.notified_at < sh.b`
          }
        ),
        i AS (SELECT g, sh, t, local_weekday, local_hour FROM ev WHERE flag),
        ranked AS (
          SELECT g, t,
            count(*) OVER (PARTITION BY g ORDER BY t
              RANGE BETWEEN CURRENT ROW AND ${hour} FOLLOWING) AS within
          FROM i
        ),
        -- A burst starts at the first interruption with two more within the
        -- hour after it (a candidate); the next one at the first candidate
        -- more than an hour after that (a person's interruptions are at
        -- least 60 s apart, so times identify them). A candidate more than
        -- an hour after the one before it always starts a burst (a head);
        -- only candidates closer than that need the chain from their head.
        cand AS (
          SELECT g, t,
            lag(t) OVER (PARTITION BY g ORDER BY t) AS prev_t,
            -- In descending time the frame grows from the partition's
            -- start, so the minimum is kept, not rescanned per row.
            min(t) OVER (PARTITION BY g ORDER BY t DESC
              RANGE BETWEEN UNBOUNDED PRECEDING AND ${hourAndOne} PRECEDING)
              AS following
          FROM ranked WHERE within >= ${BURST_SIZE}
        ),
        starts AS (
          SELECT g, t, following,
            CASE WHEN prev_t IS NULL OR t - prev_t > ${burstMs}
              THEN 1 ELSE 0 END AS head
          FROM cand
        ),
        burst (g, t, following) AS (
          SELECT g, t, following FROM starts WHERE head = 1
          UNION ALL
          SELECT c.g, c.t, c.following FROM burst b
          JOIN starts c ON c.g = b.g AND c.t = b.following AND c.head = 0
        )
        SELECT 'shift' AS kind, g, CAST(sh AS ${big}) AS k, count(*) AS n
        FROM i GROUP BY g, sh
        UNION ALL
        SELECT 'night', g, night, count(*) FROM (
          SELECT g, CAST(${night} AS ${big}) AS night FROM i
          WHERE local_hour >= 22 OR local_hour < 8
        ) x GROUP BY g, night
        UNION ALL
        SELECT 'burst', g, 0, count(*) FROM burst GROUP BY g
        UNION ALL
        SELECT 'sre', g, 0, count(*) FROM (
          SELECT g FROM (
            SELECT DISTINCT g, sh, (t - am) / ${SRE_SHIFT_MS} AS piece,
              incident
            FROM ev
          ) x
          GROUP BY g, sh, piece HAVING count(*) > ${SRE_MAX_INCIDENTS}
        ) y GROUP BY g`,
      [shiftsJson],
    );
    const rows: Array<Record<string, unknown>> = pg ? result.rows : result;
    for (const row of rows) {
      const unit = figures[Number(row.g)];
      const k = Number(row.k);
      const n = Number(row.n);
      if (row.kind === 'shift') {
        unit.perShift[k] = n;
      } else if (row.kind === 'night') {
        unit.nights.push([k, n]);
      } else if (row.kind === 'burst') {
        unit.bursts = n;
      } else {
        unit.sreBreaches = n;
      }
    }
    for (const unit of figures) {
      unit.nights.sort((x, y) => x[0] - y[0]);
    }
    return figures;
  }
}
