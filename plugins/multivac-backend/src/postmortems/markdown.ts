import {
  Postmortem,
  PostmortemStatus,
  PostmortemTracking,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { formatLocalTime } from './calendar';
import { NameOf, nameRefsIn } from '../service/peopleNames';

const STATUS_LABELS: Record<PostmortemStatus, string> = {
  draft: 'Draft',
  in_review: 'In review',
  published: 'Published',
};

/**
 * The post-mortem as a Markdown document. Sections are people's Markdown and
 * go in as written; everything that comes from data (titles, names, notes)
 * is kept on one line and out of the table syntax, so it cannot break the
 * document's structure. Times are shown in `timeZone`, with the zone named;
 * people (also those written out by ref in the timeline's texts) as
 * `nameOf` names them, by display name; affected entities by short name.
 */
export function postmortemMarkdown(
  postmortem: Postmortem,
  timeZone: string,
  nameOf: NameOf,
): string {
  const { facts } = postmortem;
  const time = (instant: string) => formatLocalTime(instant, timeZone);
  const people = (refs: string[]) => refs.map(nameOf).join(', ');
  const rows: Array<[string, string | undefined]> = [
    [
      'Incident',
      `${link(postmortem.incidentReference, postmortem.incidentUrl)} ${cell(
        facts.incidentTitle,
      )}`,
    ],
    ['Status', STATUS_LABELS[postmortem.status]],
    ['Severity', postmortem.severity],
    ['Started', time(facts.startedAt)],
    ['Resolved', time(facts.resolvedAt)],
    ['Duration', facts.duration],
    ['Controller', facts.controllerRef && cell(nameOf(facts.controllerRef))],
    ['Participants', cell(people(facts.participantRefs))],
    ['Affected', cell(facts.entityRefs.map(shortRef).join(', '))],
    [
      'Triage report',
      facts.report &&
        cell(`${facts.report.reference} by ${nameOf(facts.report.reportedBy)}`),
    ],
    ['Owner', cell(nameOf(postmortem.ownerRef))],
    ['Reviewers', cell(people(postmortem.reviewerRefs))],
    ['Due', `${postmortem.dueDate}${postmortem.overdue ? ' (overdue)' : ''}`],
    [
      'Published',
      postmortem.publishedAt &&
        cell(
          `${time(postmortem.publishedAt)} by ${nameOf(
            postmortem.publishedBy ?? '',
          )}`,
        ),
    ],
    ['Tracking issue', postmortem.tracking && issue(postmortem.tracking)],
  ];

  const lines = [
    `# ${line(postmortem.title)}`,
    '',
    '| Fact | |',
    '| --- | --- |',
    ...rows
      .filter(([, value]) => value)
      .map(([label, value]) => `| ${label} | ${value} |`),
  ];
  for (const section of postmortem.sections) {
    lines.push(
      '',
      `## ${line(section.title)}`,
      '',
      section.text.trim() || '_Not written yet._',
    );
  }

  lines.push('', '## Action items', '');
  if (postmortem.actionItems.length === 0) {
    lines.push('_None yet._');
  } else {
    lines.push(
      '| Action | Owner | Due | Status | Issue |',
      '| --- | --- | --- | --- | --- |',
      ...postmortem.actionItems.map(
        item =>
          `| ${[
            cell(item.title),
            item.ownerRef ? cell(nameOf(item.ownerRef)) : '',
            item.dueDate ?? '',
            item.status,
            item.tracking ? issue(item.tracking) : '',
          ].join(' | ')} |`,
      ),
    );
  }

  lines.push(
    '',
    '## Timeline',
    '',
    '| Time | Who | What |',
    '| --- | --- | --- |',
    ...facts.timeline.map(
      entry =>
        `| ${time(entry.at)} | ${
          entry.actor ? cell(nameOf(entry.actor)) : ''
        } | ${cell(nameRefsIn(entry.text, nameOf))} |`,
    ),
    '',
    `${link('Open in Multivac', postmortem.url)}`,
    '',
  );
  return lines.join('\n');
}

/** One line: newlines become spaces. */
function line(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** One line that cannot end a table cell. */
function cell(text: string): string {
  return line(text).replace(/\|/g, '\\|');
}

/** Brackets in the text and spaces or parentheses in the URL are escaped. */
function link(text: string, href: string): string {
  const target = href.replace(
    /[\s()<>]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${cell(text).replace(/[[\]]/g, c => `\\${c}`)}](${target})`;
}

function issue(tracking: PostmortemTracking): string {
  if (tracking.key && tracking.url) {
    return `${link(tracking.key, tracking.url)}${
      tracking.status ? ` (${cell(tracking.status)})` : ''
    }`;
  }
  return `not filed yet (${tracking.state})`;
}
