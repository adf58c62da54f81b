import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SLACK_CHANNEL,
  displayNameOf,
  formatDuration,
  OnCallLoad,
  ReportCard,
  ReportCardLine,
  ReportCardVerdict,
  reportCardQuerySchema,
  Severity,
  SEVERITIES,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { OnCallService } from '../oncall/OnCallService';
import { ChangeFailureService, rate } from './ChangeFailureService';
import { InsightsScope, InsightsService } from './InsightsService';
import { InsightsStore } from './InsightsStore';
import { ReportCardStore } from './ReportCardStore';

/** Overdue action items named on the card; the rest are counted. */
const NAMED_ACTION_ITEMS = 5;
/** Most Components whose on-call route the readiness line resolves. */
const MAX_COMPONENTS = 200;

type Figures = ReportCard['figures'];

/**
 * A Group's report card for a week or a month: each line a verdict in
 * words and the reason, from the insights store (incidents, interruptions),
 * the change failure rate, the post-mortems and action items, and the
 * catalog and on-call providers (readiness).
 */
export class ReportCardService {
  constructor(
    private readonly options: {
      insights: InsightsService;
      insightsStore: InsightsStore;
      changeFailure: ChangeFailureService;
      store: ReportCardStore;
      onCall: OnCallService;
      catalog: CatalogService;
      auth: AuthService;
      /** Zone of post-mortem and action item due dates. */
      dueDateTimeZone: string;
      /** Bursts and bad nights of the team's schedules (OnCallLoadService). */
      onCallLoad?: { load(scope: InsightsScope): Promise<OnCallLoad> };
    },
  ) {}

  /** 400/404 naming `team` when it is no Group in the catalog. */
  async reportCard(
    query: z.output<typeof reportCardQuerySchema>,
  ): Promise<ReportCard> {
    const scope = await this.options.insights.scope({
      period: query.period,
      end: query.end,
      team: query.team,
    });
    const team = scope.team!;
    const { from, to } = scope.current;
    // First: it records the owners of the period's entities, which the
    // team filters below read.
    const interruptions = await this.options.insights.interruptions(scope);
    const period = { from, to };
    const zone = this.options.dueDateTimeZone;
    const today = DateTime.fromJSDate(to, { zone }).toISODate()!;
    const fromDay = DateTime.fromJSDate(from, { zone }).toISODate()!;
    const [
      [teamTotal],
      byTeam,
      bySeverity,
      changeFailure,
      postmortems,
      actionItems,
      readiness,
      teamEntity,
      load,
    ] = await Promise.all([
      this.options.insightsStore.incidentMetrics(
        { ...period, team },
        { by: 'all' },
      ),
      this.options.insightsStore.incidentMetrics(period, { by: 'team' }),
      this.options.insightsStore.incidentMetrics(
        { ...period, team },
        { by: 'severity' },
      ),
      this.options.changeFailure.changeFailure({ ...period, team }),
      this.options.store.postmortems(team, fromDay, today, today),
      this.options.store.overdueActionItems(team, today, NAMED_ACTION_ITEMS),
      this.readiness(team),
      this.entity(team),
      this.options.onCallLoad?.load(scope),
    ]);
    const median = (values: Array<number | null>) => {
      const sorted = values
        .filter((v): v is number => v !== null)
        .sort((a, b) => a - b);
      if (sorted.length === 0) return null;
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2
        ? sorted[mid]
        : (sorted[mid - 1] + sorted[mid]) / 2;
    };
    const teams = byTeam.filter(row => row.key !== '');
    const releases = changeFailure.byService.reduce(
      (sum, s) => sum + s.releases,
      0,
    );
    const failed = changeFailure.byService.reduce(
      (sum, s) => sum + s.failed,
      0,
    );
    const severityCounts = new Map(bySeverity.map(r => [r.key, r.count]));
    const overdue = postmortems.filter(
      p => p.status !== 'published' && p.dueDate < today,
    );
    const inPeriod = postmortems.filter(
      p => p.dueDate >= fromDay && p.dueDate < today,
    );
    const publishedOn = (at: string) =>
      DateTime.fromISO(at, { zone }).toISODate()!;
    const figures: Figures = {
      team: teamTotal ?? {
        count: 0,
        mtta: { n: 0, mean: null, p50: null, p90: null },
        mttr: { n: 0, mean: null, p50: null, p90: null },
        mobilise: { n: 0, mean: null, p50: null, p90: null },
      },
      companyMedian: {
        mtta: median(teams.map(t => t.mtta.mean)),
        mttr: median(teams.map(t => t.mttr.mean)),
      },
      bySeverity: SEVERITIES.map(severity => ({
        severity,
        count: severityCounts.get(severity) ?? 0,
      })),
      interruptions: interruptions.total,
      postmortems: {
        due: inPeriod.length,
        onTime: inPeriod.filter(
          p => p.publishedAt && publishedOn(p.publishedAt) <= p.dueDate,
        ).length,
        late: inPeriod
          .filter(p => p.publishedAt && publishedOn(p.publishedAt) > p.dueDate)
          .map(p => p.reference),
        overdue: overdue.map(p => p.reference),
      },
      actionItemsOverdue: actionItems.items,
      changeFailure: { releases, failed, rate: rate(failed, releases) },
      ...(load && { onCallLoad: burstsAndBadNights(load) }),
      readiness,
    };
    return {
      team: { ref: team, name: displayNameOf(teamEntity, team) },
      period: { from: from.toISOString(), to: to.toISOString() },
      lines: reportCardLines(figures, {
        actionItemsOverdue: actionItems.total,
        failedReleases: changeFailure.byService.flatMap(s =>
          s.failedReleases.map(r => ({
            text: `${r.reference} of ${s.name} (${
              r.incident ? r.incident.reference : 'rolled back'
            })`,
          })),
        ),
      }),
      figures,
    };
  }

  /**
   * The team's Components: which have no on-call route (no annotation on
   * them, their owner or System that a provider handles) or no Slack
   * channel (theirs, else their owner's, as the Slack module picks), and
   * who of the people on call for them now or next has no phone.
   */
  private async readiness(team: string): Promise<Figures['readiness']> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const [{ items }, owner] = await Promise.all([
      this.options.catalog.getEntities(
        {
          filter: { kind: 'component', 'relations.ownedBy': team },
          fields: ['kind', 'metadata', 'relations'],
          limit: MAX_COMPONENTS,
        },
        { credentials },
      ),
      this.entity(team),
    ]);
    const teamChannel = owner?.metadata.annotations?.[ANNOTATION_SLACK_CHANNEL];
    const withoutOnCall: string[] = [];
    const withoutSlackChannel: string[] = [];
    const people = new Map<string, { name: string; phone?: string }>();
    const components = [...items].sort((a, b) =>
      stringifyEntityRef(a).localeCompare(stringifyEntityRef(b)),
    );
    await Promise.all(
      components.map(async component => {
        const ref = stringifyEntityRef(component);
        if (
          !component.metadata.annotations?.[ANNOTATION_SLACK_CHANNEL] &&
          !teamChannel
        ) {
          withoutSlackChannel.push(ref);
        }
        try {
          const { answer } = await this.options.onCall.resolve(
            ref,
            credentials,
          );
          for (const person of [
            ...answer.levels.flatMap(level => level.onCall),
            ...(answer.next ? [answer.next] : []),
          ].map(shift => shift.person)) {
            // A provider may name someone the catalog does not know.
            people.set(person.userRef ?? person.name, {
              name: person.name,
              phone: person.phone,
            });
          }
        } catch {
          // No annotation, an unknown schedule or a provider that failed:
          // nobody would be paged for it.
          withoutOnCall.push(ref);
        }
      }),
    );
    return {
      components: components.length,
      withoutOnCall: withoutOnCall.sort(),
      withoutSlackChannel: withoutSlackChannel.sort(),
      onCallPeople: people.size,
      withoutPhone: [...people.entries()]
        .filter(([, p]) => !p.phone)
        .map(([ref]) => ref)
        .sort(),
    };
  }

  private async entity(ref: string): Promise<Entity | undefined> {
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: [ref], fields: ['kind', 'metadata', 'spec.profile'] },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    return items[0] ?? undefined;
  }
}

/** Totals and the people with bursts or bad nights, most first. */
function burstsAndBadNights(load: OnCallLoad): Figures['onCallLoad'] {
  const people = new Map<
    string,
    { userRef: string; name: string; bursts: number; badNights: number }
  >();
  for (const person of load.schedules.flatMap(s => s.persons)) {
    const entry = people.get(person.userRef) ?? {
      userRef: person.userRef,
      name: person.name,
      bursts: 0,
      badNights: 0,
    };
    entry.bursts += person.bursts;
    entry.badNights += person.badNights;
    people.set(person.userRef, entry);
  }
  const list = [...people.values()].sort(
    (a, b) =>
      b.badNights - a.badNights ||
      b.bursts - a.bursts ||
      a.name.localeCompare(b.name),
  );
  return {
    bursts: list.reduce((sum, p) => sum + p.bursts, 0),
    badNights: list.reduce((sum, p) => sum + p.badNights, 0),
    people: list,
  };
}

const seconds = (s: number) => formatDuration(Math.round(s) * 1000);
const plural = (n: number, one: string, many = `${one}s`) =>
  `${n} ${n === 1 ? one : many}`;
const names = (refs: string[]) =>
  refs.map(ref => ref.slice(ref.indexOf('/') + 1)).join(', ');

/**
 * The card's lines from its figures: a verdict, a summary in words and the
 * reason. Thresholds: MTTA/MTTR good at or below the company median, worth
 * a look up to 1.5 times it; change failure good up to 15% (DORA's elite
 * band), worth a look up to 30%.
 */
export function reportCardLines(
  figures: Figures,
  extra: {
    actionItemsOverdue: number;
    failedReleases: Array<{ text: string }>;
  },
): ReportCardLine[] {
  const lines: ReportCardLine[] = [];
  const against = (
    id: string,
    title: string,
    mean: number | null,
    median: number | null,
    what: string,
  ) => {
    if (mean === null) {
      lines.push({
        id,
        title,
        verdict: 'none',
        summary: 'Nothing to measure',
        reason: `No ${what} in the period`,
      });
      return;
    }
    if (median === null) {
      lines.push({
        id,
        title,
        verdict: 'none',
        summary: 'No company figure to compare with',
        reason: `${title} ${seconds(mean)}`,
      });
      return;
    }
    let verdict: ReportCardVerdict = 'bad';
    let summary = 'Much slower than the company';
    if (mean <= median) {
      verdict = 'good';
      summary = 'As fast as the company or faster';
    } else if (mean <= median * 1.5) {
      verdict = 'attention';
      summary = 'Slower than the company';
    }
    lines.push({
      id,
      title,
      verdict,
      summary,
      reason: `${title} ${seconds(mean)} against a company median of ${seconds(
        median,
      )}`,
    });
  };
  against(
    'mtta',
    'MTTA',
    figures.team.mtta.mean,
    figures.companyMedian.mtta,
    'acknowledged pages',
  );
  against(
    'mttr',
    'MTTR',
    figures.team.mttr.mean,
    figures.companyMedian.mttr,
    'resolved incidents',
  );

  const severities = figures.bySeverity.filter(s => s.count > 0);
  const serious = figures.bySeverity
    .filter(s => (['SEV1', 'SEV2'] as Severity[]).includes(s.severity))
    .reduce((sum, s) => sum + s.count, 0);
  lines.push({
    id: 'incidents',
    title: 'Incidents by severity',
    verdict: serious > 0 ? 'attention' : 'good',
    summary:
      serious > 0
        ? `${plural(serious, 'serious incident')} (SEV1 or SEV2)`
        : 'No SEV1 or SEV2 incidents',
    reason:
      severities.length === 0
        ? 'No incidents in the period'
        : severities.map(s => `${s.count} ${s.severity}`).join(', '),
  });

  const i = figures.interruptions;
  let interruptionVerdict: ReportCardVerdict = 'bad';
  let interruptionSummary = 'Sleep is being broken often';
  if (i.total === 0) {
    interruptionVerdict = 'good';
    interruptionSummary = 'Nobody was interrupted';
  } else if (i.sleep === 0) {
    interruptionVerdict = 'good';
    interruptionSummary = 'Nobody was woken up';
  } else if (i.sleep <= 2) {
    interruptionVerdict = 'attention';
    interruptionSummary = 'Someone was woken up';
  }
  lines.push({
    id: 'interruptions',
    title: 'Interruptions',
    verdict: interruptionVerdict,
    summary: interruptionSummary,
    reason: `${plural(i.total, 'interruption')}: ${
      i.business
    } in business hours, ${i.evening} in the evening, ${
      i.sleep
    } in sleep hours (22:00–08:00), ${i.weekend} at the weekend`,
  });

  if (figures.onCallLoad) {
    const { bursts, badNights, people } = figures.onCallLoad;
    const affected = people
      .filter(p => p.bursts + p.badNights > 0)
      .map(
        p =>
          `${p.name} ${[
            p.badNights && plural(p.badNights, 'bad night'),
            p.bursts && plural(p.bursts, 'burst'),
          ]
            .filter(Boolean)
            .join(', ')}`,
      );
    let verdict: ReportCardVerdict = 'good';
    let summary = 'Nobody had a burst or a bad night';
    if (people.some(p => p.badNights >= 2)) {
      verdict = 'bad';
      summary = 'Someone had several bad nights';
    } else if (bursts + badNights > 0) {
      verdict = 'attention';
      summary = 'Some bursts or bad nights';
    }
    lines.push({
      id: 'onCallLoad',
      title: 'Bursts and bad nights',
      verdict,
      summary,
      reason:
        bursts + badNights === 0
          ? `No burst (3 or more interruptions within 60 minutes) and no bad night (2 or more in sleep hours) on the team's schedules`
          : `${plural(bursts, 'burst')} and ${plural(
              badNights,
              'bad night',
            )}: ${affected.join('; ')}`,
    });
  }

  const pm = figures.postmortems;
  let pmLine: Omit<ReportCardLine, 'id' | 'title'>;
  if (pm.overdue.length > 0) {
    pmLine = {
      verdict: 'bad',
      summary: 'Post-mortems are overdue',
      reason: `${plural(
        pm.overdue.length,
        'post-mortem',
      )} overdue: ${pm.overdue.join(', ')}`,
    };
  } else if (pm.late.length > 0) {
    pmLine = {
      verdict: 'attention',
      summary: 'Written, some late',
      reason: `${pm.onTime} of ${pm.due} on time; late: ${pm.late.join(', ')}`,
    };
  } else if (pm.due === 0) {
    pmLine = {
      verdict: 'none',
      summary: 'None were due',
      reason: 'No post-mortem was due in the period and none is overdue',
    };
  } else {
    pmLine = {
      verdict: 'good',
      summary: 'Written on time',
      reason: `${pm.onTime} of ${plural(
        pm.due,
        'post-mortem',
      )} due in the period published by the due date`,
    };
  }
  lines.push({ id: 'postmortems', title: 'Post-mortems', ...pmLine });

  const overdueItems = extra.actionItemsOverdue;
  const namedItems = figures.actionItemsOverdue
    .map(a => `"${a.title}" (${a.postmortem}, due ${a.dueDate})`)
    .join(', ');
  lines.push({
    id: 'actionItems',
    title: 'Action items',
    verdict: overdueItems === 0 ? 'good' : 'bad',
    summary: overdueItems === 0 ? 'None overdue' : 'Action items are overdue',
    reason:
      overdueItems === 0
        ? 'No open action item is past its due date'
        : `${plural(overdueItems, 'action item')} overdue: ${namedItems}${
            overdueItems > figures.actionItemsOverdue.length
              ? ` and ${overdueItems - figures.actionItemsOverdue.length} more`
              : ''
          }`,
  });

  const cf = figures.changeFailure;
  let cfVerdict: ReportCardVerdict = 'none';
  let cfSummary = 'No production releases';
  if (cf.rate !== null) {
    if (cf.rate <= 0.15) {
      cfVerdict = 'good';
      cfSummary = 'Releases rarely fail';
    } else if (cf.rate <= 0.3) {
      cfVerdict = 'attention';
      cfSummary = 'Some releases fail';
    } else {
      cfVerdict = 'bad';
      cfSummary = 'Many releases fail';
    }
  }
  lines.push({
    id: 'changeFailure',
    title: 'Change failure rate',
    verdict: cfVerdict,
    summary: cfSummary,
    reason:
      cf.rate === null
        ? 'No production release of the team’s services in the period'
        : `${cf.failed} of ${plural(
            cf.releases,
            'release',
          )} failed (${Math.round(cf.rate * 100)}%)${
            extra.failedReleases.length
              ? `: ${extra.failedReleases.map(r => r.text).join(', ')}`
              : ''
          }`,
  });

  const r = figures.readiness;
  const gaps = [
    r.withoutOnCall.length &&
      `${plural(
        r.withoutOnCall.length,
        'Component',
      )} without an on-call route: ${names(r.withoutOnCall)}`,
    r.withoutSlackChannel.length &&
      `${plural(
        r.withoutSlackChannel.length,
        'Component',
      )} without a Slack channel: ${names(r.withoutSlackChannel)}`,
    r.withoutPhone.length &&
      `${plural(
        r.withoutPhone.length,
        'on-call person',
        'on-call people',
      )} without a phone: ${names(r.withoutPhone)}`,
  ].filter((gap): gap is string => Boolean(gap));
  let readinessLine: Omit<ReportCardLine, 'id' | 'title'>;
  if (r.components === 0) {
    readinessLine = {
      verdict: 'none',
      summary: 'No Components',
      reason: 'The team owns no Component in the catalog',
    };
  } else if (gaps.length > 0) {
    readinessLine = {
      verdict: 'bad',
      summary: 'Not ready to be paged',
      reason: gaps.join('; '),
    };
  } else {
    readinessLine = {
      verdict: 'good',
      summary: 'Ready',
      reason: `All ${plural(
        r.components,
        'Component',
      )} have an on-call route and a Slack channel, and all ${plural(
        r.onCallPeople,
        'on-call person',
        'on-call people',
      )} have a phone`,
    };
  }
  lines.push({ id: 'readiness', title: 'Readiness', ...readinessLine });
  return lines;
}
