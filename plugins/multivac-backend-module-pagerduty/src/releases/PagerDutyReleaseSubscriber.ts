import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { isError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ACTIVE_RELEASE_STATUSES,
  ANNOTATION_PAGERDUTY_INTEGRATION_KEY,
  Release,
  ReleaseLinkKind,
} from '@multivac/plugin-multivac-common';
import {
  ownerAndSystemRefs,
  ReleaseChange,
  ReleaseDependent,
  ReleaseSubscriber,
  MultivacWorkflow,
} from '@multivac/plugin-multivac-node';
import { createHash } from 'node:crypto';
import { PagerDutyAccountClients } from '../client/pagerDutyConfig';
import { truncateSummary } from '../client/PagerDutyEventsClient';
import { PagerDutyChangeEvent } from '../client/pagerDutySchemas';
import { annotation, clientForEntity } from '../entities';

/** Dependents' reasons listed in one change event; the rest are counted. */
const MAX_LISTED_DEPENDENTS = 50;
const LINK_TEXTS: Partial<Record<ReleaseLinkKind, string>> = {
  ci: 'CI run',
  changelog: 'Changelog',
};

/** What change events need of an account's clients. */
type ChangeEventClient = Pick<PagerDutyAccountClients, 'account' | 'events'>;

export interface PagerDutyReleaseSubscriberOptions {
  /** By account id, as from `pagerDutyClientsFromConfig`. */
  clients: ReadonlyMap<string, ChangeEventClient>;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** Also announce booked and moved releases, not only starting ones. */
  onScheduled: boolean;
}

interface Target {
  client: ChangeEventClient;
  routingKey: string;
}

/** One integration's change event, as a job. */
const CHANGE_EVENT_JOB = 'pagerduty.change-event';
interface ChangeEventJob {
  /** The account id, to find its client when the job runs. */
  account: string;
  routingKey: string;
  event: PagerDutyChangeEvent;
}

/**
 * Sends a PagerDuty change event when a release starts (and, with
 * `onScheduled`, when it is booked or moved) to the Events API v2
 * integration of the released entity and of each entity that depends on it,
 * each integration once. Each integration's event is a job of its own
 * (`pagerduty.change-event`, keyed by the delivery and the integration), so
 * one integration that refuses or is down does not make the others receive
 * the change again when it is retried. PagerDuty has no dedup key for
 * change events: a send that succeeds but is not recorded may still repeat.
 */
export class PagerDutyReleaseSubscriber implements ReleaseSubscriber {
  readonly id = 'pagerduty';
  private workflow?: Pick<MultivacWorkflow, 'jobs' | 'urls'>;

  /** Undefined when `multivac.pagerDuty.changeEvents.enabled` is false. */
  static fromConfig(
    config: Config,
    options: Omit<PagerDutyReleaseSubscriberOptions, 'onScheduled'>,
  ): PagerDutyReleaseSubscriber | undefined {
    const changeEvents = config.getOptionalConfig(
      'multivac.pagerDuty.changeEvents',
    );
    if (changeEvents?.getOptionalBoolean('enabled') === false) {
      return undefined;
    }
    return new PagerDutyReleaseSubscriber({
      ...options,
      onScheduled: changeEvents?.getOptionalBoolean('onScheduled') ?? false,
    });
  }

  constructor(private readonly options: PagerDutyReleaseSubscriberOptions) {}

  async onReleaseChange(change: ReleaseChange): Promise<void> {
    const { release } = change;
    if (!this.announces(change)) {
      return;
    }
    const { logger } = this.options;
    const targets = await this.targets([
      release.entityRef,
      ...change.dependents.map(d => d.entityRef),
    ]);
    if (targets.length === 0) {
      logger.debug(
        `No PagerDuty change event for ${release.reference}: neither ` +
          `${release.entityRef} nor its dependents have ` +
          `${ANNOTATION_PAGERDUTY_INTEGRATION_KEY}`,
      );
      return;
    }
    if (!this.workflow) {
      throw new Error('PagerDuty change events: the job queue is not ready');
    }
    const { jobs, urls } = this.workflow;
    const event = this.changeEvent(
      change,
      urls.release(change.release.reference),
    );
    for (const { client, routingKey } of targets) {
      const payload: ChangeEventJob = {
        account: client.account.id,
        routingKey,
        event,
      };
      await jobs.enqueue({
        type: CHANGE_EVENT_JOB,
        idempotencyKey: `${CHANGE_EVENT_JOB}:${change.deliveryId}:${
          client.account.id
        }:${createHash('sha256').update(routingKey).digest('hex')}`,
        payload: { ...payload },
      });
    }
    logger.info(
      `Sending PagerDuty change event for ${release.reference} (${change.change}) ` +
        `to ${targets.length} integration${targets.length === 1 ? '' : 's'}`,
    );
  }

  /**
   * Sends change events through the plugin's durable jobs, which the plugin
   * hands over once it has started.
   */
  connect(workflow: MultivacWorkflow): void {
    this.workflow = workflow;
    workflow.jobs.registerHandler(CHANGE_EVENT_JOB, async job => {
      const { account, routingKey, event } =
        job.payload as unknown as ChangeEventJob;
      const client = this.options.clients.get(account);
      if (!client) {
        // The account left the config since: retrying cannot help.
        this.options.logger.warn(
          `Dropped a PagerDuty change event: account '${account}' is no longer configured`,
        );
        return;
      }
      await client.events.sendChangeEvent(routingKey, event);
    });
  }

  private announces({ change, release }: ReleaseChange): boolean {
    if (change === 'starting') {
      return true;
    }
    // A booking that was cancelled before its delivery ran is no change.
    return (
      change === 'scheduled' &&
      this.options.onScheduled &&
      ACTIVE_RELEASE_STATUSES.includes(release.status)
    );
  }

  /**
   * The integration of each entity: its own `pagerduty.com/integration-key`,
   * else its owner Group's, else its System's (the on-call walk), with the
   * account the annotated entity names. Each integration once.
   */
  private async targets(entityRefs: string[]): Promise<Target[]> {
    const entities = [...(await this.entitiesByRefs(entityRefs)).values()];
    const related = await this.entitiesByRefs([
      ...new Set(entities.flatMap(ownerAndSystemRefs)),
    ]);
    const targets = new Map<string, Target>();
    for (const entity of entities) {
      const annotated = [
        entity,
        ...ownerAndSystemRefs(entity).flatMap(ref => related.get(ref) ?? []),
      ].find(candidate =>
        annotation(candidate, ANNOTATION_PAGERDUTY_INTEGRATION_KEY),
      );
      if (!annotated) {
        continue;
      }
      const routingKey = annotation(
        annotated,
        ANNOTATION_PAGERDUTY_INTEGRATION_KEY,
      )!;
      let client: ChangeEventClient;
      try {
        client = clientForEntity(this.options.clients, annotated);
      } catch (error) {
        // A configuration mistake: retrying would not fix it, and would send
        // the other integrations' events again.
        this.options.logger.warn(
          `No PagerDuty change event for ${stringifyEntityRef(entity)}: ${
            isError(error) ? error.message : error
          }`,
        );
        continue;
      }
      targets.set(`${client.account.id} ${routingKey}`, { client, routingKey });
    }
    return [...targets.values()];
  }

  /** The entities the catalog has, by the ref asked for. */
  private async entitiesByRefs(
    entityRefs: string[],
  ): Promise<Map<string, Entity>> {
    if (entityRefs.length === 0) {
      return new Map();
    }
    const { catalog, auth } = this.options;
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return new Map(
      items.flatMap((entity, i) => (entity ? [[entityRefs[i], entity]] : [])),
    );
  }

  private changeEvent(
    { release, change, dependents }: ReleaseChange,
    /** Linked only when absolute (`app.baseUrl` is set). */
    releaseUrl: string,
  ): PagerDutyChangeEvent {
    const name = parseEntityRef(release.entityRef).name;
    const what = `Release ${name} ${release.title} to ${release.environment}`;
    const summary =
      change === 'starting'
        ? `${what} started (${formatWindow(release, false)})`
        : `${what} scheduled (${formatWindow(release, true)})`;
    return {
      payload: {
        summary: truncateSummary(summary),
        timestamp: changedAt(release, change),
        source: release.entityRef,
        custom_details: {
          release: release.reference,
          entity: release.entityRef,
          title: release.title,
          environment: release.environment,
          window: { start: release.start, end: release.end },
          status: release.status,
          owner: release.ownerRef,
          ...(dependents.length > 0 && {
            dependents: describeDependents(dependents),
          }),
        },
      },
      links: [
        ...(/^https?:\/\//.test(releaseUrl)
          ? [
              {
                href: releaseUrl,
                text: `${release.reference} in Multivac`,
              },
            ]
          : []),
        ...release.links.flatMap(link => {
          const text = LINK_TEXTS[link.kind];
          return text ? [{ href: link.url, text: link.title ?? text }] : [];
        }),
      ],
    };
  }
}

/**
 * When the change happened, the same on every retry: when the release was
 * marked in progress (else its window's start), or when it was last booked
 * or moved.
 */
function changedAt(release: Release, change: ReleaseChange['change']): string {
  if (change === 'starting') {
    const started = release.history.find(h => h.status === 'in_progress');
    return started?.at ?? release.start;
  }
  return release.updatedAt;
}

/** `14:00–14:30 UTC`, with the date when asked or when it spans days. */
function formatWindow(
  release: Pick<Release, 'start' | 'end'>,
  withDate: boolean,
): string {
  const [startDay, startTime] = utcParts(release.start);
  const [endDay, endTime] = utcParts(release.end);
  if (startDay !== endDay) {
    return `${startDay} ${startTime} – ${endDay} ${endTime} UTC`;
  }
  return `${withDate ? `${startDay} ` : ''}${startTime}–${endTime} UTC`;
}

/** `2026-11-24T14:00:00Z` → [`2026-11-24`, `14:00`]. */
function utcParts(time: string): [string, string] {
  const iso = new Date(time).toISOString();
  return [iso.slice(0, 10), iso.slice(11, 16)];
}

function describeDependents(dependents: ReleaseDependent[]): string[] {
  const reasons = dependents.slice(0, MAX_LISTED_DEPENDENTS).map(d => d.reason);
  const more = dependents.length - reasons.length;
  return more > 0 ? [...reasons, `and ${more} more`] : reasons;
}
