import {
  actorName,
  formatDateTime,
  PageRecord,
  shortRef,
} from '@multivac/plugin-multivac-common';

const MAX_FACTS = 20;
const MAX_VALUE_LENGTH = 500;

/** A catalog user's ref, as the details of a report's page hold the reporter. */
const USER_REF = /^user:[\w.-]+\/[\w.-]+$/i;
/** An ISO 8601 date-time with its zone, as the details hold times. */
const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The catalog users the page's details name, to be named by display name. */
export function userRefsInDetails(page: PageRecord): string[] {
  return Object.values(page.details).filter(
    (value): value is string =>
      typeof value === 'string' && USER_REF.test(value),
  );
}

/** A detail as people read it: a user by name, a time in UTC, named. */
function readable(raw: unknown, nameOf: (ref: string) => string): string {
  if (typeof raw !== 'string') {
    return JSON.stringify(raw);
  }
  if (USER_REF.test(raw)) {
    return nameOf(raw);
  }
  if (ISO_DATE_TIME.test(raw)) {
    return formatDateTime(raw, { zone: 'UTC', locale: 'en-US' });
  }
  return raw;
}

/**
 * What a person paged needs to know, as label/value pairs for an email or a
 * confirmation page: the page's own fields, then everything in its details
 * (bounded, since details come from reports and alerts), users in them
 * named by `nameOf` (display names; see {@link userRefsInDetails}) and
 * times in UTC with the zone named.
 */
export function pageFacts(
  page: PageRecord,
  nameOf: (ref: string) => string = actorName,
): Array<{ label: string; value: string }> {
  const facts = [
    { label: 'Urgency', value: page.urgency },
    { label: 'About', value: shortRef(page.entityRef) },
    {
      label: 'Schedule',
      value: `${page.scheduleName} (level ${page.level})`,
    },
    {
      label: 'Paged at',
      value: `${page.createdAt.replace('T', ' ').slice(0, 19)} UTC`,
    },
  ];
  for (const [label, raw] of Object.entries(page.details).slice(0, MAX_FACTS)) {
    if (raw === undefined || raw === null || raw === '') {
      continue;
    }
    const value = readable(raw, nameOf);
    facts.push({
      label: label.slice(0, 100),
      value:
        value.length > MAX_VALUE_LENGTH
          ? `${value.slice(0, MAX_VALUE_LENGTH)}…`
          : value,
    });
  }
  return facts;
}

/** For HTML built by hand (email bodies, the confirmation page). */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );
}
