import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import {
  parseScheduleEntity,
  SCHEDULE_API_VERSION,
  SCHEDULE_KIND,
  ScheduleDefinition,
  WEEKDAYS,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { finalShifts } from '../oncall/schedule';
import { toYamlDocument } from './scheduleYaml';

/** What the "Put a team on call" form asks; everything else has a default. */
export interface ScheduleForm {
  /** The owning Group: `payments`, `group:payments` or `group:default/payments`. */
  team: string;
  /** The Schedule entity's name. Default: `<team>-primary`. */
  name?: string;
  /** Default: `<Team> on call`. */
  title?: string;
  description?: string;
  /** Users in rotation order: `ada.lovelace` or `user:default/ada.lovelace`. */
  members: string[];
  /** `daily`, `weekly` or `custom` (every `rotationHours`). */
  rotationType: string;
  /** Weekly rotations: the hand-off day, e.g. `monday`. */
  handoffDay?: string;
  /** Local `HH:mm`. Default `09:00`. */
  handoffTime?: string;
  /** Custom rotations: hours per turn. */
  rotationHours?: number;
  /** IANA zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** When the first member's first shift starts (ISO date or date-time). Default: the next hand-off. */
  start?: string;
  /** On call only in business hours (otherwise around the clock). */
  businessHoursOnly?: boolean;
  /** Default Monday to Friday. */
  businessDays?: string[];
  /** Default `09:00`. */
  businessHoursFrom?: string;
  /** Default `17:00`. */
  businessHoursTo?: string;
  /** Minutes the on-call person has to acknowledge a page. Default 15. */
  acknowledgeMinutes?: number;
  /** Who is paged next when nobody acknowledges (users). */
  escalateTo?: string[];
  /** Minutes they have to acknowledge. Default 15. */
  escalateAfterMinutes?: number;
  /** When this version applies from (ISO). Default: the next hand-off after the catalog first sees it. */
  effectiveFrom?: string;
}

/** One shift of the preview, in the schedule's time zone. */
export interface PreviewShift {
  userRef: string;
  /** ISO with the zone's offset. */
  start: string;
  end: string;
  /** The layer's name. */
  layer: string;
}

export type RenderedSchedule =
  | {
      ok: true;
      entityRef: string;
      yaml: string;
      definition: ScheduleDefinition;
      preview: PreviewShift[];
      /** The preview as a Markdown table (for the template's output text). */
      previewMarkdown: string;
    }
  | { ok: false; problems: string[] };

/** How far ahead the preview looks. */
export const PREVIEW_DAYS = 28;

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const BUSINESS_DAYS = WEEKDAYS.slice(0, 5);
const validator = makeValidator();

/** `ada.lovelace` → `user:default/ada.lovelace`; what is not a ref is left for the schedule rules to refuse. */
function refOf(value: string, defaultKind: 'user' | 'group'): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(value.trim(), {
        defaultKind,
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return value;
  }
}

function timeOf(value: string | undefined): { hour: number; minute: number } {
  const match = HH_MM.exec(value ?? '09:00');
  return match
    ? { hour: Number(match[1]), minute: Number(match[2]) }
    : { hour: 0, minute: 0 };
}

/** The first hand-off after `now`, in the zone (UTC if the zone is not valid). */
function nextHandoff(form: ScheduleForm, now: DateTime): DateTime {
  const zoned = now.setZone(form.timeZone);
  const local = zoned.isValid ? zoned : now.toUTC();
  let candidate = local.set({
    ...timeOf(form.handoffTime),
    second: 0,
    millisecond: 0,
  });
  const day = WEEKDAYS.indexOf(form.handoffDay as (typeof WEEKDAYS)[number]);
  const wantedWeekday =
    form.rotationType === 'weekly' && day >= 0 ? day + 1 : 0;
  for (
    let i = 0;
    i < 8 &&
    (candidate <= local ||
      (wantedWeekday !== 0 && candidate.weekday !== wantedWeekday));
    i++
  ) {
    candidate = candidate.plus({ days: 1 });
  }
  return candidate;
}

/** The start as written: a date for daily and weekly rotations, a local date-time for custom ones. */
function startOf(form: ScheduleForm, now: DateTime): string {
  const handoff = nextHandoff(form, now);
  return form.rotationType === 'custom'
    ? handoff.toFormat("yyyy-MM-dd'T'HH:mm")
    : handoff.toFormat('yyyy-MM-dd');
}

function rotationOf(form: ScheduleForm): Record<string, unknown> {
  switch (form.rotationType) {
    case 'weekly':
      return { type: 'weekly', handoffDay: form.handoffDay };
    case 'custom':
      return { type: 'custom', hours: form.rotationHours };
    default:
      return { type: form.rotationType };
  }
}

/** The Schedule entity the form describes, before any check. */
export function scheduleEntityOf(
  form: ScheduleForm,
  now: DateTime,
): Record<string, any> {
  const owner = refOf(form.team, 'group');
  const teamName = owner.includes('/') ? owner.split('/').pop()! : form.team;
  const teamTitle =
    teamName.charAt(0).toLocaleUpperCase('en-US') + teamName.slice(1);
  const layerName =
    form.rotationType === 'custom'
      ? `every ${form.rotationHours} hours`
      : String(form.rotationType);
  const escalation: Array<Record<string, unknown>> = [
    {
      timeoutMinutes: form.acknowledgeMinutes ?? 15,
      targets: [{ type: 'schedule' }],
    },
  ];
  if (form.escalateTo && form.escalateTo.length > 0) {
    escalation.push({
      timeoutMinutes: form.escalateAfterMinutes ?? 15,
      targets: form.escalateTo.map(user => ({
        type: 'user',
        userRef: refOf(user, 'user'),
      })),
    });
  }
  return {
    apiVersion: SCHEDULE_API_VERSION,
    kind: SCHEDULE_KIND,
    metadata: {
      name: form.name ?? `${teamName}-primary`,
      title: form.title ?? `${teamTitle} on call`,
      description:
        form.description ??
        `On-call schedule of ${owner}, made with the "Put a team on call" template`,
    },
    spec: {
      owner,
      timeZone: form.timeZone,
      layers: [
        {
          name: layerName,
          members: form.members.map(member => refOf(member, 'user')),
          rotation: rotationOf(form),
          handoffTime: form.handoffTime ?? '09:00',
          start: form.start ?? startOf(form, now),
          ...(form.businessHoursOnly && {
            restrictions: [
              {
                days: form.businessDays ?? BUSINESS_DAYS,
                from: form.businessHoursFrom ?? '09:00',
                to: form.businessHoursTo ?? '17:00',
              },
            ],
          }),
        },
      ],
      escalation,
      ...(form.effectiveFrom && { effectiveFrom: form.effectiveFrom }),
    },
  };
}

/**
 * The Schedule entity file for the form, checked as the catalog will
 * check it: the YAML is read back with the catalog's parser and validated
 * by `parseScheduleEntity`, the function the catalog processor calls, so
 * each mistake is the processor's message (`spec.layers[0].handoffTime:
 * must be HH:mm`). Valid: the file, and who is on call over the first
 * PREVIEW_DAYS days from the later of `now` and the rotation's start, as
 * the on-call engine computes it.
 */
export function renderSchedule(
  form: ScheduleForm,
  now: DateTime = DateTime.now(),
): RenderedSchedule {
  const entity = scheduleEntityOf(form, now);
  if (!validator.isValidEntityName(entity.metadata.name)) {
    return {
      ok: false,
      problems: [
        `metadata.name: must be letters, digits and [-_.] between them, at most 63 characters (got "${entity.metadata.name}")`,
      ],
    };
  }
  const yaml = toYamlDocument(entity);
  const read = [
    ...parseEntityYaml(Buffer.from(yaml, 'utf8'), {
      type: 'file',
      target: 'catalog-info-oncall.yaml',
    }),
  ];
  const [first] = read;
  if (read.length !== 1 || first.type !== 'entity') {
    throw new Error(
      `The schedule's YAML did not read back as one entity: ${JSON.stringify(
        first,
      )}`,
    );
  }
  const parsed = parseScheduleEntity(first.entity);
  if (!parsed.ok) {
    return parsed;
  }
  const definition = parsed.value.definition;
  const layer = definition.layers[0];
  const epoch = DATE_ONLY.test(layer.start)
    ? DateTime.fromISO(layer.start, { zone: definition.timeZone }).set({
        ...timeOf(layer.handoffTime),
      })
    : DateTime.fromISO(layer.start, { zone: definition.timeZone });
  const from = DateTime.max(now.setZone(definition.timeZone), epoch).set({
    second: 0,
    millisecond: 0,
  });
  const shifts = finalShifts(
    definition,
    from,
    from.plus({ days: PREVIEW_DAYS }),
  );
  const preview = shifts.map(shift => ({
    userRef: shift.userRef,
    start: shift.start.toISO()!,
    end: shift.end.toISO()!,
    layer: shift.source,
  }));
  const previewMarkdown = previewMarkdownOf(definition.timeZone, preview);
  return {
    ok: true,
    entityRef: `schedule:default/${entity.metadata.name}`,
    yaml,
    definition,
    preview,
    previewMarkdown,
  };
}

/**
 * The preview as a Markdown table in the schedule's zone, each person named
 * by `nameOf` (the ref itself by default).
 */
export function previewMarkdownOf(
  timeZone: string,
  preview: Array<{ userRef: string; start: string; end: string }>,
  nameOf: (ref: string) => string = ref => ref,
): string {
  const when = (iso: string) =>
    DateTime.fromISO(iso, { setZone: true }).toFormat('ccc d LLL HH:mm');
  return [
    `Who is on call for the next ${PREVIEW_DAYS / 7} weeks (${timeZone}):`,
    '',
    '| On call | From | Until |',
    '| --- | --- | --- |',
    ...preview.map(
      shift =>
        `| ${nameOf(shift.userRef)} | ${when(shift.start)} | ${when(
          shift.end,
        )} |`,
    ),
  ].join('\n');
}
