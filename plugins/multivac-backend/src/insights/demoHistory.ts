import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { OnCallPerson } from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { onCallAt, ScheduleDefinition } from '../oncall/schedule';
import { localMoment } from './bands';
import { seedDemoReleases } from './demoHistoryReleases';

/** Who made the demo history: shown as the creator of every demo record. */
export const DEMO_ACTOR = 'service:multivac-demo-history';
const DAYS = 90;
const MINUTE = 60_000;

/**
 * The demo catalog's teams, their services and people (examples/org.yaml),
 * each person as [User name, zone, display name].
 */
const TEAMS = [
  {
    schedule: 'payments-primary',
    services: ['payments-api', 'ledger-service', 'fraud-detector'],
    people: [
      ['ada.lovelace', 'Europe/Berlin', 'Ada Lovelace'],
      ['grace.hopper', 'America/New_York', 'Grace Hopper'],
      ['alan.turing', 'Europe/London', 'Alan Turing'],
    ],
  },
  {
    schedule: 'storefront-primary',
    services: ['checkout-web', 'cart-service', 'product-catalog'],
    people: [
      ['margaret.hamilton', 'America/Los_Angeles', 'Margaret Hamilton'],
      ['linus.torvalds', 'Europe/Helsinki', 'Linus Torvalds'],
      ['barbara.liskov', 'America/New_York', 'Barbara Liskov'],
    ],
  },
  {
    schedule: 'platform-primary',
    services: ['identity-service', 'api-gateway', 'notification-service'],
    people: [
      ['ken.thompson', 'Asia/Tokyo', 'Ken Thompson'],
      ['radia.perlman', 'America/Chicago', 'Radia Perlman'],
      ['donald.knuth', 'America/Los_Angeles', 'Donald Knuth'],
      ['katherine.johnson', 'UTC', 'Katherine Johnson'],
    ],
  },
] as const;

const TROUBLES = [
  'error rate above 5%',
  'p99 latency over 2 s',
  'pods restarting',
  'queue backlog growing',
  'certificate about to expire',
  'database connections exhausted',
];

/** A demo person: User name, IANA zone, display name. */
type Person = readonly [name: string, zone: string, displayName: string];

/** A person as a page's target, as the built-in provider records them. */
function target([name, , displayName]: Person): OnCallPerson {
  return {
    userRef: `user:default/${name}`,
    name: displayName,
    email: `${name}@nimbus.example`,
  };
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Storms at 01:00-04:00 UTC; incidents mostly in working hours. */
function hourOfDay(isStorm: boolean, next: () => number): number {
  if (isStorm) {
    return 1 + next() * 3;
  }
  return next() < 0.7 ? 8 + next() * 10 : next() * 24;
}

/** 5% SEV1, 25% SEV2, 45% SEV3, 25% SEV4. */
function severityOf(roll: number): string {
  if (roll < 0.05) return 'SEV1';
  if (roll < 0.3) return 'SEV2';
  return roll < 0.75 ? 'SEV3' : 'SEV4';
}

/**
 * Whether `multivac.demo.history` asks for demo data here: never when
 * NODE_ENV is production, whatever the config says.
 */
export function demoHistoryEnabled(
  config: Config,
  logger: LoggerService,
  env: string | undefined = process.env.NODE_ENV,
): boolean {
  if (!config.getOptionalBoolean('multivac.demo.history')) {
    return false;
  }
  if (env === 'production') {
    logger.warn(
      'multivac.demo.history is ignored in production (NODE_ENV=production): no demo data is written',
    );
    return false;
  }
  return true;
}

/**
 * On an empty database only, writes a realistic 90-day history ending at
 * `now`'s day: incidents on the demo services at all hours (a few bad
 * nights), their pages, escalations and acknowledgements, responders and
 * the interruptions ledger. Every record is labelled as demo data ("Demo:"
 * titles, created by `service:multivac-demo-history`). The same `now` day
 * always gives the same history. Where `schedules` holds a team's built-in
 * schedule (e.g. `payments-primary`), whoever it has on call is paged, so
 * that the on-call load has figures; otherwise a weekly turn of the team.
 * Returns how many incidents it wrote.
 */
export async function seedDemoHistory(
  db: Knex,
  now: Date = new Date(),
  schedules: ScheduleDefinition[] = [],
): Promise<number> {
  return db.transaction(async tx => {
    const [{ n }] = await tx('multivac_incidents').count({ n: '*' });
    if (Number(n) > 0) {
      return 0;
    }
    const next = random(20261204);
    const pick = <T>(items: readonly T[]) =>
      items[Math.floor(next() * items.length)];
    const end = Date.UTC(
      now.getUTCFullYear(),
      now.getUTCMonth(),
      now.getUTCDate(),
    );
    const start = end - DAYS * 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    let number = 0;
    const byId = new Map(schedules.map(s => [s.id, s]));
    /** The schedule's on-call at `at` and the next in the team, if any. */
    const onDuty = <P extends Person>(
      team: { schedule: string; people: readonly P[] },
      at: number,
      fallback: [P, P],
    ): [P, P] => {
      const schedule = byId.get(team.schedule);
      const shift = schedule && onCallAt(schedule, DateTime.fromMillis(at));
      const index = shift
        ? team.people.findIndex(p => `user:default/${p[0]}` === shift.userRef)
        : -1;
      return index < 0
        ? fallback
        : [team.people[index], team.people[(index + 1) % team.people.length]];
    };
    const notifications: Array<Record<string, unknown>> = [];
    const notify = (
      person: Person,
      at: number,
      pageId: string,
      level: number,
      incidentId: string | null,
      service: string,
    ) => {
      const local = localMoment(iso(at), person[1]);
      notifications.push({
        user_ref: `user:default/${person[0]}`,
        notified_at: iso(at),
        source: 'page',
        page_id: pageId,
        level,
        incident_id: incidentId,
        entity_ref: `component:default/${service}`,
        time_zone: person[1],
        local_weekday: local.weekday,
        local_hour: local.hour,
        band: local.band,
      });
    };

    for (let day = 0; day < DAYS; day++) {
      for (const [teamIndex, team] of TEAMS.entries()) {
        // The week's on-call and their backup, rotating weekly.
        const week = Math.floor(day / 7);
        const weekOnCall = team.people[(week + teamIndex) % team.people.length];
        const weekBackup =
          team.people[(week + teamIndex + 1) % team.people.length];
        // About one incident every three days per team, busier lately.
        const incidents = next() < 0.25 + (0.15 * day) / DAYS ? 1 : 0;
        // A few alert storms at night: three pages within the hour.
        const storm = next() < 0.03;
        for (let i = 0; i < incidents + (storm ? 1 : 0); i++) {
          const isStorm = storm && i === incidents;
          const service = pick(team.services);
          const declared =
            start +
            day * 86_400_000 +
            hourOfDay(isStorm, next) * 3_600_000 +
            Math.floor(next() * 60) * 1000;
          const [onCall, backup] = onDuty(team, declared, [
            weekOnCall,
            weekBackup,
          ]);
          const severity = severityOf(next());
          const ackMinutes = 1 + next() * next() * 25;
          const resolveMinutes = 10 + next() * next() * 360;
          const resolved = declared + resolveMinutes * MINUTE;
          const open = resolved > now.getTime();
          const id = randomUUID();
          number += 1;
          await tx('multivac_incidents').insert({
            id,
            number,
            title: `Demo: ${service} ${pick(TROUBLES)}`,
            description:
              'Generated demo history (multivac.demo.history); not a real incident.',
            severity,
            status: open ? 'investigating' : 'resolved',
            created_by: DEMO_ACTOR,
            created_at: iso(declared),
            updated_at: iso(open ? declared : resolved),
            state_timestamps: JSON.stringify({
              triggered: iso(declared),
              ...(!open && { resolved: iso(resolved) }),
            }),
          });
          await tx('multivac_incident_entities').insert({
            incident_id: id,
            entity_ref: `component:default/${service}`,
          });
          const controller = `user:default/${onCall[0]}`;
          await tx('multivac_incident_roles').insert({
            incident_id: id,
            role: 'controller',
            user_ref: controller,
            assigned_at: iso(declared + ackMinutes * MINUTE),
          });
          if (severity === 'SEV1' || severity === 'SEV2') {
            await tx('multivac_incident_roles').insert({
              incident_id: id,
              role: 'responder',
              user_ref: `user:default/${backup[0]}`,
              assigned_at: iso(
                declared + (ackMinutes + 3 + next() * 30) * MINUTE,
              ),
            });
          }
          // Storms page three times; the on-call answers the last one.
          const pages = isStorm ? 3 : 1;
          for (let p = 0; p < pages; p++) {
            const pageId = randomUUID();
            const pagedAt = declared + p * (10 + next() * 15) * MINUTE;
            const acknowledgedAt = pagedAt + ackMinutes * MINUTE;
            const escalated = ackMinutes > 10;
            // Whoever is on call when this page goes out (a storm's later
            // pages may fall in the next shift).
            const [first, second] =
              p === 0
                ? [onCall, backup]
                : onDuty(team, pagedAt, [onCall, backup]);
            const answered = escalated ? second : first;
            await tx('multivac_pages').insert({
              id: pageId,
              entity_ref: `component:default/${service}`,
              resolved_from: `component:default/${service}`,
              provider: 'builtin',
              schedule_id: '',
              schedule_name: 'Demo history',
              summary: `Demo: ${service} needs attention`,
              details: '{}',
              urgency: severity === 'SEV4' ? 'low' : 'high',
              dedup_key: `multivac-demo-${pageId}`,
              status: 'resolved',
              level: escalated ? 2 : 1,
              // Whom the page reached, as a real page records them.
              targets: JSON.stringify([target(answered)]),
              delivery: 'demo history',
              created_by: DEMO_ACTOR,
              created_at: iso(pagedAt),
              updated_at: iso(acknowledgedAt),
              acknowledged_at: iso(acknowledgedAt),
              acknowledged_by: `user:default/${answered[0]}`,
              resolved_at: iso(Math.max(acknowledgedAt, resolved)),
              history: '[]',
              incident_id: id,
            });
            notify(first, pagedAt, pageId, 1, id, service);
            if (escalated) {
              notify(second, pagedAt + 10 * MINUTE, pageId, 2, id, service);
            }
          }
        }
      }
    }
    for (let i = 0; i < notifications.length; i += 200) {
      await tx('multivac_notifications').insert(
        notifications.slice(i, i + 200),
      );
    }
    await tx('multivac_counters')
      .where({ name: 'incident_number' })
      .update({ value: number });
    // Production releases, a few of which these incidents make failed.
    await seedDemoReleases(tx, { start, days: DAYS, now, actor: DEMO_ACTOR });
    return number;
  });
}
