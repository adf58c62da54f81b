import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  stringifyEntityRef,
  UserEntity,
} from '@backstage/catalog-model';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_PAGERDUTY_ACCOUNT,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
} from '@multivac/plugin-multivac-common';
import {
  InterruptionLedger,
  InterruptionSource,
  MultivacWorkflow,
  ReportedNotification,
  WorkflowClient,
} from '@multivac/plugin-multivac-node';
import {
  DEFAULT_ACCOUNT,
  PagerDutyAccountClients,
} from '../client/pagerDutyConfig';
import { PagerDutyRestClient } from '../client/PagerDutyRestClient';
import {
  incidentBodySchema,
  PagerDutyIncident,
  PagerDutyUser,
} from '../client/pagerDutySchemas';
import { annotation } from '../entities';

const NOTIFIED_JOB = 'pagerduty.notified';
/** Its payload names the incident only, not its key or service. */
const RESPONDER_ADDED = 'incident.responder.added';

/**
 * A webhook event in which PagerDuty notified people, as the webhook route
 * hands it over: who (PagerDuty user ids), when, and about what.
 */
export interface NotifiedEvent {
  eventId: string;
  /** `incident.triggered`, `incident.escalated`, ... */
  eventType: string;
  /** The account whose webhook secret signed the event. */
  account: string;
  occurredAt: string;
  incidentId: string;
  /**
   * The incident's key: the dedup key when Multivac opened it. A responder
   * request does not say it: the job reads it from the incident.
   */
  incidentKey?: string;
  serviceId?: string;
  userIds: string[];
}

/** Where the webhook route records notified events, durably. */
export interface NotifiedEvents {
  /** False when the event was already recorded. */
  enqueue(event: NotifiedEvent): Promise<boolean>;
}

/**
 * The people PagerDuty notified (incidents triggered, escalated, reassigned
 * in PagerDuty, whoever opened them) into Multivac's interruptions ledger.
 * The webhook route only records each event as a durable job; the job looks
 * the PagerDuty users up (REST, cached), finds the catalog User with each
 * one's email (as paging one person does the other way), finds the
 * catalog entity with the incident's service in `pagerduty.com/service-id`,
 * and records one notification per person. PagerDuty users without a
 * catalog User are skipped with a debug line.
 */
export class PagerDutyInterruptions
  implements WorkflowClient, InterruptionSource, NotifiedEvents
{
  readonly id = 'pagerduty-interruptions';
  private jobs?: MultivacWorkflow['jobs'];
  private ledger?: InterruptionLedger;

  constructor(
    private readonly options: {
      clients: ReadonlyMap<string, PagerDutyAccountClients>;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  connect(workflow: MultivacWorkflow): void {
    this.jobs = workflow.jobs;
    workflow.jobs.registerHandler(NOTIFIED_JOB, job =>
      this.record(job.payload as unknown as NotifiedEvent),
    );
  }

  connectLedger(ledger: InterruptionLedger): void {
    this.ledger = ledger;
  }

  enqueue(event: NotifiedEvent): Promise<boolean> {
    if (!this.jobs) {
      throw new ServiceUnavailableError(
        'The multivac plugin is still starting; PagerDuty retries the webhook',
      );
    }
    return this.jobs.enqueue({
      type: NOTIFIED_JOB,
      idempotencyKey: `${NOTIFIED_JOB}:${event.account}:${event.eventId}`,
      payload: { ...event },
    });
  }

  private async record(event: NotifiedEvent): Promise<void> {
    const { logger } = this.options;
    if (!this.ledger) {
      // Retried: the plugin connects the ledger during its start-up.
      throw new ServiceUnavailableError(
        'The interruptions ledger is not connected yet',
      );
    }
    const client = this.options.clients.get(event.account);
    if (!client) {
      logger.warn(
        `PagerDuty ${event.eventType} (event ${event.eventId}) not recorded: account '${event.account}' is no longer configured`,
      );
      return;
    }
    const users = await this.pagerDutyUsers(client.rest, event);
    const catalogUsers = await this.catalogUsersByEmail(
      users.flatMap(u => (u.email ? [u.email] : [])),
    );
    const people: ReportedNotification['people'] = [];
    for (const user of users) {
      const userRef =
        user.email && catalogUsers.get(user.email.toLocaleLowerCase('en-US'));
      if (!userRef) {
        logger.debug(
          `PagerDuty user ${user.id} (${user.name}) has no catalog User with their email: ` +
            `${event.eventType} of incident ${event.incidentId} not in the interruptions ledger for them`,
        );
        continue;
      }
      people.push({ userRef, timeZone: user.time_zone ?? undefined });
    }
    if (people.length === 0) {
      return;
    }
    const incident =
      event.eventType === RESPONDER_ADDED
        ? await this.incident(client.rest, event)
        : undefined;
    const incidentKey = event.incidentKey ?? incident?.incident_key;
    const serviceId = event.serviceId ?? incident?.service.id;
    const recorded = await this.ledger.record({
      source: 'pagerduty',
      externalId: `pagerduty:${event.account}:${event.incidentId}`,
      dedupKey: incidentKey ?? undefined,
      first: event.eventType === 'incident.triggered',
      at: event.occurredAt,
      entityRef: serviceId
        ? await this.serviceEntity(serviceId, event.account)
        : undefined,
      people,
    });
    logger.info(
      `PagerDuty ${event.eventType} (event ${event.eventId}, incident ${event.incidentId}): ` +
        `${recorded} of ${people.length} notified ${
          people.length === 1 ? 'person' : 'people'
        } recorded in the interruptions ledger`,
    );
  }

  /**
   * The incident (`GET /incidents/{id}`, not cached), for the key and
   * service a responder request does not name; undefined once deleted.
   */
  private async incident(
    client: PagerDutyRestClient,
    event: NotifiedEvent,
  ): Promise<PagerDutyIncident | undefined> {
    try {
      const body = await client.request(
        'GET',
        `/incidents/${encodeURIComponent(event.incidentId)}`,
        [],
        incidentBodySchema,
      );
      return body.incident;
    } catch (error) {
      if (!(error instanceof NotFoundError)) {
        throw error;
      }
      this.options.logger.debug(
        `PagerDuty incident ${event.incidentId} of account '${event.account}' no longer exists: its responder is recorded without its service`,
      );
      return undefined;
    }
  }

  /** The users of the account's list, else read one by one; unknown ones skipped. */
  private async pagerDutyUsers(
    client: PagerDutyRestClient,
    event: NotifiedEvent,
  ): Promise<PagerDutyUser[]> {
    const listed = await client.usersById();
    const users: PagerDutyUser[] = [];
    for (const id of new Set(event.userIds)) {
      try {
        users.push(listed.get(id) ?? (await client.getUser(id)));
      } catch (error) {
        if (!(error instanceof NotFoundError)) {
          throw error;
        }
        this.options.logger.debug(
          `PagerDuty user ${id} of incident ${event.incidentId} does not exist in account '${event.account}': not in the interruptions ledger`,
        );
      }
    }
    return users;
  }

  /** Catalog User refs by lower-case `spec.profile.email`. */
  private async catalogUsersByEmail(
    emails: string[],
  ): Promise<Map<string, string>> {
    const byEmail = new Map<string, string>();
    if (emails.length === 0) {
      return byEmail;
    }
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'User', 'spec.profile.email': emails },
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.profile'],
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    // Several Users with one email: the first ref in order, every time.
    const refs = (items as UserEntity[])
      .map(user => ({
        ref: stringifyEntityRef(user),
        email: user.spec?.profile?.email?.toLocaleLowerCase('en-US'),
      }))
      .sort((a, b) => a.ref.localeCompare(b.ref));
    for (const { ref, email } of refs) {
      if (email && !byEmail.has(email)) {
        byEmail.set(email, ref);
      }
    }
    return byEmail;
  }

  /**
   * The catalog entity annotated with the service (of the same account),
   * a Component before anything else; undefined when none is.
   */
  private async serviceEntity(
    serviceId: string,
    account: string,
  ): Promise<string | undefined> {
    const { items } = await this.options.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ANNOTATION_PAGERDUTY_SERVICE_ID}`]:
            serviceId,
        },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    const ofAccount = items
      .filter(
        (e: Entity) =>
          (annotation(e, ANNOTATION_PAGERDUTY_ACCOUNT) ?? DEFAULT_ACCOUNT) ===
          account,
      )
      .map(e => ({
        kind: e.kind.toLocaleLowerCase('en-US'),
        ref: stringifyEntityRef(e),
      }))
      .sort(
        (a, b) =>
          Number(b.kind === 'component') - Number(a.kind === 'component') ||
          a.ref.localeCompare(b.ref),
      );
    return ofAccount[0]?.ref;
  }
}
