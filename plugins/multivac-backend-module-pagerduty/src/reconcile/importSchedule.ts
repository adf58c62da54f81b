import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_PAGERDUTY_ACCOUNT,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  parseScheduleEntity,
  SCHEDULE_API_VERSION,
  SCHEDULE_KIND,
} from '@multivac/plugin-multivac-common';
import { DEFAULT_ACCOUNT } from '../client/pagerDutyConfig';
import { importSpec } from './mapping';
import { PagerDutyScheduleApi } from './pagerDutyScheduleApi';
import { ANNOTATION_PAGERDUTY_RECONCILE } from './ScheduleReconciler';
import { toYaml } from './toYaml';

export interface ImportRequest {
  scheduleId: string;
  escalationPolicyId?: string;
  /** The owning Group's ref. */
  owner: string;
  /** The Schedule entity's name. */
  name: string;
  namespace?: string;
}

export interface ImportResult {
  yaml: string;
  entity: Entity;
  escalationPolicyId?: string;
}

/**
 * A PagerDuty schedule and escalation policy as a Schedule entity, marked
 * for the reconcile, validated by the catalog processor's rules. Members
 * are the catalog Users whose `spec.profile.email` is the PagerDuty user's
 * (`catalogUserByEmail`, lower case).
 */
export async function importSchedule(
  api: PagerDutyScheduleApi,
  catalogUserByEmail: ReadonlyMap<string, string>,
  request: ImportRequest,
): Promise<ImportResult> {
  const schedule = await api.getSchedule(request.scheduleId);
  if (!schedule) {
    throw new NotFoundError(
      `scheduleId: PagerDuty account '${api.accountId}' has no schedule ${request.scheduleId}`,
    );
  }
  const policyId =
    request.escalationPolicyId ??
    (schedule.escalation_policies?.length === 1
      ? schedule.escalation_policies[0].id
      : undefined);
  const policy = policyId ? await api.getEscalationPolicy(policyId) : undefined;
  if (policyId && !policy) {
    throw new NotFoundError(
      `escalationPolicyId: PagerDuty account '${api.accountId}' has no escalation policy ${policyId}`,
    );
  }
  const users = await api.usersByEmail();
  const emailById = new Map([...users.values()].map(u => [u.id, u.email]));
  const userRefOf = (id: string, field: string) => {
    const email = emailById.get(id);
    const ref =
      email && catalogUserByEmail.get(email.toLocaleLowerCase('en-US'));
    if (!ref) {
      throw new InputError(
        `${field}: PagerDuty user ${id}${
          email ? ` (${email})` : ''
        } has no catalog User with that email (spec.profile.email)`,
      );
    }
    return ref;
  };
  const spec = importSpec(schedule, policy, userRefOf);
  const serviceIds = (policy?.services ?? []).map(s => s.id).sort();
  const namespace = request.namespace ?? 'default';
  const entity: Entity = {
    apiVersion: SCHEDULE_API_VERSION,
    kind: SCHEDULE_KIND,
    metadata: {
      name: request.name,
      ...(namespace !== 'default' && { namespace }),
      ...(schedule.name && { title: schedule.name }),
      ...(schedule.description && { description: schedule.description }),
      annotations: {
        [ANNOTATION_PAGERDUTY_RECONCILE]: 'true',
        ...(api.accountId !== DEFAULT_ACCOUNT && {
          [ANNOTATION_PAGERDUTY_ACCOUNT]: api.accountId,
        }),
        ...(serviceIds.length > 0 && {
          [ANNOTATION_PAGERDUTY_SERVICE_ID]: serviceIds.join(','),
        }),
      },
    },
    // Plain data (strings, numbers, arrays): JSON as the catalog keeps it.
    spec: { owner: request.owner, ...spec } as unknown as Entity['spec'],
  };
  const parsed = parseScheduleEntity(entity);
  if (!parsed.ok) {
    throw new InputError(
      `PagerDuty schedule ${
        schedule.id
      } does not make a valid Schedule: ${parsed.problems.join('; ')}`,
    );
  }
  return { yaml: toYaml(entity), entity, escalationPolicyId: policy?.id };
}
