import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { PageRecord } from '@multivac/plugin-multivac-common';
import {
  IncidentChange,
  IncidentSubscriber,
  PageChange,
  PageSubscriber,
  PostmortemChange,
  PostmortemSubscriber,
  ReleaseChange,
  ReleaseSubscriber,
} from '@multivac/plugin-multivac-node';
import {
  incidentPayload,
  MultivacNotificationPayload,
  notifiesOwners,
  pagePayload,
  postmortemPayload,
  releasePayload,
} from './payloads';

/** Where a page's notification links to (its incident, report, or on call). */
export type PageLink = (page: PageRecord) => Promise<string>;

export interface NotificationsSubscriberOptions {
  notifications: NotificationService;
  /** For each entity ref, its owners' refs (the catalog's `ownedBy`). */
  ownersOf(refs: string[]): Promise<Map<string, string[]>>;
  incidentUrl(reference: string): string;
  releaseUrl(reference: string): string;
  pageLink: PageLink;
  logger: LoggerService;
}

/** Catalog users among `refs`, each once. */
export function userRefs(refs: Array<string | undefined>): string[] {
  return [
    ...new Set(
      refs.filter((ref): ref is string => {
        if (!ref) {
          return false;
        }
        try {
          return parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'user';
        } catch {
          return false;
        }
      }),
    ),
  ];
}

/**
 * Tells people who live in the portal through Backstage's notifications:
 * the owners of an incident's entities when it is declared, escalated or
 * changes state; the paged people; a post-mortem's owner when it is
 * created, changes state or is overdue; and, when a release is booked past
 * a blocking conflict, the owners of the entities that depend on it (else
 * of the conflicting releases' entities).
 *
 * Each change reaches it as a durable job of the core's delivery queue
 * (never in the request that made the change), retried with back-off when
 * the notifications backend fails. Every notification carries a scope
 * (`multivac:incident:INC-7`), so a retry, or a later change, updates the
 * recipient's one notification instead of adding another.
 */
export class NotificationsSubscriber
  implements
    IncidentSubscriber,
    PageSubscriber,
    PostmortemSubscriber,
    ReleaseSubscriber
{
  readonly id = 'notifications';

  constructor(private readonly options: NotificationsSubscriberOptions) {}

  async onIncidentChange({ event, incident }: IncidentChange): Promise<void> {
    if (!notifiesOwners(event)) {
      return;
    }
    const owners = await this.options.ownersOf(incident.entityRefs);
    const recipients = [...new Set([...owners.values()].flat())];
    await this.send(
      recipients,
      incidentPayload(
        incident,
        event,
        this.options.incidentUrl(incident.reference),
      ),
      `${incident.reference} (${event.type})`,
    );
  }

  async onPageChange({ page }: PageChange): Promise<void> {
    await this.send(
      userRefs(page.targets.map(person => person.userRef)),
      pagePayload(page, await this.options.pageLink(page)),
      `page ${page.id}`,
    );
  }

  async onPostmortemChange({
    postmortem,
    change,
  }: PostmortemChange): Promise<void> {
    await this.send(
      [postmortem.ownerRef],
      postmortemPayload(postmortem, change),
      `${postmortem.reference} (${change})`,
    );
  }

  async onReleaseChange({
    release,
    change,
    dependents,
  }: ReleaseChange): Promise<void> {
    // Only a booking (or move) past a blocking conflict is news to others.
    if (change !== 'scheduled' || !release.forced) {
      return;
    }
    let recipients = dependents.flatMap(d => (d.ownerRef ? [d.ownerRef] : []));
    if (recipients.length === 0) {
      const conflicting = release.forced.conflicts.flatMap(c =>
        c.entityRef ? [c.entityRef] : [],
      );
      const owners = await this.options.ownersOf(conflicting);
      recipients = [...owners.values()].flat();
    }
    recipients = [...new Set(recipients)].filter(
      ref => ref !== release.ownerRef,
    );
    await this.send(
      recipients,
      releasePayload(release, this.options.releaseUrl(release.reference)),
      `${release.reference} (forced)`,
      // Whoever forced it knows.
      release.forced.by,
    );
  }

  private async send(
    entityRefs: string[],
    payload: MultivacNotificationPayload,
    what: string,
    exclude?: string,
  ): Promise<void> {
    if (entityRefs.length === 0) {
      this.options.logger.debug(`No one to notify of ${what}`);
      return;
    }
    const options: NotificationSendOptions = {
      recipients: {
        type: 'entity',
        entityRef: entityRefs,
        ...(exclude ? { excludeEntityRef: exclude } : {}),
      },
      payload,
    };
    // Throws when the notifications backend fails: the job is retried.
    await this.options.notifications.send(options);
  }
}
