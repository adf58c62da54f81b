import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { MultivacContribution } from './contribution';

/**
 * A tracker-neutral rich text: each tracker renders it in its own format
 * (Atlassian Document Format for Jira Cloud, wiki markup for Data Center).
 *
 * @public
 */
export type TrackerBlock =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string }
  /** Label/value pairs, e.g. Severity: SEV2. */
  | { type: 'facts'; items: Array<{ label: string; value: string }> }
  | { type: 'bullets'; items: string[] }
  | { type: 'link'; text: string; href: string };

/**
 * What Multivac asks a tracker to file.
 *
 * @public
 */
export interface TrackerIssueRequest {
  /**
   * Stable id of what the issue tracks, e.g. `multivac-postmortem-<id>` or
   * `multivac-action-<id>`. A tracker must find the issue it already filed
   * for it instead of filing a second one, because a job that failed after
   * the tracker answered is retried.
   */
  externalId: string;
  kind: 'postmortem' | 'action-item';
  /**
   * The catalog entities the work is about (the incident's affected
   * entities, first the main one), for the tracker to pick its project
   * from their annotations.
   */
  entities: Entity[];
  title: string;
  description: TrackerBlock[];
  /** Back to the portal. */
  link: { href: string; text: string };
  /** The tracking issue this one belongs to (an action item's post-mortem). */
  parentKey?: string;
  /** YYYY-MM-DD */
  dueDate?: string;
  /** Email of the catalog user who owns it, when known. */
  assigneeEmail?: string;
}

/** @public */
export interface TrackerIssue {
  /** e.g. `OPS-12` */
  key: string;
  /** The issue in the tracker's web UI. */
  url: string;
  /** The tracker's status name, e.g. `In Progress`. */
  status: string;
  /** True when the tracker counts the status as finished. */
  done: boolean;
}

/**
 * Where post-mortems and their action items are tracked (Jira). Errors
 * thrown are retried by the caller's durable job; use `@backstage/errors`
 * types so that the reason (401, unknown project, 429) reaches the user.
 *
 * @public
 */
export interface IssueTracker extends MultivacContribution {
  createIssue(request: TrackerIssueRequest): Promise<TrackerIssue>;
  /** Current state of issues filed before; unknown keys are left out. */
  getIssues(keys: string[]): Promise<TrackerIssue[]>;
}

/** @public */
export interface MultivacIssueTrackerExtensionPoint {
  /** One tracker per backend; a second call is a configuration error. */
  setIssueTracker(tracker: IssueTracker): void;
}

/**
 * Lets a module such as Jira track post-mortems and action items.
 *
 * @public
 */
export const multivacIssueTrackerExtensionPoint =
  createExtensionPoint<MultivacIssueTrackerExtensionPoint>({
    id: 'multivac.issueTracker',
  });
