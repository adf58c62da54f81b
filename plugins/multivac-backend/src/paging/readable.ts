import {
  actorName,
  formatDateTime,
  PageRecord,
  TimeInput,
} from '@multivac/plugin-multivac-common';
import { PeopleDirectory } from '../oncall/PeopleDirectory';

/**
 * Who did something to a page, as people read it: a catalog user by display
 * name, a service by its product name; never a ref. Without the directory,
 * or when the catalog cannot answer, the short name.
 */
export async function personName(
  people: Pick<PeopleDirectory, 'lookup'> | undefined,
  ref: string,
): Promise<string> {
  const users = ref.startsWith('user:') ? [ref] : [];
  return (await namesOf(people, users))(ref);
}

/**
 * Names for these users (display names), for text built at once; short
 * names without the directory or when the catalog cannot answer.
 */
export async function namesOf(
  people: Pick<PeopleDirectory, 'lookup'> | undefined,
  refs: string[],
): Promise<(ref: string) => string> {
  let found = new Map<string, string>();
  if (people && refs.length > 0) {
    try {
      found = new Map(
        [...(await people.lookup(refs))].map(([ref, p]) => [ref, p.name]),
      );
    } catch {
      // Short names.
    }
  }
  return ref => found.get(ref) ?? actorName(ref);
}

/**
 * A time in an answer of the API, whose reader's zone is not known: in UTC,
 * named ("Dec 5, 2026, 3:44:23 AM UTC").
 */
export function utcTime(at: TimeInput): string {
  return formatDateTime(at, { zone: 'UTC', locale: 'en-US', seconds: true });
}

/**
 * Why a page that is no longer triggered cannot be acknowledged: by whom
 * (display name) and when (zone named) it was acknowledged, or when it was
 * resolved.
 */
export async function alreadyHandled(
  page: PageRecord,
  people: Pick<PeopleDirectory, 'lookup'> | undefined,
): Promise<string> {
  if (page.status === 'acknowledged') {
    const by = page.acknowledgedBy
      ? ` by ${await personName(people, page.acknowledgedBy)}`
      : '';
    const at = page.acknowledgedAt ? ` at ${utcTime(page.acknowledgedAt)}` : '';
    return `The page was already acknowledged${by}${at}`;
  }
  if (page.status === 'resolved') {
    const at = page.resolvedAt ? ` at ${utcTime(page.resolvedAt)}` : '';
    return `The page was already resolved${at}`;
  }
  return `The page is ${page.status}`;
}
