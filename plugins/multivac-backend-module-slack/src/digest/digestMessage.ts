import {
  Digest,
  DigestIncident,
  DigestList,
  formatDuration,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { escapeMrkdwn, link, slackDate } from '../messages';

/** Items shown per list in chat; the rest are counted. */
export const DIGEST_CHAT_ITEMS = 10;

export interface DigestLinks {
  incident(reference: string): string;
  postmortem(reference: string): string;
  release(reference: string): string;
  /** The portal's digest page (`/multivac/digest`), when known. */
  page?: string;
}

/**
 * The digest as one mrkdwn message: what happened in the period, what is
 * due, what comes next, and who is on call tonight.
 */
export function digestText(digest: Digest, links: DigestLinks): string {
  const who = digest.team ? ` for ${escapeMrkdwn(digest.team.name)}` : '';
  const lines: string[] = [
    `:newspaper: *Digest${who}*: the last ${digest.hours} hour${
      digest.hours === 1 ? '' : 's'
    } up to ${slackDate(digest.period.to)}`,
  ];
  const incident = (i: DigestIncident) =>
    `${link(links.incident(i.reference), i.reference)} ${
      i.severity
    } ${escapeMrkdwn(i.title)}${
      i.entityRefs.length
        ? ` (${escapeMrkdwn(i.entityRefs.map(shortRef).join(', '))})`
        : ''
    }`;

  section(lines, 'Declared', digest.declared, incident);
  section(
    lines,
    'Resolved',
    digest.resolved,
    i =>
      `${incident(i)}: took ${formatDuration((i.durationSeconds ?? 0) * 1000)}`,
  );
  section(
    lines,
    'Still open',
    digest.open,
    i => `${incident(i)}: ${i.status}, declared ${slackDate(i.declaredAt)}`,
  );
  section(
    lines,
    'Reports',
    digest.reports,
    r =>
      `${r.reference} ${r.severity} ${escapeMrkdwn(r.title)} (${escapeMrkdwn(
        shortRef(r.entityRef),
      )})${
        r.incidentReference
          ? `, became ${link(
              links.incident(r.incidentReference),
              r.incidentReference,
            )}`
          : ''
      }`,
  );
  lines.push(
    `*Pages (${digest.pages.total})*${
      digest.pages.byTeam.length
        ? `: ${digest.pages.byTeam
            .map(
              t =>
                `${escapeMrkdwn(t.name)} ${t.pages} (${
                  t.acknowledged
                } acknowledged)`,
            )
            .join(', ')}`
        : ': none'
    }`,
  );
  section(
    lines,
    'Post-mortems due',
    digest.postmortemsDue,
    p =>
      `${link(links.postmortem(p.reference), p.reference)} ${escapeMrkdwn(
        p.title,
      )}: ${dueWords(p.overdueDays)} (${p.dueDate}, ${p.status.replace(
        '_',
        ' ',
      )})`,
  );
  section(
    lines,
    'Releases in the next 24 hours',
    digest.releases,
    r =>
      `${link(links.release(r.reference), r.reference)} ${escapeMrkdwn(
        shortRef(r.entityRef),
      )} to ${escapeMrkdwn(r.environment)}, ${slackDate(
        r.startAt,
      )} to ${slackDate(r.endAt)}${
        r.status === 'planned' ? '' : ` (${r.status.replace('_', ' ')})`
      }: ${escapeMrkdwn(r.title)}`,
  );
  if (digest.freezes.length > 0) {
    section(
      lines,
      'Release freezes',
      { count: digest.freezes.length, items: digest.freezes },
      f =>
        `${escapeMrkdwn(f.name)}, ${slackDate(f.start)} to ${slackDate(f.end)}${
          f.reason ? `: ${escapeMrkdwn(f.reason)}` : ''
        }`,
    );
  }
  section(
    lines,
    'On call tonight',
    { count: digest.onCallTonight.length, items: digest.onCallTonight },
    o =>
      `${escapeMrkdwn(o.scheduleName)}: ${
        o.people.length
          ? escapeMrkdwn(o.people.map(p => p.name).join(', '))
          : 'nobody'
      }`,
    false,
  );
  if (links.page) {
    lines.push(link(links.page, 'The digest in Backstage'));
  }
  return lines.join('\n');
}

function section<T>(
  lines: string[],
  title: string,
  list: DigestList<T>,
  line: (item: T) => string,
  counted = true,
) {
  const heading = counted ? `*${title} (${list.count})*` : `*${title}*`;
  if (list.count === 0) {
    lines.push(`${heading}: none`);
    return;
  }
  lines.push(heading);
  const shown = list.items.slice(0, DIGEST_CHAT_ITEMS);
  shown.forEach(item => lines.push(`• ${line(item)}`));
  if (list.count > shown.length) {
    lines.push(`• and ${list.count - shown.length} more`);
  }
}

function dueWords(overdueDays: number): string {
  if (overdueDays > 0) {
    return `${overdueDays} day${overdueDays === 1 ? '' : 's'} overdue`;
  }
  return overdueDays === 0 ? 'due today' : 'due tomorrow';
}
