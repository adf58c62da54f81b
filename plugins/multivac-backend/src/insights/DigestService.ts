import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Digest,
  DIGEST_LIST_LIMIT,
  DigestFreeze,
  DigestOnCall,
  digestQuerySchema,
  displayNameOf,
  OnCallPerson,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { BuiltinOnCallProvider } from '../oncall/BuiltinOnCallProvider';
import { OnCallService } from '../oncall/OnCallService';
import { freezePeriods } from '../releases/conflicts/freezes';
import { FreezeDefinition } from '../releases/settings';
import { DigestStore } from './DigestStore';
import { InsightsStore } from './InsightsStore';

const HOUR_MS = 3_600_000;
/** How long an entity's owner, read from the catalog, is trusted. */
const OWNER_TTL_MS = 10 * 60_000;
const LOOKUP_CHUNK = 200;
/** "Tonight" is this local hour in the schedule's zone. */
const NIGHT_HOUR = 22;
/** Until this local hour it is still last night. */
const MORNING_HOUR = 8;

/** What the digest reads besides its store. */
export interface DigestServiceOptions {
  store: DigestStore;
  /** Where the owner Group of each entity is recorded (shared with insights). */
  owners: Pick<InsightsStore, 'setOwners'>;
  catalog: CatalogService;
  auth: AuthService;
  onCall: OnCallService;
  builtin: BuiltinOnCallProvider;
  /** `multivac.releases.freezes`. */
  freezes: FreezeDefinition[];
  /** Zone of post-mortem due dates (`multivac.postmortems.timeZone`). */
  postmortemTimeZone: string;
  now?: () => Date;
}

/**
 * The daily digest: what happened in the last hours (incidents declared,
 * resolved and still open, reports, pages by team), what is due (post-
 * mortems), what comes next (releases and freezes of the next 24 hours) and
 * who is on call tonight; for the company or one team.
 */
export class DigestService {
  private readonly now: () => Date;

  constructor(private readonly options: DigestServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** A 400 for a malformed team, 404 for one the catalog lacks, naming `team`. */
  async compose(query: z.output<typeof digestQuerySchema>): Promise<Digest> {
    const { store } = this.options;
    const to = this.now();
    const from = new Date(to.getTime() - query.hours * HOUR_MS);
    const ahead = { from: to, to: new Date(to.getTime() + 24 * HOUR_MS) };
    const team = query.team ? await this.requireTeam(query.team) : undefined;
    const teamRef = team && stringifyEntityRef(team);
    await this.refreshOwners({ from, to }, ahead);

    const filter = { from, to, team: teamRef };
    const today = DateTime.fromJSDate(to, {
      zone: this.options.postmortemTimeZone,
    });
    const [declared, resolved, open, reports, pages, postmortemsDue, releases] =
      await Promise.all([
        store.declared(filter, DIGEST_LIST_LIMIT),
        store.resolved(filter, DIGEST_LIST_LIMIT),
        store.open(filter, DIGEST_LIST_LIMIT),
        store.reports(filter, DIGEST_LIST_LIMIT),
        store.pagesByTeam(filter),
        store.postmortemsDue(
          {
            dueBy: today.plus({ days: 1 }).toISODate()!,
            today: today.toISODate()!,
            team: teamRef,
          },
          DIGEST_LIST_LIMIT,
        ),
        store.releases({ ...ahead, team: teamRef }, DIGEST_LIST_LIMIT),
      ]);
    const names = await this.names(pages.map(p => p.teamRef));
    return {
      period: { from: from.toISOString(), to: to.toISOString() },
      hours: query.hours,
      ...(team &&
        teamRef && {
          team: { ref: teamRef, name: displayNameOf(team, teamRef) },
        }),
      declared,
      resolved,
      open,
      reports,
      pages: {
        total: pages.reduce((sum, p) => sum + p.pages, 0),
        byTeam: pages.map(p => ({
          ...p,
          name: p.teamRef ? names.get(p.teamRef) ?? p.teamRef : 'No owner',
        })),
      },
      postmortemsDue,
      releases,
      freezes: this.freezes(ahead, teamRef),
      onCallTonight: await this.onCallTonight(to, teamRef),
    };
  }

  /** Freeze periods overlapping `window`; for a team, those covering it. */
  private freezes(
    window: { from: Date; to: Date },
    teamRef?: string,
  ): DigestFreeze[] {
    const interval = { start: window.from.getTime(), end: window.to.getTime() };
    return this.options.freezes
      .filter(freeze => {
        if (!teamRef) {
          return true;
        }
        const { systems, groups, entities } = freeze.scope;
        return (
          systems.length + groups.length + entities.length === 0 ||
          groups.includes(teamRef.toLocaleLowerCase('en-US'))
        );
      })
      .flatMap(freeze =>
        freezePeriods(freeze, interval).map(period => ({
          id: freeze.id,
          name: freeze.name,
          ...(freeze.reason && { reason: freeze.reason }),
          start: new Date(period.start).toISOString(),
          end: new Date(period.end).toISOString(),
        })),
      )
      .sort(
        (a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id),
      );
  }

  /**
   * Level 1 at 22:00 tonight in each schedule's zone (now, if it is already
   * night there): every built-in schedule, or the team's own.
   */
  private async onCallTonight(
    now: Date,
    teamRef?: string,
  ): Promise<DigestOnCall[]> {
    const { builtin, onCall, auth } = this.options;
    const schedules = await builtin.overview(now, 0);
    const zones = new Map(schedules.map(s => [s.id, s.timeZone]));
    if (teamRef) {
      const credentials = await auth.getOwnServiceCredentials();
      try {
        const current = await onCall.whoIsOnCall(teamRef, credentials, now);
        const timeZone = zones.get(current.schedule.id);
        const at = tonight(now, timeZone ?? 'UTC');
        const answer = await onCall.whoIsOnCall(teamRef, credentials, at);
        return [
          {
            scheduleId: answer.schedule.id,
            scheduleName: answer.schedule.name,
            at: at.toISOString(),
            ...(timeZone && { timeZone }),
            people: (answer.levels[0]?.onCall ?? []).map(shift =>
              person(shift.person),
            ),
          },
        ];
      } catch (error) {
        if (error instanceof NotFoundError) {
          return []; // The team has no on-call schedule.
        }
        throw error;
      }
    }
    return Promise.all(
      schedules.map(async schedule => {
        const at = tonight(now, schedule.timeZone);
        const answer = await builtin.getOnCallForSchedule(schedule.id, at);
        return {
          scheduleId: schedule.id,
          scheduleName: schedule.name,
          at: at.toISOString(),
          timeZone: schedule.timeZone,
          people: (answer.levels[0]?.onCall ?? []).map(shift =>
            person(shift.person),
          ),
        };
      }),
    );
  }

  private async requireTeam(ref: string): Promise<Entity> {
    let normalized: string;
    try {
      normalized = stringifyEntityRef(
        parseEntityRef(ref, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      throw new InputError(`team: '${ref}' is not a catalog entity ref`);
    }
    if (parseEntityRef(normalized).kind !== 'group') {
      throw new InputError(`team: ${normalized} is not a Group`);
    }
    const [entity] = await this.lookup([normalized]);
    if (!entity) {
      throw new NotFoundError(`team: ${normalized} is not in the catalog`);
    }
    return entity;
  }

  /** Records the owner Group of the entities the digest names, when stale. */
  private async refreshOwners(
    period: { from: Date; to: Date },
    ahead: { from: Date; to: Date },
  ): Promise<void> {
    const refs = await this.options.store.entitiesToRefresh(
      period,
      ahead,
      new Date(this.now().getTime() - OWNER_TTL_MS),
    );
    if (refs.length === 0) {
      return;
    }
    const entities = await this.lookup(refs);
    await this.options.owners.setOwners(
      refs.map((entityRef, i) => ({
        entityRef,
        ownerRef: ownerOf(entityRef, entities[i]),
      })),
    );
  }

  private async names(refs: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(refs.filter(Boolean))];
    const entities = await this.lookup(unique);
    return new Map(
      unique.map((ref, i) => [ref, displayNameOf(entities[i], ref)]),
    );
  }

  private async lookup(refs: string[]): Promise<Array<Entity | undefined>> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const found: Array<Entity | undefined> = [];
    for (let i = 0; i < refs.length; i += LOOKUP_CHUNK) {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        {
          entityRefs: refs.slice(i, i + LOOKUP_CHUNK),
          fields: ['kind', 'metadata', 'spec.profile', 'relations'],
        },
        { credentials },
      );
      found.push(...items.map(item => item ?? undefined));
    }
    return found;
  }
}

/** 22:00 tonight in `zone`, or `now` when it is night there already. */
export function tonight(now: Date, zone: string): Date {
  const local = DateTime.fromJSDate(now, { zone });
  if (local.hour >= NIGHT_HOUR || local.hour < MORNING_HOUR) {
    return now;
  }
  return local
    .set({ hour: NIGHT_HOUR, minute: 0, second: 0, millisecond: 0 })
    .toJSDate();
}

function person(p: OnCallPerson): { userRef?: string; name: string } {
  return { ...(p.userRef && { userRef: p.userRef }), name: p.name };
}

function ownerOf(ref: string, entity: Entity | undefined): string {
  if (parseEntityRef(ref).kind === 'group') {
    return ref;
  }
  const owner = entity?.relations?.find(r => r.type === 'ownedBy')?.targetRef;
  return owner && parseEntityRef(owner).kind === 'group' ? owner : '';
}
