import { TimelineEvent } from './incidents';

const UNITS: Array<[string, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/**
 * A duration in words, as people say it in a channel: "7 minutes 50.2
 * seconds", "2 hours 5 minutes", "1 day 3 hours". Seconds are shown (with
 * tenths) only below an hour; zero-valued units are left out.
 *
 * @public
 */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms / 100) * 100);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) {
      parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
    }
  }
  if (ms < 3_600_000 && (rest > 0 || parts.length === 0)) {
    const seconds = Number((rest / 1000).toFixed(1));
    parts.push(`${seconds} second${seconds === 1 ? '' : 's'}`);
  }
  return parts.join(' ');
}

/**
 * Short name for a catalog ref: `user:default/ada.lovelace` → `ada.lovelace`.
 *
 * @public
 */
export function shortRef(ref: string): string {
  const slash = ref.lastIndexOf('/');
  if (slash >= 0) {
    return ref.slice(slash + 1);
  }
  const colon = ref.indexOf(':');
  return colon >= 0 ? ref.slice(colon + 1) : ref;
}

/**
 * The parts of a catalog entity that name it.
 *
 * @public
 */
export interface NamedEntity {
  metadata: { name: string; title?: string };
  spec?: unknown;
}

/**
 * How Multivac names a person or an entity to humans, everywhere: a User's
 * profile display name, else the entity's title, else its name; without an
 * entity (not in the catalog), the short form of `ref`.
 *
 * @public
 */
export function displayNameOf(
  entity: NamedEntity | undefined,
  ref = '',
): string {
  if (!entity) {
    return shortRef(ref);
  }
  const profile = (entity.spec as { profile?: { displayName?: string } })
    ?.profile;
  return profile?.displayName ?? entity.metadata.title ?? entity.metadata.name;
}

/**
 * How the services that act on incidents and pages are named to people,
 * by the id after `service:` (an `external:` prefix left out).
 */
const SERVICE_NAMES: Record<string, string> = {
  multivac: 'Multivac',
  builtin: 'Multivac',
  'multivac-demo-history': 'Multivac (demo history)',
  pagerduty: 'PagerDuty',
  slack: 'Slack',
  zendesk: 'Zendesk',
  jira: 'Jira',
  'github-actions': 'GitHub Actions',
};

/**
 * Who did something, in words, when no catalog lookup is at hand: a
 * service actor (`service:multivac`) by its product name ("Multivac"), an
 * entity ref by its short name. Where the catalog is at hand, people are
 * named by {@link displayNameOf} instead and services still by this.
 *
 * @public
 */
export function actorName(ref: string): string {
  if (ref.startsWith('service:')) {
    const id = ref.slice('service:'.length).replace(/^external:/, '');
    return SERVICE_NAMES[id] ?? id;
  }
  return shortRef(ref);
}

function quote(value: unknown, nameOf: (ref: string) => string): string {
  if (Array.isArray(value)) {
    return value.map(v => nameOf(String(v))).join(', ') || 'none';
  }
  const text = String(value ?? '');
  return text
    ? `"${text.length > 80 ? `${text.slice(0, 77)}...` : text}"`
    : 'empty';
}

/**
 * One line saying what a timeline event did, without the actor. `nameOf`
 * names the people and entities it mentions (by default their short name;
 * pass display names where the catalog is at hand).
 *
 * @public
 */
export function describeTimelineEvent(
  event: TimelineEvent,
  nameOf: (ref: string) => string = actorName,
): string {
  const p = event.payload as Record<string, any>;
  switch (event.type) {
    case 'declared':
      return `declared the incident (${p.severity}) on ${quote(
        p.entityRefs,
        nameOf,
      )}${p.fromReport ? ` from triage report ${p.fromReport}` : ''}`;
    case 'status_changed':
      return `moved it from ${p.from} to ${p.to}${p.note ? `: ${p.note}` : ''}`;
    case 'reopened':
      return `reopened it (${p.to})${p.note ? `: ${p.note}` : ''}`;
    case 'severity_changed':
      return `changed severity from ${p.from} to ${p.to}`;
    case 'field_changed':
      return `changed ${p.field} from ${quote(p.from, nameOf)} to ${quote(
        p.to,
        nameOf,
      )}`;
    case 'role_assigned':
      return p.previous
        ? `handed ${p.role} over from ${nameOf(p.previous)} to ${nameOf(
            p.userRef,
          )}`
        : `made ${nameOf(p.userRef)} ${p.role}`;
    case 'role_removed':
      return `removed ${nameOf(p.userRef)} as ${p.role}`;
    case 'note':
      return `noted: ${p.text}`;
    default:
      return event.type;
  }
}

/**
 * Edits between two words: insertions, deletions, substitutions and swaps
 * of two neighbouring letters (optimal string alignment distance), so
 * `paymnets` is one edit from `payments`.
 *
 * @public
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () =>
    new Array<number>(cols).fill(0),
  );
  for (let i = 0; i < rows; i++) {
    d[i][0] = i;
  }
  for (let j = 0; j < cols; j++) {
    d[0][j] = j;
  }
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * What someone probably meant by `word` among `candidates` (ignoring case):
 * the closest within a quarter of the word's length in edits (at least one),
 * else undefined. Ties go to the candidate listed first.
 *
 * @public
 */
export function closestMatch(
  word: string,
  candidates: Iterable<string>,
): string | undefined {
  const typed = word.toLowerCase();
  const limit = Math.max(1, Math.floor(typed.length / 4));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    // Cheap bound first: the lengths alone differ by more than the limit.
    if (Math.abs(candidate.length - typed.length) > limit) {
      continue;
    }
    const distance = editDistance(typed, candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}
