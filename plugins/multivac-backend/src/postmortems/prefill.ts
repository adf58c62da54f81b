import {
  actorName,
  describeTimelineEvent,
  formatDuration,
  IMPACT_SCOPE_LABELS,
  Incident,
  PageRecord,
  PostmortemFacts,
  PostmortemSection,
  PostmortemSectionTemplate,
  PostmortemTimelineEntry,
  roleHolder,
  TimelineEvent,
  TriageReport,
  USERS_AFFECTED_LABELS,
} from '@multivac/plugin-multivac-common';
import { formatLocalTime } from './calendar';
import { NameOf } from '../service/peopleNames';

/** What is known about a resolved incident when its post-mortem starts. */
export interface IncidentRecord {
  incident: Incident;
  timeline: TimelineEvent[];
  /** Pages linked to the incident. */
  pages: PageRecord[];
  /** The triage report it was started from. */
  report?: TriageReport;
}

/** How the text people edit names people and times. */
export interface PrefillReaders {
  /** People by display name (the sections are people's own text). */
  nameOf: NameOf;
  /** The zone of times in the text, named (`multivac.postmortems.timeZone`). */
  timeZone: string;
}

/**
 * The facts of the post-mortem and its sections, Summary pre-filled from the
 * incident's summary and Impact from the report (else the incident). People
 * in the facts (and in its timeline's texts) stay refs, which each reader
 * names; in the sections, which people edit, they are written by name.
 */
export function prefillPostmortem(
  record: IncidentRecord,
  template: PostmortemSectionTemplate[],
  readers: PrefillReaders,
): { facts: PostmortemFacts; sections: PostmortemSection[] } {
  const { incident, timeline, pages, report } = record;
  const resolvedAt = incident.stateTimestamps.resolved ?? incident.updatedAt;
  const durationMs = Date.parse(resolvedAt) - Date.parse(incident.createdAt);
  const impact = report
    ? describeReportImpact(report, readers)
    : incident.impact;
  const facts: PostmortemFacts = {
    incidentTitle: incident.title,
    startedAt: incident.createdAt,
    resolvedAt,
    durationMs,
    duration: formatDuration(durationMs),
    controllerRef: roleHolder(incident, 'controller'),
    participantRefs: participants(incident, timeline),
    entityRefs: incident.entityRefs,
    impact,
    ...(report && {
      report: {
        reference: report.reference,
        reportedBy: report.reportedBy,
        usersAffected: report.usersAffected,
        scope: report.scope,
        region: report.region,
        customer: report.customer,
        customerFacing: report.customerFacing,
        startedAt: report.startedAt,
      },
    }),
    timeline: storyOf(timeline, pages),
  };
  const prefilled: Record<string, string> = {
    summary: incident.summary.trim(),
    impact,
  };
  const sections = template.map(section => ({
    ...section,
    text: prefilled[section.id] ?? '',
  }));
  return { facts, sections };
}

/** The triage report that an incident's `declared` event names. */
export function reportReferenceOf(
  timeline: TimelineEvent[],
): string | undefined {
  const declared = timeline.find(e => e.type === 'declared');
  const fromReport = declared?.payload.fromReport;
  return typeof fromReport === 'string' ? fromReport : undefined;
}

const isUserRef = (ref: unknown): ref is string =>
  typeof ref === 'string' && ref.startsWith('user:');

/** Everyone who held a role (also earlier holders) or acted, sorted. */
function participants(incident: Incident, timeline: TimelineEvent[]) {
  const refs = [
    ...incident.roles.map(r => r.userRef),
    ...timeline.map(e => e.actor),
    ...timeline
      .filter(e => e.type === 'role_assigned')
      .flatMap(e => [e.payload.userRef, e.payload.previous]),
  ].filter(isUserRef);
  return [...new Set(refs)].sort();
}

const PERSON_REF = /^(user|group):/i;

/**
 * How the story's texts mention what an event names: people (and teams) by
 * ref, as page histories do ("acknowledged by user:default/ken.thompson"),
 * for each reader to name (the portal by display name, the Markdown export
 * too); services by product name and entities by short name.
 */
const mentionOf = (ref: string) =>
  PERSON_REF.test(ref) ? ref : actorName(ref);

/** Timeline events and what happened to pages, oldest first. */
function storyOf(
  timeline: TimelineEvent[],
  pages: PageRecord[],
): PostmortemTimelineEntry[] {
  const entries: PostmortemTimelineEntry[] = [
    ...timeline.map(event => ({
      at: event.createdAt,
      source: 'incident' as const,
      actor: event.actor,
      text: describeTimelineEvent(event, mentionOf),
    })),
    ...pages.flatMap(page =>
      page.history.map((step, i) => ({
        at: step.at,
        source: 'page' as const,
        ...(i === 0 && { actor: page.createdBy }),
        text: `page (${page.scheduleName}): ${step.text}`,
      })),
    ),
  ];
  // A stable sort keeps same-instant events in the order they were recorded.
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** The reporter's view of the impact, as Markdown bullets. */
function describeReportImpact(
  report: TriageReport,
  { nameOf, timeZone }: PrefillReaders,
): string {
  const where = report.region ?? report.customer;
  return [
    `- Users affected: ${USERS_AFFECTED_LABELS[report.usersAffected]}`,
    `- Where: ${IMPACT_SCOPE_LABELS[report.scope]}${
      where ? ` (${where})` : ''
    }`,
    `- Customer-facing: ${report.customerFacing ? 'yes' : 'no'}`,
    report.startedAt &&
      `- Started, as reported: ${formatLocalTime(report.startedAt, timeZone)}`,
    `- Reported in ${report.reference} by ${nameOf(report.reportedBy)}`,
  ]
    .filter(Boolean)
    .join('\n');
}
