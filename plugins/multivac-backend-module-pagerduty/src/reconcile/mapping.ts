/*
 * A Schedule's layers, time zone and escalation as PagerDuty objects, and
 * back (the import).
 */
import { InputError } from '@backstage/errors';
import {
  EntitySchedule,
  EscalationLevelDefinition,
  RotationLayer,
  RotationRestriction,
  WEEKDAYS,
} from '@multivac/plugin-multivac-common';
import {
  PdEscalationPolicy,
  PdRestriction,
  PdSchedule,
} from './pagerDutyScheduleApi';
import {
  formatInZone,
  formatLocal,
  fromNaive,
  isoWeekday,
  LocalTime,
  naive,
  parseInZone,
  toInstant,
  toLocal,
} from './zonedTime';

const DAY_SECONDS = 86_400;
const WEEK_SECONDS = 7 * DAY_SECONDS;
/** The schedule rules' default: one level, the schedule, 15 minutes. */
export const DEFAULT_ESCALATION: EscalationLevelDefinition[] = [
  { timeoutMinutes: 15, targets: [{ type: 'schedule' }] },
];

/** A layer as Multivac wants it in PagerDuty (users are catalog refs). */
export interface DesiredLayer {
  name: string;
  /** When the layer applies from: `effectiveFrom`, else the rotation start. */
  start: string;
  rotation_virtual_start: string;
  rotation_turn_length_seconds: number;
  userRefs: string[];
  restrictions: PdRestriction[];
}

export interface DesiredSchedule {
  name: string;
  description?: string;
  time_zone: string;
  layers: DesiredLayer[];
}

/** A target is the reconciled schedule or a catalog user. */
export interface DesiredRule {
  escalation_delay_in_minutes: number;
  targets: Array<{ type: 'schedule' } | { type: 'user'; userRef: string }>;
}

export interface DesiredPolicy {
  name: string;
  rules: DesiredRule[];
}

/** What the Schedule says PagerDuty should have. */
export function desiredSchedule(
  schedule: EntitySchedule,
  description?: string,
): DesiredSchedule {
  const { definition, effectiveFrom } = schedule;
  const zone = definition.timeZone;
  return {
    name: definition.name,
    ...(description && { description }),
    time_zone: zone,
    layers: definition.layers.map(layer => {
      const rotation = rotationOf(layer, zone);
      const start =
        effectiveFrom !== undefined
          ? parseInZone(effectiveFrom, zone).instant
          : rotation.epoch;
      return {
        name: layer.name,
        start: formatInZone(start, zone),
        rotation_virtual_start: formatInZone(rotation.virtualStart, zone),
        rotation_turn_length_seconds: rotation.turnSeconds,
        userRefs: layer.members,
        restrictions: restrictionsOf(layer.restrictions ?? []),
      };
    }),
  };
}

export function desiredPolicy(schedule: EntitySchedule): DesiredPolicy {
  const levels = schedule.definition.escalation ?? DEFAULT_ESCALATION;
  return {
    name: schedule.definition.name,
    rules: levels.map((level, index) => {
      if (!Number.isInteger(level.timeoutMinutes)) {
        throw new InputError(
          `spec.escalation[${index}].timeoutMinutes: PagerDuty takes whole minutes, not ${level.timeoutMinutes}`,
        );
      }
      return {
        escalation_delay_in_minutes: level.timeoutMinutes,
        targets: level.targets.map(t =>
          t.type === 'schedule'
            ? { type: 'schedule' as const }
            : { type: 'user' as const, userRef: t.userRef },
        ),
      };
    }),
  };
}

/**
 * The rotation as the built-in engine runs it: members[0]'s turn is the one
 * holding `start` (the epoch), and it began at the hand-off on or before it,
 * which is PagerDuty's `rotation_virtual_start`.
 */
function rotationOf(
  layer: RotationLayer,
  zone: string,
): { epoch: number; virtualStart: number; turnSeconds: number } {
  const { rotation } = layer;
  if (rotation.type === 'custom') {
    const epoch = parseInZone(layer.start, zone).instant;
    const turnSeconds = Math.round(rotation.hours * 3600);
    return { epoch, virtualStart: epoch, turnSeconds };
  }
  const { instant: epoch, local } = parseInZone(
    layer.start,
    zone,
    layer.handoffTime,
  );
  const [hour, minute] = layer.handoffTime.split(':').map(Number);
  const back =
    rotation.type === 'weekly'
      ? (isoWeekday(local) - (WEEKDAYS.indexOf(rotation.handoffDay) + 1) + 7) %
        7
      : 0;
  const day =
    naive({ ...local, hour: 0, minute: 0, second: 0 }) -
    back * DAY_SECONDS * 1000;
  let handoff: LocalTime = { ...fromNaive(day), hour, minute, second: 0 };
  if (naive(handoff) > naive(local)) {
    const period = rotation.type === 'weekly' ? 7 : 1;
    handoff = fromNaive(naive(handoff) - period * DAY_SECONDS * 1000);
  }
  return {
    epoch,
    virtualStart: toInstant(handoff, zone),
    turnSeconds: rotation.type === 'weekly' ? WEEK_SECONDS : DAY_SECONDS,
  };
}

/**
 * Every day of the week: one daily restriction; otherwise one weekly
 * restriction per day. A window whose end is not after its start runs into
 * the next day.
 */
export function restrictionsOf(
  restrictions: RotationRestriction[],
): PdRestriction[] {
  return restrictions
    .flatMap((r): PdRestriction[] => {
      const from = minutesOf(r.from);
      const duration = ((minutesOf(r.to) - from + 1440) % 1440 || 1440) * 60;
      const startTime = `${r.from}:00`;
      if (new Set(r.days).size === WEEKDAYS.length) {
        return [
          {
            type: 'daily_restriction' as const,
            start_time_of_day: startTime,
            duration_seconds: duration,
          },
        ];
      }
      return [...new Set(r.days)].map(d => ({
        type: 'weekly_restriction' as const,
        start_time_of_day: startTime,
        duration_seconds: duration,
        start_day_of_week: WEEKDAYS.indexOf(d) + 1,
      }));
    })
    .sort(compareRestrictions);
}

/** A restriction list in one order, so that two can be compared. */
export function canonicalRestrictions(
  restrictions: PdRestriction[] | null | undefined,
): PdRestriction[] {
  return (restrictions ?? [])
    .map(r => ({
      type: r.type,
      start_time_of_day: normalTime(r.start_time_of_day),
      duration_seconds: r.duration_seconds,
      ...(r.type === 'weekly_restriction' && {
        start_day_of_week: r.start_day_of_week ?? undefined,
      }),
    }))
    .sort(compareRestrictions);
}

function compareRestrictions(a: PdRestriction, b: PdRestriction) {
  return (
    (a.start_day_of_week ?? 0) - (b.start_day_of_week ?? 0) ||
    a.start_time_of_day.localeCompare(b.start_time_of_day) ||
    a.duration_seconds - b.duration_seconds
  );
}

function normalTime(value: string) {
  return value.length === 5 ? `${value}:00` : value;
}

function minutesOf(hhmm: string) {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** What the import writes into the Schedule's spec. */
export interface ImportedSpec {
  timeZone: string;
  effectiveFrom?: string;
  layers: Array<Omit<RotationLayer, 'handoffTime'> & { handoffTime?: string }>;
  escalation?: EscalationLevelDefinition[];
}

/**
 * A PagerDuty schedule and escalation policy as a Schedule's spec: members
 * and user targets by `userRefOf` (PagerDuty user id → catalog ref). What
 * cannot be said in a Schedule fails with a 400 naming PagerDuty's field.
 */
export function importSpec(
  schedule: PdSchedule,
  policy: PdEscalationPolicy | undefined,
  userRefOf: (pagerDutyUserId: string, field: string) => string,
): ImportedSpec {
  const zone = schedule.time_zone;
  const layerStarts = new Set<number>();
  let anyStartDiffers = false;
  const active = schedule.schedule_layers.filter(
    l => !l.end || Date.parse(l.end) > Date.now(),
  );
  const layers = active.map((layer, index) => {
    const at = `schedule_layers[${index}]`;
    const virtualStart = Date.parse(layer.rotation_virtual_start);
    const start = Date.parse(layer.start);
    layerStarts.add(start);
    if (start !== virtualStart) {
      anyStartDiffers = true;
    }
    const local = toLocal(virtualStart, zone);
    const handoffTime = formatLocal(local).slice(11, 16);
    const turn = layer.rotation_turn_length_seconds;
    const members = layer.users.map((u, j) =>
      userRefOf(u.user.id, `${at}.users[${j}]`),
    );
    const restrictions = importRestrictions(layer.restrictions ?? [], at);
    const common = {
      name: layer.name || `Layer ${index + 1}`,
      members,
      ...(restrictions.length > 0 && { restrictions }),
    };
    if (turn === DAY_SECONDS || turn === WEEK_SECONDS) {
      return {
        ...common,
        rotation:
          turn === DAY_SECONDS
            ? { type: 'daily' as const }
            : {
                type: 'weekly' as const,
                handoffDay: WEEKDAYS[isoWeekday(local) - 1],
              },
        handoffTime,
        start: formatLocal(local),
      };
    }
    if (turn <= 0 || turn % 60 !== 0) {
      throw new InputError(
        `${at}.rotation_turn_length_seconds: ${turn} is not whole minutes, which a Schedule cannot say`,
      );
    }
    return {
      ...common,
      rotation: { type: 'custom' as const, hours: turn / 3600 },
      start: formatLocal(local),
    };
  });
  if (layers.length === 0) {
    throw new InputError(
      `schedule_layers: PagerDuty schedule ${schedule.id} has no current layer`,
    );
  }
  // One effectiveFrom for every layer: the latest layer start, when a
  // layer starts after its rotation began.
  const effectiveFrom =
    anyStartDiffers && layerStarts.size > 0
      ? formatLocal(toLocal(Math.max(...layerStarts), zone))
      : undefined;
  return {
    timeZone: zone,
    ...(effectiveFrom && { effectiveFrom }),
    layers,
    ...(policy && {
      escalation: policy.escalation_rules.map((rule, index) => ({
        timeoutMinutes: rule.escalation_delay_in_minutes,
        targets: rule.targets.map((target, j) => {
          const field = `escalation_rules[${index}].targets[${j}]`;
          if (target.type.startsWith('schedule')) {
            if (target.id !== schedule.id) {
              throw new InputError(
                `${field}: schedule ${target.id} is not the imported schedule ${schedule.id}; a Schedule escalates to itself or to users`,
              );
            }
            return { type: 'schedule' as const };
          }
          return {
            type: 'user' as const,
            userRef: userRefOf(target.id, field),
          };
        }),
      })),
    }),
  };
}

/** Weekly restrictions of the same window become one with several days. */
function importRestrictions(
  restrictions: PdRestriction[],
  at: string,
): RotationRestriction[] {
  const windows = new Map<string, RotationRestriction>();
  canonicalRestrictions(restrictions).forEach((r, index) => {
    if (
      r.duration_seconds <= 0 ||
      r.duration_seconds > DAY_SECONDS ||
      r.duration_seconds % 60 !== 0
    ) {
      throw new InputError(
        `${at}.restrictions[${index}].duration_seconds: ${r.duration_seconds} is not a window within a day, which a Schedule cannot say`,
      );
    }
    const from = r.start_time_of_day.slice(0, 5);
    const end = (minutesOf(from) + r.duration_seconds / 60) % 1440;
    const to = `${String(Math.floor(end / 60)).padStart(2, '0')}:${String(
      end % 60,
    ).padStart(2, '0')}`;
    const key = `${from}-${to}`;
    const window = windows.get(key) ?? { days: [], from, to };
    if (r.type === 'daily_restriction') {
      window.days = [...WEEKDAYS];
    } else if (!window.days.includes(WEEKDAYS[r.start_day_of_week! - 1])) {
      window.days.push(WEEKDAYS[r.start_day_of_week! - 1]);
    }
    windows.set(key, window);
  });
  return [...windows.values()].map(w => ({
    ...w,
    days: WEEKDAYS.filter(d => w.days.includes(d)),
  }));
}
