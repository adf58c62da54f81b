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
 * Releases as an iCalendar (RFC 5545) feed: one event per release with a
 * stable UID, so that calendar clients update events when releases move.
 * Times are written in UTC.
 */
export function releaseCalendar(
  releases: Release[],
  options: { name: string; releaseUrl(reference: string): string },
): string {
  const calendar = ical({
    name: options.name,
    prodId: { company: 'Multivac', product: 'Release calendar' },
    // Clients that honour it refresh subscribed feeds this often (seconds).
    ttl: 15 * 60,
  });
  for (const release of releases) {
    const description = [
      `${release.reference}: ${STATUS_LABELS[release.status]}`,
      `Owner: ${shortRef(release.ownerRef)}`,
      ...release.links.map(
        link => `${link.title ?? LINK_LABELS[link.kind]}: ${link.url}`,
      ),
      ...(release.notes ? ['', release.notes] : []),
    ].join('\n');
    calendar.createEvent({
      id: `${release.id}@multivac`,
      start: new Date(release.start),
      end: new Date(release.end),
      created: new Date(release.createdAt),
      lastModified: new Date(release.updatedAt),
      stamp: new Date(release.updatedAt),
      summary: releaseSummary(release),
      description,
      url: options.releaseUrl(release.reference),
      status:
        release.status === 'cancelled'
          ? ICalEventStatus.CANCELLED
          : ICalEventStatus.CONFIRMED,
      categories: [{ name: release.environment }],
    });
  }
  return calendar.toString();
}
