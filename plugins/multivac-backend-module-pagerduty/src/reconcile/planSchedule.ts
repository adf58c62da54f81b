/*
 * The difference between a Schedule and PagerDuty (the plan), and carrying
 * it out (apply). Nothing is deleted in PagerDuty: layers and escalation
 * rules PagerDuty has beyond the file's stay, unless the Schedule allows
 * removals; services are only ever pointed at the policy.
 */
import { InputError, NotFoundError } from '@backstage/errors';
import {
  DesiredPolicy,
  DesiredSchedule,
  canonicalRestrictions,
} from './mapping';
import {
  PagerDutyScheduleApi,
  PdEscalationPolicy,
  PdEscalationPolicyInput,
  PdLayer,
  PdSchedule,
  PdScheduleInput,
  PdUser,
} from './pagerDutyScheduleApi';
import { PagerDutyIds } from './ReconcileStore';

export type ChangeResource = 'schedule' | 'escalationPolicy' | 'serviceLink';

export interface FieldChange {
  path: string;
  from: unknown;
  to: unknown;
}

export interface PlannedChange {
  resource: ChangeResource;
  action: 'create' | 'update' | 'none';
  id?: string;
  fields: FieldChange[];
}

/** What a reconcile is about: the Schedule as PagerDuty should have it. */
export interface ReconcileTarget {
  entityRef: string;
  title: string;
  api: PagerDutyScheduleApi;
  schedule: DesiredSchedule;
  policy: DesiredPolicy;
  /** Catalog user ref → email, for every member and user target. */
  emails: Map<string, string>;
  serviceIds: string[];
  /** Layers and rules PagerDuty has beyond the file's are removed. */
  removals: boolean;
}

const NEW_SCHEDULE = '(new schedule)';
const NEW_POLICY = '(new escalation policy)';

/** What is in PagerDuty now and what would be sent. */
interface Planned {
  changes: PlannedChange[];
  scheduleBody: (scheduleId: string | undefined) => PdScheduleInput;
  policyBody: (scheduleId: string) => PdEscalationPolicyInput;
  schedule?: PdSchedule;
  policy?: PdEscalationPolicy;
}

/** The changes, without writing anything. */
export async function planSchedule(
  target: ReconcileTarget,
  ids: Partial<PagerDutyIds>,
): Promise<PlannedChange[]> {
  return (await plan(target, ids)).changes;
}

async function plan(
  target: ReconcileTarget,
  ids: Partial<PagerDutyIds>,
): Promise<Planned> {
  const { api } = target;
  const users = await api.usersByEmail();
  const emailById = new Map([...users.values()].map(u => [u.id, u.email]));
  const userIdOf = pagerDutyUserResolver(target, users);
  const schedule = ids.scheduleId
    ? await api.getSchedule(ids.scheduleId)
    : undefined;
  const policy = ids.escalationPolicyId
    ? await api.getEscalationPolicy(ids.escalationPolicyId)
    : undefined;

  const scheduleBody = (): PdScheduleInput =>
    scheduleInput(target, schedule, userIdOf);
  const scheduleFields = diffSchedule(
    target,
    schedule,
    userIdOf,
    id => emailById.get(id) ?? id,
  );
  const policyBody = (scheduleId: string) =>
    policyInput(target, policy, scheduleId, userIdOf);
  const policyFields = diffPolicy(
    target,
    policy,
    schedule?.id ?? NEW_SCHEDULE,
    userIdOf,
    id => emailById.get(id) ?? id,
  );
  const changes: PlannedChange[] = [
    change('schedule', schedule?.id, scheduleFields),
    change('escalationPolicy', policy?.id, policyFields),
  ];
  for (const serviceId of target.serviceIds) {
    const service = await api.getService(serviceId);
    if (!service) {
      throw new NotFoundError(
        `PagerDuty service ${serviceId} of ${target.entityRef} does not exist in account '${api.accountId}'`,
      );
    }
    const linked = policy && service.escalation_policy.id === policy.id;
    changes.push({
      resource: 'serviceLink',
      action: linked ? 'none' : 'update',
      id: serviceId,
      fields: linked
        ? []
        : [
            {
              path: `services[${serviceId}].escalation_policy`,
              from: service.escalation_policy.id,
              to: policy?.id ?? NEW_POLICY,
            },
          ],
    });
  }
  return { changes, scheduleBody, policyBody, schedule, policy };
}

function change(
  resource: ChangeResource,
  id: string | undefined,
  fields: FieldChange[],
): PlannedChange {
  if (!id) {
    return { resource, action: 'create', fields };
  }
  return { resource, action: fields.length ? 'update' : 'none', id, fields };
}

/**
 * Carries the plan out: creates or updates what differs, records each id
 * as soon as PagerDuty gives it (`record`), writes nothing when nothing
 * differs. Returns the changes made.
 */
export async function applySchedule(
  target: ReconcileTarget,
  ids: Partial<PagerDutyIds>,
  record: (ids: Partial<PagerDutyIds>) => Promise<void>,
): Promise<PlannedChange[]> {
  const { api } = target;
  const planned = await plan(target, ids);
  const [scheduleChange, policyChange, ...links] = planned.changes;

  let scheduleId = planned.schedule?.id;
  if (scheduleChange.action === 'create') {
    scheduleId = (await api.createSchedule(planned.scheduleBody(undefined))).id;
    await record({ scheduleId });
  } else if (scheduleChange.action === 'update') {
    await api.updateSchedule(scheduleId!, planned.scheduleBody(scheduleId));
  }

  let policyId = planned.policy?.id;
  // A created schedule is a new target: the policy's plan named it as new.
  if (policyChange.action === 'create') {
    policyId = (
      await api.createEscalationPolicy(planned.policyBody(scheduleId!))
    ).id;
    await record({ escalationPolicyId: policyId });
  } else if (policyChange.action === 'update') {
    await api.updateEscalationPolicy(
      policyId!,
      planned.policyBody(scheduleId!),
    );
  }

  const linked = new Set(ids.serviceIds ?? []);
  for (const link of links) {
    if (link.action === 'update') {
      await api.linkService(link.id!, policyId!);
    }
    linked.add(link.id!);
    await record({ serviceIds: [...linked] });
  }
  return planned.changes;
}

function pagerDutyUserResolver(
  target: ReconcileTarget,
  users: Map<string, PdUser>,
): (userRef: string) => string {
  return userRef => {
    const email = target.emails.get(userRef);
    const user = email && users.get(email.toLocaleLowerCase('en-US'));
    if (!user) {
      throw new InputError(
        `${userRef} has no PagerDuty user in account '${
          target.api.accountId
        }' ${
          email
            ? `with the email ${email}`
            : '(no spec.profile.email in the catalog)'
        }`,
      );
    }
    return user.id;
  };
}

/** PagerDuty's layers by name, the first of each name. */
function layersByName(schedule: PdSchedule | undefined): Map<string, PdLayer> {
  const byName = new Map<string, PdLayer>();
  for (const layer of schedule?.schedule_layers ?? []) {
    if (layer.name && !byName.has(layer.name)) {
      byName.set(layer.name, layer);
    }
  }
  return byName;
}

/** PagerDuty's layers the file does not name (kept unless removals). */
function otherLayers(target: ReconcileTarget, schedule?: PdSchedule) {
  const names = new Set(target.schedule.layers.map(l => l.name));
  return (schedule?.schedule_layers ?? []).filter(
    l => !l.name || !names.has(l.name),
  );
}

function sameInstant(a: string | null | undefined, b: string) {
  return !!a && Date.parse(a) === Date.parse(b);
}

function diffSchedule(
  target: ReconcileTarget,
  existing: PdSchedule | undefined,
  userIdOf: (ref: string) => string,
  emailOf: (id: string) => string,
): FieldChange[] {
  const desired = target.schedule;
  const fields: FieldChange[] = [];
  const add = (path: string, from: unknown, to: unknown) =>
    fields.push({ path, from: from ?? null, to });
  if (existing?.name !== desired.name) {
    add('name', existing?.name, desired.name);
  }
  if (existing?.time_zone !== desired.time_zone) {
    add('time_zone', existing?.time_zone, desired.time_zone);
  }
  if (
    desired.description !== undefined &&
    (existing?.description ?? undefined) !== desired.description
  ) {
    add('description', existing?.description, desired.description);
  }
  const current = layersByName(existing);
  for (const layer of desired.layers) {
    const at = `schedule_layers[${layer.name}]`;
    const have = current.get(layer.name);
    const userIds = layer.userRefs.map(userIdOf);
    if (!have || !sameInstant(have.start, layer.start)) {
      add(`${at}.start`, have?.start, layer.start);
    }
    if (
      !have ||
      !sameInstant(have.rotation_virtual_start, layer.rotation_virtual_start)
    ) {
      add(
        `${at}.rotation_virtual_start`,
        have?.rotation_virtual_start,
        layer.rotation_virtual_start,
      );
    }
    if (
      have?.rotation_turn_length_seconds !== layer.rotation_turn_length_seconds
    ) {
      add(
        `${at}.rotation_turn_length_seconds`,
        have?.rotation_turn_length_seconds,
        layer.rotation_turn_length_seconds,
      );
    }
    const haveUsers = have?.users.map(u => u.user.id) ?? [];
    if (!have || haveUsers.join() !== userIds.join()) {
      add(
        `${at}.users`,
        have ? haveUsers.map(emailOf) : null,
        userIds.map(emailOf),
      );
    }
    const haveRestrictions = canonicalRestrictions(have?.restrictions);
    const wantRestrictions = canonicalRestrictions(layer.restrictions);
    if (
      JSON.stringify(haveRestrictions) !== JSON.stringify(wantRestrictions) &&
      (have || wantRestrictions.length > 0)
    ) {
      add(
        `${at}.restrictions`,
        have ? haveRestrictions : null,
        wantRestrictions,
      );
    }
  }
  if (target.removals) {
    for (const layer of otherLayers(target, existing)) {
      add(
        `schedule_layers[${layer.name ?? layer.id}]`,
        layer.name ?? layer.id,
        null,
      );
    }
  }
  return fields;
}

function scheduleInput(
  target: ReconcileTarget,
  existing: PdSchedule | undefined,
  userIdOf: (ref: string) => string,
): PdScheduleInput {
  const desired = target.schedule;
  const current = layersByName(existing);
  const kept = target.removals ? [] : otherLayers(target, existing);
  // The file's description, else PagerDuty's stays.
  const description = desired.description ?? existing?.description;
  return {
    type: 'schedule',
    name: desired.name,
    time_zone: desired.time_zone,
    ...(description && { description }),
    schedule_layers: [
      ...kept.map(layer => ({
        ...(layer.id && { id: layer.id }),
        ...(layer.name && { name: layer.name }),
        start: layer.start,
        ...(layer.end && { end: layer.end }),
        rotation_virtual_start: layer.rotation_virtual_start,
        rotation_turn_length_seconds: layer.rotation_turn_length_seconds,
        users: layer.users.map(u => ({
          user: { id: u.user.id, type: 'user_reference' },
        })),
        restrictions: layer.restrictions ?? [],
      })),
      ...desired.layers.map(layer => {
        const id = current.get(layer.name)?.id;
        return {
          ...(id && { id }),
          name: layer.name,
          start: layer.start,
          rotation_virtual_start: layer.rotation_virtual_start,
          rotation_turn_length_seconds: layer.rotation_turn_length_seconds,
          users: layer.userRefs.map(ref => ({
            user: { id: userIdOf(ref), type: 'user_reference' },
          })),
          restrictions: layer.restrictions,
        };
      }),
    ],
  };
}

/** `schedule:P123` or `user:ada@example.com`: a target as the plan shows it. */
function targetsOf(
  rule: DesiredPolicy['rules'][number],
  scheduleId: string,
  userIdOf: (ref: string) => string,
): Array<{ id: string; type: 'schedule_reference' | 'user_reference' }> {
  return rule.targets.map(t =>
    t.type === 'schedule'
      ? { id: scheduleId, type: 'schedule_reference' as const }
      : { id: userIdOf(t.userRef), type: 'user_reference' as const },
  );
}

function describeTargets(
  targets: Array<{ id: string; type: string }>,
  emailOf: (id: string) => string,
): string[] {
  return targets.map(t =>
    t.type.startsWith('user') ? `user:${emailOf(t.id)}` : `schedule:${t.id}`,
  );
}

function diffPolicy(
  target: ReconcileTarget,
  existing: PdEscalationPolicy | undefined,
  scheduleId: string,
  userIdOf: (ref: string) => string,
  emailOf: (id: string) => string,
): FieldChange[] {
  const desired = target.policy;
  const fields: FieldChange[] = [];
  // An existing policy keeps its name (it may be shared, or imported).
  if (!existing) {
    fields.push({ path: 'name', from: null, to: desired.name });
  }
  desired.rules.forEach((rule, index) => {
    const at = `escalation_rules[${index}]`;
    const have = existing?.escalation_rules[index];
    if (
      have?.escalation_delay_in_minutes !== rule.escalation_delay_in_minutes
    ) {
      fields.push({
        path: `${at}.escalation_delay_in_minutes`,
        from: have?.escalation_delay_in_minutes ?? null,
        to: rule.escalation_delay_in_minutes,
      });
    }
    const want = describeTargets(
      targetsOf(rule, scheduleId, userIdOf),
      emailOf,
    );
    const had = have ? describeTargets(have.targets, emailOf) : null;
    if (!had || had.join() !== want.join()) {
      fields.push({ path: `${at}.targets`, from: had, to: want });
    }
  });
  if (target.removals && existing) {
    existing.escalation_rules.slice(desired.rules.length).forEach((rule, i) => {
      fields.push({
        path: `escalation_rules[${desired.rules.length + i}]`,
        from: describeTargets(rule.targets, emailOf),
        to: null,
      });
    });
  }
  return fields;
}

function policyInput(
  target: ReconcileTarget,
  existing: PdEscalationPolicy | undefined,
  scheduleId: string,
  userIdOf: (ref: string) => string,
): PdEscalationPolicyInput {
  const rules = target.policy.rules.map((rule, index) => ({
    ...(existing?.escalation_rules[index]?.id && {
      id: existing.escalation_rules[index].id,
    }),
    escalation_delay_in_minutes: rule.escalation_delay_in_minutes,
    targets: targetsOf(rule, scheduleId, userIdOf),
  }));
  const kept = target.removals
    ? []
    : (existing?.escalation_rules ?? []).slice(rules.length).map(rule => ({
        ...(rule.id && { id: rule.id }),
        escalation_delay_in_minutes: rule.escalation_delay_in_minutes,
        targets: rule.targets.map(t => ({ id: t.id, type: t.type })),
      }));
  return {
    type: 'escalation_policy',
    name: existing?.name ?? target.policy.name,
    ...(existing?.description && { description: existing.description }),
    num_loops: existing?.num_loops ?? 0,
    escalation_rules: [...rules, ...kept],
  };
}
