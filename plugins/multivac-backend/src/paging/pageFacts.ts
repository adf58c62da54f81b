import { PageRecord, shortRef } from '@multivac/plugin-multivac-common';

const MAX_FACTS = 20;
const MAX_VALUE_LENGTH = 500;

/**
 * What a person paged needs to know, as label/value pairs for an email or a
 * confirmation page: the page's own fields, then everything in its details
 * (bounded, since details come from reports and alerts).
 */
export function pageFacts(
  page: PageRecord,
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
    const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
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
