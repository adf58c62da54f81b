/*
 * The PagerDuty REST calls of the schedule reconcile and import, uncached
 * (they act on what they read), with the zod schemas of the answers.
 */
import { isError } from '@backstage/errors';
import { z } from 'zod';
import { PagerDutyRestClient } from '../client/PagerDutyRestClient';

const reference = z.object({ id: z.string(), type: z.string() });

const restrictionSchema = z.object({
  type: z.enum(['daily_restriction', 'weekly_restriction']),
  duration_seconds: z.number().int(),
  start_time_of_day: z.string(),
  start_day_of_week: z.number().int().nullish(),
});

const layerSchema = z.object({
  id: z.string().optional(),
  name: z.string().nullish(),
  start: z.string(),
  end: z.string().nullish(),
  rotation_virtual_start: z.string(),
  rotation_turn_length_seconds: z.number().int(),
  users: z.array(z.object({ user: reference })),
  restrictions: z.array(restrictionSchema).nullish(),
});

const scheduleSchema = z.object({
  id: z.string(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  time_zone: z.string(),
  html_url: z.string().nullish(),
  schedule_layers: z.array(layerSchema),
  escalation_policies: z.array(reference).nullish(),
});

const escalationPolicySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Read-only: the services that use the policy. */
  services: z.array(reference).nullish(),
  description: z.string().nullish(),
  num_loops: z.number().int().nullish(),
  escalation_rules: z.array(
    z.object({
      id: z.string().optional(),
      escalation_delay_in_minutes: z.number().int(),
      targets: z.array(reference),
    }),
  ),
});

const serviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  escalation_policy: reference,
});

const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
});

const scheduleBody = z.object({ schedule: scheduleSchema });
const escalationPolicyBody = z.object({
  escalation_policy: escalationPolicySchema,
});
const serviceBody = z.object({ service: serviceSchema });
const usersPage = z.object({
  users: z.array(userSchema),
  more: z.boolean().nullish(),
});

export type PdRestriction = z.infer<typeof restrictionSchema>;
export type PdLayer = z.infer<typeof layerSchema>;
export type PdSchedule = z.infer<typeof scheduleSchema>;
export type PdEscalationPolicy = z.infer<typeof escalationPolicySchema>;
export type PdService = z.infer<typeof serviceSchema>;
export type PdUser = z.infer<typeof userSchema>;

/** A schedule as sent: the fields Multivac manages. */
export type PdScheduleInput = Omit<PdSchedule, 'id' | 'html_url'> & {
  type: 'schedule';
};
export type PdEscalationPolicyInput = Omit<
  PdEscalationPolicy,
  'id' | 'services'
> & {
  type: 'escalation_policy';
};

const PAGE_SIZE = 100;

/** Schedules, escalation policies, services and users of one account. */
export class PagerDutyScheduleApi {
  constructor(private readonly rest: PagerDutyRestClient) {}

  get accountId(): string {
    return this.rest.account.id;
  }

  /** Every user of the account, by lower-case email. */
  async usersByEmail(): Promise<Map<string, PdUser>> {
    const users: PdUser[] = [];
    for (;;) {
      const page = await this.rest.request(
        'GET',
        '/users',
        [
          ['limit', String(PAGE_SIZE)],
          ['offset', String(users.length)],
        ],
        usersPage,
      );
      users.push(...page.users);
      if (!page.more || page.users.length === 0) {
        break;
      }
    }
    return new Map(users.map(u => [u.email.toLocaleLowerCase('en-US'), u]));
  }

  async getSchedule(id: string): Promise<PdSchedule | undefined> {
    return orUndefined(
      async () =>
        (
          await this.rest.request(
            'GET',
            `/schedules/${enc(id)}`,
            [],
            scheduleBody,
          )
        ).schedule,
    );
  }

  async createSchedule(schedule: PdScheduleInput): Promise<PdSchedule> {
    const body = await this.rest.request(
      'POST',
      '/schedules',
      [],
      scheduleBody,
      {
        schedule,
      },
    );
    return body.schedule;
  }

  async updateSchedule(
    id: string,
    schedule: PdScheduleInput,
  ): Promise<PdSchedule> {
    const body = await this.rest.request(
      'PUT',
      `/schedules/${enc(id)}`,
      [],
      scheduleBody,
      { schedule },
    );
    return body.schedule;
  }

  async getEscalationPolicy(
    id: string,
  ): Promise<PdEscalationPolicy | undefined> {
    return orUndefined(
      async () =>
        (
          await this.rest.request(
            'GET',
            `/escalation_policies/${enc(id)}`,
            [],
            escalationPolicyBody,
          )
        ).escalation_policy,
    );
  }

  async createEscalationPolicy(
    policy: PdEscalationPolicyInput,
  ): Promise<PdEscalationPolicy> {
    const body = await this.rest.request(
      'POST',
      '/escalation_policies',
      [],
      escalationPolicyBody,
      { escalation_policy: policy },
    );
    return body.escalation_policy;
  }

  async updateEscalationPolicy(
    id: string,
    policy: PdEscalationPolicyInput,
  ): Promise<PdEscalationPolicy> {
    const body = await this.rest.request(
      'PUT',
      `/escalation_policies/${enc(id)}`,
      [],
      escalationPolicyBody,
      { escalation_policy: policy },
    );
    return body.escalation_policy;
  }

  async getService(id: string): Promise<PdService | undefined> {
    return orUndefined(
      async () =>
        (
          await this.rest.request(
            'GET',
            `/services/${enc(id)}`,
            [],
            serviceBody,
          )
        ).service,
    );
  }

  /** Points the service at the escalation policy; nothing else changes. */
  async linkService(
    id: string,
    escalationPolicyId: string,
  ): Promise<PdService> {
    const body = await this.rest.request(
      'PUT',
      `/services/${enc(id)}`,
      [],
      serviceBody,
      {
        service: {
          type: 'service',
          escalation_policy: {
            id: escalationPolicyId,
            type: 'escalation_policy_reference',
          },
        },
      },
    );
    return body.service;
  }
}

function enc(id: string) {
  return encodeURIComponent(id);
}

/** The answer, or undefined when PagerDuty has no such object (404). */
async function orUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isError(error) && error.name === 'NotFoundError') {
      return undefined;
    }
    throw error;
  }
}
