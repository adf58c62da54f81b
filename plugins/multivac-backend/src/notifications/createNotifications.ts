import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  Incident,
  PageRecord,
  Postmortem,
  TriageReport,
} from '@multivac/plugin-multivac-common';
import { JobQueue } from '../jobs/JobQueue';
import { ActionItemNotifications } from './actionItems';
import { MultivacContributions } from '../extensions/MultivacContributions';
import { NotificationsPagingChannel } from '../paging/NotificationsPagingChannel';
import { PortalUrls } from '../service/PortalUrls';
import { NotificationsSubscriber, PageLink } from './NotificationsSubscriber';

/**
 * A page's notification links to its incident, else to the report that
 * caused it, else to the On call page.
 */
export function pageLink(options: {
  urls: PortalUrls;
  /** The On call page. */
  onCallUrl: string;
  incident(id: string): Promise<Incident | undefined>;
  report(id: string): Promise<TriageReport | undefined>;
}): PageLink {
  const { urls } = options;
  return async (page: PageRecord) => {
    const incident = page.incidentId
      ? await options.incident(page.incidentId)
      : undefined;
    if (incident) {
      return urls.incident(incident.reference);
    }
    const report = page.reportId
      ? await options.report(page.reportId)
      : undefined;
    if (report) {
      return urls.report(report.reference);
    }
    return options.onCallUrl;
  };
}

/**
 * Backstage notifications (issue 20): registers the notifications
 * subscriber with the incident, page, post-mortem and release deliveries,
 * like a module's subscriber (so its sends are durable jobs, retried), and
 * returns the `notifications` paging channel and the hook that notifies
 * an action item's new owner. Call before the deliveries
 * are built.
 */
export function createNotifications(options: {
  notifications: NotificationService;
  contributions: MultivacContributions;
  ownersOf(refs: string[]): Promise<Map<string, string[]>>;
  urls: PortalUrls;
  pageLink: PageLink;
  jobs: JobQueue;
  /** By post-mortem id, when an action item's job runs. */
  postmortem(id: string): Promise<Postmortem | undefined>;
  logger: LoggerService;
}): {
  channel: NotificationsPagingChannel;
  actionItemAssigned: ActionItemNotifications['assigned'];
} {
  const { notifications, contributions, urls } = options;
  const subscriber = new NotificationsSubscriber({
    notifications,
    ownersOf: refs => options.ownersOf(refs),
    incidentUrl: reference => urls.incident(reference),
    releaseUrl: reference => urls.release(reference),
    pageLink: options.pageLink,
    logger: options.logger,
  });
  contributions.incidentSubscribers.add(subscriber);
  contributions.pageSubscribers.add(subscriber);
  contributions.postmortemSubscribers.add(subscriber);
  contributions.releaseSubscribers.add(subscriber);
  const actionItems = new ActionItemNotifications({
    jobs: options.jobs,
    notifications,
    postmortem: id => options.postmortem(id),
  });
  return {
    channel: new NotificationsPagingChannel(notifications, options.pageLink),
    actionItemAssigned: actionItems.assigned,
  };
}
