import {
  Incident,
  PageRecord,
  Postmortem,
  Release,
  TimelineEvent,
  TimelineEventType,
  TriageReport,
} from '@multivac/plugin-multivac-common';
import {
  AlertGroupChange,
  AlertGroupSubscriber,
  IncidentSubscriber,
  PageChange,
  PageSubscriber,
  PostmortemChange,
  PostmortemSubscriber,
  ReleaseChange,
  ReleaseDependent,
  ReleaseSubscriber,
  ReportChange,
  ReportSubscriber,
  WorkflowAlertGroup,
} from '@multivac/plugin-multivac-node';
import { JobQueue } from '../jobs/JobQueue';
import { Deliveries } from './Deliveries';

/*
 * The kinds of change modules subscribe to. Job prefixes and payload fields
 * are part of the stored jobs: keep them, so that jobs queued before an
 * upgrade still run after it.
 */

export type IncidentDeliveries = Deliveries<
  IncidentSubscriber,
  { event: TimelineEvent; incident: Incident },
  TimelineEventType
>;

/** Each timeline event of an incident; its key is `event`. */
export function incidentDeliveries(
  jobs: JobQueue,
  subscribers: readonly IncidentSubscriber[],
  load: {
    timelineEvent(id: string): Promise<TimelineEvent | undefined>;
    incident(id: string): Promise<Incident | undefined>;
  },
): IncidentDeliveries {
  return new Deliveries(jobs, subscribers, {
    jobPrefix: 'subscriber',
    idField: 'eventId',
    async load(id) {
      const event = await load.timelineEvent(id);
      const incident = event && (await load.incident(event.incidentId));
      return event && incident && { event, incident };
    },
    deliver: (subscriber, { event, incident }, _change, delivery) =>
      subscriber.onIncidentChange({ event, incident, ...delivery }),
  });
}

export type ReportDeliveries = Deliveries<
  ReportSubscriber,
  TriageReport,
  ReportChange['change']
>;

export function reportDeliveries(
  jobs: JobQueue,
  subscribers: readonly ReportSubscriber[],
  load: (id: string) => Promise<TriageReport | undefined>,
): ReportDeliveries {
  return new Deliveries(jobs, subscribers, {
    jobPrefix: 'report-subscriber',
    idField: 'reportId',
    load,
    deliver: (subscriber, report, change, delivery) =>
      subscriber.onReportChange({ report, change, ...delivery }),
  });
}

export type PageDeliveries = Deliveries<
  PageSubscriber,
  PageRecord,
  PageChange['change']
>;

export function pageDeliveries(
  jobs: JobQueue,
  subscribers: readonly PageSubscriber[],
  load: (id: string) => Promise<PageRecord | undefined>,
): PageDeliveries {
  return new Deliveries(jobs, subscribers, {
    jobPrefix: 'page-subscriber',
    idField: 'pageId',
    load,
    deliver: (subscriber, page, change, delivery) =>
      subscriber.onPageChange({ page, change, ...delivery }),
  });
}

export type PostmortemDeliveries = Deliveries<
  PostmortemSubscriber,
  Postmortem,
  PostmortemChange['change']
>;

export function postmortemDeliveries(
  jobs: JobQueue,
  subscribers: readonly PostmortemSubscriber[],
  load: (id: string) => Promise<Postmortem | undefined>,
): PostmortemDeliveries {
  return new Deliveries(jobs, subscribers, {
    jobPrefix: 'postmortem-subscriber',
    idField: 'postmortemId',
    load,
    deliver: (subscriber, postmortem, change, delivery) =>
      subscriber.onPostmortemChange({ postmortem, change, ...delivery }),
  });
}

export type ReleaseDeliveries = Deliveries<
  ReleaseSubscriber,
  { release: Release; dependents: ReleaseDependent[] },
  ReleaseChange['change']
>;

/** Subscribers also get what depends on the release, read when they run. */
export function releaseDeliveries(
  jobs: JobQueue,
  subscribers: readonly ReleaseSubscriber[],
  load: {
    release(id: string): Promise<Release | undefined>;
    dependents(release: Release): Promise<ReleaseDependent[]>;
  },
): ReleaseDeliveries {
  return new Deliveries(jobs, subscribers, {
    jobPrefix: 'release-subscriber',
    idField: 'releaseId',
    async load(id) {
      const release = await load.release(id);
      return release && { release, dependents: await load.dependents(release) };
    },
    deliver: (subscriber, subject, change, delivery) =>
      subscriber.onReleaseChange({ ...subject, change, ...delivery }),
  });
}

export type AlertGroupDeliveries = Deliveries<
  AlertGroupSubscriber,
  WorkflowAlertGroup,
  AlertGroupChange['change']
>;

/** Alert groups, each subscriber hearing about one group in order. */
export function alertGroupDeliveries(
  jobs: JobQueue,
  subscribers: readonly AlertGroupSubscriber[],
  load: (id: string) => Promise<WorkflowAlertGroup | undefined>,
): AlertGroupDeliveries {
  return new Deliveries(jobs, subscribers, {
    jobPrefix: 'alert-group-subscriber',
    idField: 'groupId',
    orderBySubject: true,
    load,
    deliver: (subscriber, group, change, delivery) =>
      subscriber.onAlertGroupChange({ group, change, ...delivery }),
  });
}
