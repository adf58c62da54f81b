import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_PAGERDUTY_INTEGRATION_KEY,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  OnCallAnswer,
  OnCallPerson,
  OnCallShiftInfo,
} from '@multivac/plugin-multivac-common';
import {
  PageRequest,
  PageResult,
  PagingOnCallProvider,
  PersonPaging,
} from '@multivac/plugin-multivac-node';
import {
  DEFAULT_ACCOUNT,
  PagerDutyAccountClients,
  pagerDutyClientsFromConfig,
  PagerDutyClientsOptions,
} from './client/pagerDutyConfig';
import { truncateSummary } from './client/PagerDutyEventsClient';
import { PagerDutyRestClient } from './client/PagerDutyRestClient';
import {
  PagerDutyEvent,
  PagerDutyOnCall,
  PagerDutyService,
  PagerDutyUser,
} from './client/pagerDutySchemas';
import { annotation, clientForEntity } from './entities';

/** How far ahead the next hand-off is looked for. */
const NEXT_SHIFT_HORIZON_DAYS = 14;
/**
 * Escalation policies whose on-calls are read together. One read for many
 * services keeps the calls per service low; PagerDuty lists at most 10,000
 * records per query, which leaves 400 on-calls per policy in the 15 days read.
 */
const POLICIES_PER_ON_CALL_READ = 25;
/**
 * PagerDuty has no end for permanent on-calls (users targeted directly by the
 * policy); they are shown as ending a year after the asked time.
 */
const PERMANENT_ON_CALL_DAYS = 365;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const PHONE_CONTACT_TYPES = new Set([
  'phone_contact_method',
  'sms_contact_method',
]);

type OnCallResult = Omit<OnCallAnswer, 'entityRef' | 'resolvedFrom'>;

interface Shift {
  userId: string;
  level: number;
  start: Date;
  end: Date;
}

/** Where the provider records which account each page was sent to. */
export interface PageAccounts {
  recordPageAccount(dedupKey: string, account: string): Promise<void>;
}

/**
 * On-call and paging through PagerDuty for entities annotated
 * `pagerduty.com/service-id` (who is on call: the service's escalation policy)
 * and `pagerduty.com/integration-key` (paging: Events API v2). The
 * `pagerduty.com/account` annotation picks one of `multivac.pagerDuty.accounts`.
 */
export class PagerDutyOnCallProvider implements PagingOnCallProvider {
  readonly id = 'pagerduty';

  static fromConfig(
    config: Config,
    options?: PagerDutyClientsOptions,
  ): PagerDutyOnCallProvider {
    return new PagerDutyOnCallProvider(
      pagerDutyClientsFromConfig(config, options),
    );
  }

  /**
   * `clients` by account id; `default` serves entities without an account.
   * `pageAccounts` learns which account each page went to, so that only
   * that account's webhooks can change it.
   */
  constructor(
    private readonly clients: ReadonlyMap<string, PagerDutyAccountClients>,
    private readonly pageAccounts?: PageAccounts,
  ) {}

  handles(entity: Entity): boolean {
    return Boolean(
      annotation(entity, ANNOTATION_PAGERDUTY_SERVICE_ID) ||
        annotation(entity, ANNOTATION_PAGERDUTY_INTEGRATION_KEY),
    );
  }

  async getOnCall(annotated: Entity, at: Date): Promise<OnCallResult> {
    const client = this.clientFor(annotated).rest;
    const serviceId = annotation(annotated, ANNOTATION_PAGERDUTY_SERVICE_ID);
    if (!serviceId) {
      // Only an integration key: pages can still be sent, but who receives
      // them is known only to PagerDuty.
      return {
        provider: this.id,
        schedule: { id: 'integration-key', name: 'PagerDuty integration' },
        levels: [],
      };
    }
    // Account-wide reads, each cached for the TTL and shared by every card
    // of the account: the services with their policies, the on-calls of a
    // group of policies, and the users with their contact methods.
    const services = await client.servicesById();
    const service =
      services.get(serviceId) ??
      (await this.unlistedService(client, annotated, serviceId));
    const policy = service.escalation_policy;
    // Whole hours keep the query, and so the cache entry, the same for an hour;
    // the shifts are filtered against `at` below.
    const since = new Date(Math.floor(+at / HOUR_MS) * HOUR_MS);
    const until = new Date(+since + (NEXT_SHIFT_HORIZON_DAYS + 1) * DAY_MS);
    const [onCalls, users] = await Promise.all([
      client.listOnCalls({
        escalationPolicyIds: policyGroup(services, policy.id),
        since,
        until,
      }),
      client.usersById(),
    ]);

    const shifts = onCalls
      .filter(onCall => onCall.escalation_policy.id === policy.id)
      .map(onCall => toShift(onCall, at));
    const current = shifts.filter(s => s.start <= at && at < s.end);
    const next = nextShift(
      shifts.filter(s => s.level === 1),
      at,
    );
    const people = await this.people(client, users, [
      ...current,
      ...(next ? [next] : []),
    ]);
    const toInfo = (shift: Shift): OnCallShiftInfo => ({
      person: people.get(shift.userId)!,
      start: shift.start.toISOString(),
      end: shift.end.toISOString(),
    });
    return {
      provider: this.id,
      schedule: {
        id: policy.id,
        name: policy.name,
        url: policy.html_url ?? undefined,
      },
      levels: policy.escalation_rules.map((rule, index) => ({
        level: index + 1,
        timeoutMinutes: rule.escalation_delay_in_minutes,
        onCall: oncePerUser(current.filter(s => s.level === index + 1)).map(
          toInfo,
        ),
      })),
      next: next && toInfo(next),
    };
  }

  async page(annotated: Entity, request: PageRequest): Promise<PageResult> {
    await this.pageAccounts?.recordPageAccount(
      request.dedupKey,
      this.clientFor(annotated).account.id,
    );
    const result = await this.sendEvent(annotated, {
      event_action: 'trigger',
      dedup_key: request.dedupKey,
      payload: {
        summary: truncateSummary(request.summary),
        source: 'multivac',
        severity: request.urgency === 'high' ? 'critical' : 'warning',
        custom_details: request.details,
      },
      ...(request.link && {
        links: [{ href: request.link.href, text: request.link.text }],
      }),
    });
    return {
      externalId: result.dedup_key ?? request.dedupKey,
      status: 'accepted by PagerDuty',
    };
  }

  /**
   * Direct pages: a PagerDuty incident assigned to the user with the
   * person's email, opened on the service of the entity the page is about
   * (its own `pagerduty.com/service-id`) or else on the account's
   * `directPageServiceId`. The dedup key is the incident key, so a retried
   * delivery finds the incident instead of opening a second one, and the
   * webhooks sync its acknowledgement like any other page.
   */
  readonly person: PersonPaging = {
    canPage: async (person, context) =>
      Boolean(await this.personTarget(person, context)),
    page: async (person, context, request) => {
      const target = await this.personTarget(person, context);
      if (!target) {
        throw new NotFoundError(
          `PagerDuty can no longer page ${person.name}: no PagerDuty user has ` +
            `their email, or no service to open the incident on`,
        );
      }
      const { client } = target;
      await this.pageAccounts?.recordPageAccount(
        request.dedupKey,
        client.account.id,
      );
      const incident =
        (await client.findIncidentByKey(request.dedupKey)) ??
        (await client.createIncident({
          serviceId: target.serviceId,
          title: truncateSummary(request.summary),
          urgency: request.urgency,
          body: describeDetails(request.details),
          incidentKey: request.dedupKey,
          assigneeIds: [target.userId],
        }));
      return {
        externalId: incident.id,
        status: `PagerDuty incident ${
          incident.incident_number ?? incident.id
        } assigned to ${person.name}`,
      };
    },
    acknowledge: async (person, context, dedupKey) => {
      const client = this.personClient(context);
      const incident = await client?.findIncidentByKey(dedupKey);
      if (!client || !incident) {
        throw new NotFoundError(
          `No PagerDuty incident with key ${dedupKey} to acknowledge for ${person.name}`,
        );
      }
      if (incident.status === 'triggered') {
        await client.acknowledgeIncident(incident.id);
      }
    },
  };

  async acknowledge(annotated: Entity, dedupKey: string): Promise<void> {
    await this.sendEvent(annotated, {
      event_action: 'acknowledge',
      dedup_key: dedupKey,
    });
  }

  async resolve(annotated: Entity, dedupKey: string): Promise<void> {
    await this.sendEvent(annotated, {
      event_action: 'resolve',
      dedup_key: dedupKey,
    });
  }

  private sendEvent(annotated: Entity, event: PagerDutyEvent) {
    const routingKey = annotation(
      annotated,
      ANNOTATION_PAGERDUTY_INTEGRATION_KEY,
    );
    if (!routingKey) {
      throw new InputError(
        `${stringifyEntityRef(annotated)} cannot be paged through PagerDuty: ` +
          `it needs the ${ANNOTATION_PAGERDUTY_INTEGRATION_KEY} annotation ` +
          `(the key of an Events API v2 integration of its service)`,
      );
    }
    return this.clientFor(annotated).events.sendEvent(routingKey, event);
  }

  /** The account that pages people about `context`. */
  private personClient(context: Entity | undefined) {
    return (
      context && annotation(context, ANNOTATION_PAGERDUTY_SERVICE_ID)
        ? this.clientFor(context)
        : this.clients.get(DEFAULT_ACCOUNT)
    )?.rest;
  }

  /** Where a direct page to `person` goes, if PagerDuty can take it. */
  private async personTarget(
    person: OnCallPerson,
    context: Entity | undefined,
  ): Promise<
    | { client: PagerDutyRestClient; serviceId: string; userId: string }
    | undefined
  > {
    const client = this.personClient(context);
    const serviceId =
      (context && annotation(context, ANNOTATION_PAGERDUTY_SERVICE_ID)) ??
      client?.account.directPageServiceId;
    const email = person.email?.toLocaleLowerCase('en-US');
    if (!client || !serviceId || !email) {
      return undefined;
    }
    const users = await client.usersById();
    const user = [...users.values()].find(
      u => u.email?.toLocaleLowerCase('en-US') === email,
    );
    return user && { client, serviceId, userId: user.id };
  }

  private clientFor(entity: Entity): PagerDutyAccountClients {
    return clientForEntity(this.clients, entity);
  }

  /** A service missing from the listed ones, such as one created since. */
  private async unlistedService(
    client: PagerDutyRestClient,
    annotated: Entity,
    serviceId: string,
  ): Promise<PagerDutyService> {
    const service = await client.findService(serviceId);
    if (!service) {
      throw new NotFoundError(
        `${stringifyEntityRef(annotated)} names PagerDuty service ` +
          `'${serviceId}' (${ANNOTATION_PAGERDUTY_SERVICE_ID}), which ` +
          `PagerDuty account '${client.account.id}' does not have`,
      );
    }
    return service;
  }

  /**
   * Name, email and phone of everyone in `shifts`, by PagerDuty user id;
   * users missing from the listed ones (added since) are read one by one.
   */
  private async people(
    client: PagerDutyRestClient,
    users: ReadonlyMap<string, PagerDutyUser>,
    shifts: Shift[],
  ): Promise<Map<string, OnCallPerson>> {
    const ids = [...new Set(shifts.map(s => s.userId))];
    return new Map(
      await Promise.all(
        ids.map(
          async (id): Promise<[string, OnCallPerson]> => [
            id,
            toPerson(users.get(id) ?? (await client.getUser(id))),
          ],
        ),
      ),
    );
  }
}

const policyGroupsByServices = new WeakMap<
  ReadonlyMap<string, PagerDutyService>,
  ReadonlyMap<string, string[]>
>();

/**
 * The policies whose on-calls are read together with `policyId`'s: its group
 * of POLICIES_PER_ON_CALL_READ among the policies of `services`. Computed
 * once per listing of the services (cached for the TTL), not per card.
 */
function policyGroup(
  services: ReadonlyMap<string, PagerDutyService>,
  policyId: string,
): string[] {
  let groups = policyGroupsByServices.get(services);
  if (!groups) {
    const policyIds = [
      ...new Set([...services.values()].map(s => s.escalation_policy.id)),
    ];
    const byPolicy = new Map<string, string[]>();
    for (let i = 0; i < policyIds.length; i += POLICIES_PER_ON_CALL_READ) {
      const group = policyIds.slice(i, i + POLICIES_PER_ON_CALL_READ);
      group.forEach(id => byPolicy.set(id, group));
    }
    groups = byPolicy;
    policyGroupsByServices.set(services, groups);
  }
  // A policy of a service created since the listing is read on its own.
  return groups.get(policyId) ?? [policyId];
}

function toShift(onCall: PagerDutyOnCall, at: Date): Shift {
  return {
    userId: onCall.user.id,
    level: onCall.escalation_level,
    start: onCall.start ? new Date(onCall.start) : at,
    end: onCall.end
      ? new Date(onCall.end)
      : new Date(+at + PERMANENT_ON_CALL_DAYS * DAY_MS),
  };
}

/**
 * The first level-1 shift that starts when or after the current level-1 shift
 * ends (the earliest end when several people are on call). A current
 * person's contiguous next shift is not a hand-off.
 */
function nextShift(level1: Shift[], at: Date): Shift | undefined {
  const current = level1.filter(s => s.start <= at && at < s.end);
  const onCallNow = new Set(current.map(s => s.userId));
  let handOver =
    current.length > 0 ? Math.min(...current.map(s => +s.end)) : +at;
  const upcoming = level1
    .filter(s => s.start > at)
    .sort((a, b) => +a.start - +b.start);
  for (const shift of upcoming) {
    if (+shift.start === handOver && onCallNow.has(shift.userId)) {
      handOver = +shift.end;
    } else if (+shift.start >= handOver) {
      return shift;
    }
  }
  return undefined;
}

/** PagerDuty lists a user once per schedule that puts them on call. */
function oncePerUser(shifts: Shift[]): Shift[] {
  const seen = new Set<string>();
  return shifts.filter(s => {
    if (seen.has(s.userId)) {
      return false;
    }
    seen.add(s.userId);
    return true;
  });
}

function toPerson(user: PagerDutyUser): OnCallPerson {
  const phone = user.contact_methods.find(
    method => PHONE_CONTACT_TYPES.has(method.type) && method.address,
  );
  return {
    name: user.name,
    email: user.email,
    phone:
      phone &&
      (phone.country_code
        ? `+${phone.country_code} ${phone.address}`
        : phone.address),
  };
}

/** The page's details as the incident body, one `key: value` per line. */
function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(
      ([key, value]) =>
        `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
    )
    .join('\n');
}
