import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_ONCALL_SCHEDULE,
  ANNOTATION_TIMEZONE,
  displayNameOf,
  OnCallLoadSchedule,
} from '@multivac/plugin-multivac-common';
import { WorkflowBadNight } from '@multivac/plugin-multivac-node';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { ScheduleDefinition } from '../oncall/schedule';
import { validTimeZone } from './bands';
import {
  BadNightInterruption,
  BadNightsStore,
  OnCallSpan,
} from './BadNightsStore';
import { nightsIn, OnCallLoadService, personShifts } from './OnCallLoadService';
import { NightWindow } from './OnCallLoadStore';

/** On a Group: its team lead, a User ref or name (`ada.lovelace`). */
export const ANNOTATION_TEAM_LEAD = 'multivac.io/team-lead';
/** The cover suggestions come from this many days of on-call load. */
export const COVER_DAYS = 30;
/** At most this many people are suggested to cover. */
export const MAX_COVER = 2;

const DAY_MS = 86_400_000;
const TEAM_LEADS_KEY = 'multivac.insights.teamLeads';

/** `{ date? }`: the morning (YYYY-MM-DD) after the nights asked about. */
export const badNightsQuerySchema = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
      .refine(
        value => DateTime.fromISO(value, { zone: 'UTC' }).isValid,
        'must be a calendar date',
      )
      .optional(),
  })
  .strict();

/**
 * `multivac.insights.teamLeads`: Group (ref or name) → User (ref or name),
 * both as full refs; throws naming the key of a bad entry.
 */
export function readTeamLeads(config: Config): Map<string, string> {
  const raw = config.getOptional(TEAM_LEADS_KEY);
  const leads = new Map<string, string>();
  if (raw === undefined) {
    return leads;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(
      `${TEAM_LEADS_KEY} must map Groups to Users, e.g. { 'group:default/payments': 'user:default/ada.lovelace' }`,
    );
  }
  for (const [team, lead] of Object.entries(raw)) {
    const key = `${TEAM_LEADS_KEY}['${team}']`;
    let teamRef: string;
    try {
      teamRef = stringifyEntityRef(
        parseEntityRef(team, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      throw new Error(`${key}: ${team} is not a Group ref or name`);
    }
    if (!teamRef.startsWith('group:')) {
      throw new Error(`${key}: ${team} is not a Group`);
    }
    const leadRef = typeof lead === 'string' ? userRef(lead) : undefined;
    if (!leadRef) {
      throw new Error(`${key} must be a User ref or name, got ${String(lead)}`);
    }
    leads.set(teamRef, leadRef);
  }
  return leads;
}

/** A User ref from a ref or a name; undefined when it is neither. */
function userRef(value: string): string | undefined {
  try {
    const ref = stringifyEntityRef(
      parseEntityRef(value.trim(), {
        defaultKind: 'user',
        defaultNamespace: 'default',
      }),
    );
    return ref.startsWith('user:') ? ref : undefined;
  } catch {
    return undefined;
  }
}

interface Team {
  ref: string;
  name: string;
  /** From the Group's annotation. */
  annotatedLead?: string;
}

/**
 * Who had a bad night, with the numbers, whom to tell and who could cover:
 * for the Slack module's morning nudge (issue 18). A bad night is the
 * on-call load's: 2 or more interruptions from 22:00 to 08:00 in the
 * person's zone (the ledger's), inside their shifts on one built-in
 * schedule; the cover suggestions are that schedule's fairness figures.
 */
export class BadNightsService {
  private readonly store: BadNightsStore;
  private readonly onCallLoad: OnCallLoadService;
  private readonly schedules: ScheduleDefinition[];
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly logger: LoggerService;
  private readonly teamLeads: ReadonlyMap<string, string>;

  constructor(options: {
    store: BadNightsStore;
    onCallLoad: OnCallLoadService;
    /** Read on every call (the registry updates it in place). */
    schedules: ScheduleDefinition[];
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    teamLeads?: ReadonlyMap<string, string>;
  }) {
    this.store = options.store;
    this.onCallLoad = options.onCallLoad;
    this.schedules = options.schedules;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.logger = options.logger;
    this.teamLeads = options.teamLeads ?? new Map();
  }

  /**
   * The bad nights of the night before the morning of `date` in each
   * person's zone; without `date`, of each zone's last night that has ended
   * by `now`.
   */
  async badNights(
    query: { date?: string },
    now: Date = new Date(),
  ): Promise<WorkflowBadNight[]> {
    const morning = query.date
      ? DateTime.fromISO(query.date, { zone: 'UTC' })
      : undefined;
    const from = morning
      ? morning.minus({ days: 2 }).toJSDate()
      : new Date(now.getTime() - 2 * DAY_MS);
    const to = morning ? morning.plus({ days: 2 }).toJSDate() : now;

    const schedules = [...this.schedules];
    const spans: OnCallSpan[] = schedules.flatMap(schedule =>
      personShifts(schedule, from, to).map(shift => ({
        scheduleId: schedule.id,
        userRef: shift.userRef,
        start: shift.start.toJSDate(),
        end: shift.end.toJSDate(),
      })),
    );
    const people = [...new Set(spans.map(s => s.userRef))];
    const zones = await this.store.timeZones(people, from, to);
    const evening = morning?.minus({ days: 1 }).toISODate();
    const nights: NightWindow[] = zones.flatMap(zone => {
      const all = nightsIn(zone, from, to);
      if (evening) {
        return all.filter(n => n.night === evening);
      }
      const ended = all.filter(n => n.end.getTime() <= now.getTime());
      return ended.length ? [ended[ended.length - 1]] : [];
    });
    const rows = await this.store.interruptions(spans, nights);
    if (rows.length === 0) {
      return [];
    }

    const byNight = new Map<string, BadNightInterruption[]>();
    for (const row of rows) {
      const key = [row.userRef, row.timeZone, row.night].join('\u0000');
      byNight.set(key, [...(byNight.get(key) ?? []), row]);
    }
    const scheduleById = new Map(schedules.map(s => [s.id, s]));
    const paged = new Set(rows.map(r => r.scheduleId));
    const entities = await this.entities([
      ...rows.flatMap(r => [r.userRef, r.entityRef]),
      ...schedules
        .filter(s => paged.has(s.id))
        .flatMap(s => s.layers.flatMap(l => l.members)),
    ]);
    const teams = new Map<string, Promise<Team | undefined>>();
    const covers = new Map<string, Promise<OnCallLoadSchedule | undefined>>();

    const result: WorkflowBadNight[] = [];
    for (const night of byNight.values()) {
      const first = night[0];
      const schedule = scheduleById.get(mostPaged(night, schedules))!;
      const interruptions = uniqueBy(night, r => r.id).sort(
        (a, b) => +a.notifiedAt - +b.notifiedAt,
      );
      const window = nights.find(
        n => n.timeZone === first.timeZone && n.night === first.night,
      )!;
      if (!teams.has(schedule.id)) {
        teams.set(schedule.id, this.teamOf(schedule.id));
      }
      const team = await teams.get(schedule.id)!;
      const lead = await this.leadOf(team, schedule, first, entities);
      const coverTo = new Date(Math.min(window.end.getTime(), now.getTime()));
      const coverFrom = new Date(coverTo.getTime() - COVER_DAYS * DAY_MS);
      const coverKey = `${schedule.id}\u0000${coverTo.toISOString()}`;
      if (!covers.has(coverKey)) {
        covers.set(
          coverKey,
          this.loadOf(schedule.id, team?.ref, coverFrom, coverTo),
        );
      }
      const load = await covers.get(coverKey)!;
      result.push({
        userRef: first.userRef,
        name: displayNameOf(entities.get(first.userRef), first.userRef),
        night: first.night,
        timeZone: first.timeZone,
        start: window.start.toISOString(),
        end: window.end.toISOString(),
        interruptions: interruptions.map(r => ({
          at: r.notifiedAt.toISOString(),
          localTime: DateTime.fromJSDate(r.notifiedAt)
            .setZone(first.timeZone)
            .toFormat('HH:mm'),
          ...(r.pageId ? { pageId: r.pageId } : {}),
          ...(r.incidentId ? { incidentId: r.incidentId } : {}),
          entityRef: r.entityRef,
          entityName: displayNameOf(entities.get(r.entityRef), r.entityRef),
        })),
        schedule: {
          id: schedule.id,
          name: schedule.name,
          timeZone: schedule.timeZone,
        },
        ...(team ? { team: { ref: team.ref, name: team.name } } : {}),
        ...(lead ? { lead } : {}),
        cover: this.cover(schedule, first.userRef, load, entities),
        coverPeriod: {
          from: coverFrom.toISOString(),
          to: coverTo.toISOString(),
        },
      });
    }
    return result.sort(
      (a, b) =>
        a.start.localeCompare(b.start) ||
        a.name.localeCompare(b.name) ||
        a.userRef.localeCompare(b.userRef),
    );
  }

  /**
   * Everyone else on the schedule (its layers' members, and whoever held a
   * shift in the period) from the lowest share of its interruptions, then
   * of its hours; at most two.
   */
  private cover(
    schedule: ScheduleDefinition,
    person: string,
    load: OnCallLoadSchedule | undefined,
    entities: Map<string, Entity>,
  ): WorkflowBadNight['cover'] {
    const figures = new Map(load?.persons.map(p => [p.userRef, p]) ?? []);
    const members = new Set([
      ...schedule.layers.flatMap(l => l.members),
      ...figures.keys(),
    ]);
    members.delete(person);
    return [...members]
      .map(ref => {
        const p = figures.get(ref);
        return {
          userRef: ref,
          name: p?.name ?? displayNameOf(entities.get(ref), ref),
          interruptions: p?.interruptions ?? 0,
          interruptionsShare: p ? p.interruptionsShare : null,
          hours: p?.hours ?? 0,
          hoursShare: p?.hoursShare ?? 0,
        };
      })
      .sort(
        (a, b) =>
          (a.interruptionsShare ?? 0) - (b.interruptionsShare ?? 0) ||
          a.hoursShare - b.hoursShare ||
          a.name.localeCompare(b.name),
      )
      .slice(0, MAX_COVER);
  }

  /** The schedule's on-call load over [from, to). */
  private async loadOf(
    scheduleId: string,
    team: string | undefined,
    from: Date,
    to: Date,
  ): Promise<OnCallLoadSchedule | undefined> {
    const period = { from, to };
    const previous = {
      from: new Date(2 * from.getTime() - to.getTime()),
      to: from,
    };
    const scope = { current: period, previous, bucketSeconds: 86_400 };
    if (team) {
      const load = await this.onCallLoad.load({ ...scope, team });
      const found = load.schedules.find(s => s.id === scheduleId);
      if (found) {
        return found;
      }
    }
    const load = await this.onCallLoad.load(scope);
    return load.schedules.find(s => s.id === scheduleId);
  }

  /**
   * The team of a schedule: the Group with its `multivac.io/oncall-schedule`
   * annotation, else the owner Group of an entity with it (by ref order).
   */
  private async teamOf(scheduleId: string): Promise<Team | undefined> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ANNOTATION_ONCALL_SCHEDULE}`]: scheduleId,
        },
        fields: ['kind', 'metadata', 'spec.profile', 'relations'],
      },
      { credentials },
    );
    const sorted = [...items].sort((a, b) =>
      stringifyEntityRef(a).localeCompare(stringifyEntityRef(b)),
    );
    let group = sorted.find(e => e.kind.toLowerCase() === 'group');
    if (!group) {
      const owner = sorted
        .flatMap(e => e.relations ?? [])
        .find(
          r => r.type === 'ownedBy' && r.targetRef.startsWith('group:'),
        )?.targetRef;
      if (owner) {
        group = (await this.catalog.getEntityByRef(owner, { credentials })) as
          | Entity
          | undefined;
      }
    }
    if (!group) {
      return undefined;
    }
    const annotated = group.metadata.annotations?.[ANNOTATION_TEAM_LEAD];
    return {
      ref: stringifyEntityRef(group),
      name: displayNameOf(group),
      ...(annotated && userRef(annotated)
        ? { annotatedLead: userRef(annotated) }
        : {}),
    };
  }

  private async leadOf(
    team: Team | undefined,
    schedule: ScheduleDefinition,
    night: BadNightInterruption,
    entities: Map<string, Entity>,
  ): Promise<WorkflowBadNight['lead']> {
    const configured = team && this.teamLeads.get(team.ref);
    const ref = configured ?? team?.annotatedLead;
    if (!ref) {
      this.logger.info(
        `No team lead to tell of ${night.userRef}'s bad night of ${
          night.night
        }: ${
          team
            ? `set ${TEAM_LEADS_KEY} for ${team.ref} or its ${ANNOTATION_TEAM_LEAD} annotation`
            : `no Group names schedule ${schedule.id}`
        }`,
      );
      return undefined;
    }
    if (!entities.has(ref)) {
      const more = await this.entities([ref]);
      more.forEach((entity, key) => entities.set(key, entity));
    }
    const user = entities.get(ref);
    return {
      userRef: ref,
      name: displayNameOf(user, ref),
      timeZone:
        validTimeZone(user?.metadata.annotations?.[ANNOTATION_TIMEZONE]) ??
        schedule.timeZone,
      source: configured ? 'config' : 'annotation',
    };
  }

  private async entities(refs: string[]): Promise<Map<string, Entity>> {
    const wanted = [...new Set(refs)];
    const found = new Map<string, Entity>();
    if (wanted.length === 0) {
      return found;
    }
    const { items } = await this.catalog.getEntitiesByRefs(
      {
        entityRefs: wanted,
        fields: ['kind', 'metadata', 'spec.profile'],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    wanted.forEach((ref, i) => {
      const entity = items[i];
      if (entity) {
        found.set(ref, entity);
      }
    });
    return found;
  }
}

/** The schedule with the most of the night's rows; ties: config order. */
function mostPaged(
  rows: BadNightInterruption[],
  schedules: ScheduleDefinition[],
): string {
  const counts = new Map<string, number>();
  rows.forEach(r =>
    counts.set(r.scheduleId, (counts.get(r.scheduleId) ?? 0) + 1),
  );
  const order = schedules.map(s => s.id);
  return [...counts].sort(
    ([a, m], [b, n]) => n - m || order.indexOf(a) - order.indexOf(b),
  )[0][0];
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter(item => {
    const k = key(item);
    if (seen.has(k)) {
      return false;
    }
    seen.add(k);
    return true;
  });
}
