import { shortRef, zoneAbbreviation } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { DependencyLink, DependencyPath } from './CatalogGraph';
import { Interval } from './freezes';

const name = shortRef;

function subject(link: DependencyLink): string {
  return link.type === 'providedBy'
    ? `the ${name(link.from)} API`
    : name(link.from);
}

function verb(link: DependencyLink): string {
  switch (link.type) {
    case 'consumesApi':
      return `consumes the ${name(link.to)} API`;
    case 'providedBy':
      return `is provided by ${name(link.to)}`;
    case 'api':
      return `uses the ${name(link.via!)} API of ${name(link.to)}`;
    default:
      return `depends on ${name(link.to)}`;
  }
}

/** "a depends on b, which uses the c API of d" */
export function describePath(path: DependencyPath): string {
  return path
    .map((link, i) =>
      i === 0 ? `${subject(link)} ${verb(link)}` : `which ${verb(link)}`,
    )
    .join(', ');
}

const minutes = (count: number) => `${count} minute${count === 1 ? '' : 's'}`;

const capitalize = (text: string) =>
  text.charAt(0).toLocaleUpperCase('en-US') + text.slice(1);

/**
 * The sentences that explain conflicts with one proposed window, with times
 * as people in `timeZone` read them and the zone named: HH:mm, with the date
 * when it is not the proposed start's day, then the zone's abbreviation
 * ("14:00–14:30 UTC", "09:00–10:00 CET").
 */
export class ConflictSentences {
  private readonly day: string;

  constructor(private readonly timeZone: string, proposed: Interval) {
    this.day = this.local(proposed.start).toISODate()!;
  }

  /**
   * "14:00–14:30 UTC", "2026-11-25 09:00–10:00 CET", "23:30–2026-11-25
   * 00:30 UTC"; across a change of the zone's offset, each end with its own
   * ("01:30 CEST–02:30 CET").
   */
  window(period: Interval): string {
    const start = this.local(period.start);
    const end = this.local(period.end);
    const startText =
      start.toISODate() === this.day
        ? start.toFormat('HH:mm')
        : start.toFormat('yyyy-MM-dd HH:mm');
    const endText =
      end.toISODate() === start.toISODate()
        ? end.toFormat('HH:mm')
        : end.toFormat('yyyy-MM-dd HH:mm');
    const startZone = zoneAbbreviation(period.start, this.timeZone);
    const endZone = zoneAbbreviation(period.end, this.timeZone);
    return startZone === endZone
      ? `${startText}–${endText} ${endZone}`
      : `${startText} ${startZone}–${endText} ${endZone}`;
  }

  sameEntity(
    entityRef: string,
    other: { title: string; reference: string },
    period: Interval,
    overlap: number,
  ): string {
    return `${name(entityRef)} already releases ${other.title} (${
      other.reference
    }) ${this.window(period)}, overlapping by ${minutes(overlap)}`;
  }

  /** The proposed entity depends on the other, along `path`. */
  dependency(path: DependencyPath, period: Interval, overlap: number): string {
    return `${describePath(path)}, which releases ${this.window(
      period,
    )}, overlapping by ${minutes(overlap)}`;
  }

  /** The other entity depends on the proposed one, along `path`. */
  dependent(path: DependencyPath, period: Interval, overlap: number): string {
    const releases = `releases ${this.window(period)}, overlapping by ${minutes(
      overlap,
    )}`;
    return path.length === 1
      ? `${describePath(path)} and ${releases}`
      : `${describePath(path)}; ${name(path[0].from)} ${releases}`;
  }

  sameSystem(
    otherRef: string,
    systemRef: string,
    period: Interval,
    overlap: number,
  ): string {
    return `${name(otherRef)} is also part of the ${name(
      systemRef,
    )} system and releases ${this.window(period)}, overlapping by ${minutes(
      overlap,
    )}`;
  }

  freeze(
    freeze: { name: string; reason?: string },
    scope: string,
    period: Interval,
    overlap: number,
  ): string {
    const reason = freeze.reason ? ` (${freeze.reason})` : '';
    return capitalize(
      `the ${freeze.name} freeze${reason} covers ${scope} ${this.window(
        period,
      )}, overlapping by ${minutes(overlap)}`,
    );
  }

  /**
   * An active incident on the proposed entity (empty path), on something it
   * depends on, or on something that depends on it.
   */
  incident(
    entityRef: string,
    relation: { path: DependencyPath; direction: 'dependency' | 'dependent' },
    incident: {
      reference: string;
      severity: string;
      status: string;
      title: string;
    },
  ): string {
    const has = `has an active incident, ${incident.reference} (${incident.severity}, ${incident.status}): "${incident.title}"`;
    const { path, direction } = relation;
    if (path.length === 0) {
      return `${name(entityRef)} ${has}`;
    }
    if (direction === 'dependency') {
      return `${describePath(path)}, which ${has}`;
    }
    return path.length === 1
      ? `${describePath(path)} and ${has}`
      : `${describePath(path)}; ${name(path[0].from)} ${has}`;
  }

  private local(at: number): DateTime {
    return DateTime.fromMillis(at, { zone: this.timeZone });
  }
}
