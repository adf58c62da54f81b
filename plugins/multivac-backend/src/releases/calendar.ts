import {
  Release,
  ReleaseLinkKind,
  shortRef,
} from '@multivac/plugin-multivac-common';
import ical, { ICalEventStatus } from 'ical-generator';

const LINK_LABELS: Record<ReleaseLinkKind, string> = {
  ci: 'CI run',
  changelog: 'Change log',
  other: 'Link',
};

const STATUS_LABELS: Record<Release['status'], string> = {
  planned: 'planned',
  in_progress: 'in progress',
  done: 'done',
  rolled_back: 'rolled back',
  cancelled: 'cancelled',
};

/** "payments-api v2.4.1 (production)" */
export function releaseSummary(release: Release): string {
  return `${shortRef(release.entityRef)} ${release.title} (${
    release.environment
  })`;
}

/**
 * Longest event description in a feed, in characters: notes and links can
 * reach 60,000 per release, and the rest is one click away (the event URL).
 */
export const FEED_MAX_DESCRIPTION = 2000;

function bounded(description: string, url: string): string {
  if (description.length <= FEED_MAX_DESCRIPTION) {
    return description;
  }
  const more = `…\n\nMore in the portal: ${url}`;
  return description.slice(0, FEED_MAX_DESCRIPTION - more.length) + more;
}

/**
 * Releases as an iCalendar (RFC 5545) feed: one event per release with a
 * stable UID, so that calendar clients update events when releases move.
 * Times are written in UTC; each description (status, owner by display
 * name, the
 * `conflicts` the release has, the reason it was forced, links, notes) is
 * at most {@link FEED_MAX_DESCRIPTION} characters.
 */
export function releaseCalendar(
  releases: Release[],
  options: {
    name: string;
    releaseUrl(reference: string): string;
    /** Names owners (people, teams) by display name; by default short names. */
    nameOf?: (ref: string) => string;
  },
): string {
  const nameOf = options.nameOf ?? shortRef;
  const calendar = ical({
    name: options.name,
    prodId: { company: 'Multivac', product: 'Release calendar' },
    // Clients that honour it refresh subscribed feeds this often (seconds).
    ttl: 15 * 60,
  });
  for (const release of releases) {
    const description = [
      `${release.reference}: ${STATUS_LABELS[release.status]}`,
      `Owner: ${nameOf(release.ownerRef)}`,
      // Before links and notes, so that a long description keeps them.
      ...(release.conflicts ?? []).map(
        conflict =>
          `Conflict${conflict.blocking ? ' (blocking)' : ''}: ${
            conflict.sentence
          }`,
      ),
      ...(release.forced ? [`Forced: ${release.forced.reason}`] : []),
      ...release.links.map(
        link => `${link.title ?? LINK_LABELS[link.kind]}: ${link.url}`,
      ),
      ...(release.notes ? ['', release.notes] : []),
    ].join('\n');
    const url = options.releaseUrl(release.reference);
    calendar.createEvent({
      id: `${release.id}@multivac`,
      start: new Date(release.start),
      end: new Date(release.end),
      created: new Date(release.createdAt),
      lastModified: new Date(release.updatedAt),
      stamp: new Date(release.updatedAt),
      summary: releaseSummary(release),
      description: bounded(description, url),
      url,
      status:
        release.status === 'cancelled'
          ? ICalEventStatus.CANCELLED
          : ICalEventStatus.CONFIRMED,
      categories: [{ name: release.environment }],
    });
  }
  return calendar.toString();
}
