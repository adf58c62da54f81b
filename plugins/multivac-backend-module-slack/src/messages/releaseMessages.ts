import { Release, shortRef } from '@multivac/plugin-multivac-common';
import { RelevantRelease } from '@multivac/plugin-multivac-node';
import { escapeMrkdwn, link } from './mrkdwn';

const DAY_MS = 86_400_000;

/** How release times read: in the calendar's zone, near days by name. */
export interface ReleaseTimes {
  /** IANA zone, e.g. `UTC` or `Europe/Berlin`. */
  timeZone: string;
  now: Date;
}

/**
 * "today 14:00–14:30 UTC", "Tue 24 Nov 23:30–Wed 25 Nov 00:30 UTC": in
 * `timeZone`, with today, tomorrow and yesterday by name.
 */
export function releaseWindow(
  release: Pick<Release, 'start' | 'end'>,
  { timeZone, now }: ReleaseTimes,
): string {
  const dateOf = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const timeOf = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const dayNameOf = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  });
  const near: Array<[number, string]> = [
    [0, 'today'],
    [1, 'tomorrow'],
    [-1, 'yesterday'],
  ];
  const day = (at: Date) => {
    const date = dateOf.format(at);
    const named = near.find(
      ([days]) =>
        dateOf.format(new Date(now.getTime() + days * DAY_MS)) === date,
    );
    return named ? named[1] : dayNameOf.format(at).replace(',', '');
  };
  const start = new Date(release.start);
  const end = new Date(release.end);
  const endText =
    dateOf.format(end) === dateOf.format(start)
      ? timeOf.format(end)
      : `${day(end)} ${timeOf.format(end)}`;
  return `${day(start)} ${timeOf.format(start)}–${endText} ${timeZone}`;
}

/** "ledger-service v2.4.1" */
function released(release: Release): string {
  return `${escapeMrkdwn(shortRef(release.entityRef))} ${escapeMrkdwn(
    release.title,
  )}`;
}

/**
 * "REL-12 ledger-service v2.4.1, today 14:00–14:30 UTC (in progress) —
 * payments-api depends on ledger-service", the reference linked to `url`.
 */
export function releaseLine(
  { release, reason }: RelevantRelease,
  url: string,
  times: ReleaseTimes,
): string {
  const status =
    release.status === 'planned'
      ? ''
      : ` (${release.status.replace('_', ' ')})`;
  return `• ${link(url, release.reference)} ${released(
    release,
  )}, ${releaseWindow(release, times)}${status}${
    reason ? ` — ${escapeMrkdwn(reason)}` : ''
  }`;
}

/** At most this many reasons are spelled out in a heads-up. */
const REASONS_SHOWN = 3;

function reasonsText(reasons: string[]): string {
  const shown = reasons.slice(0, REASONS_SHOWN).map(escapeMrkdwn).join('; ');
  const more = reasons.length - REASONS_SHOWN;
  return more > 0 ? `${shown} (+ ${more} more)` : shown;
}

/**
 * Told to a team whose entities depend on the released one: `reasons` say
 * how (e.g. "payments-api depends on ledger-service").
 */
export function releaseHeadsUp(
  release: Release,
  news: 'scheduled' | 'starting' | 'rolled_back',
  reasons: string[],
  url: string,
  times: ReleaseTimes,
): string {
  const what = released(release);
  const where = escapeMrkdwn(release.environment);
  const window = releaseWindow(release, times);
  const lead = {
    scheduled: `:calendar: Heads up: ${what} releases to ${where} ${window}`,
    starting: `:rocket: Heads up: ${what} is releasing to ${where} now (${window})`,
    rolled_back: `:rewind: ${what} was rolled back in ${where}`,
  }[news];
  return `${lead}; ${reasonsText(reasons)}. ${link(url, release.reference)}`;
}
