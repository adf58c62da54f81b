import { AuthService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { stringifyError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  PostmortemActionItem,
  shortRef,
} from '@multivac/plugin-multivac-common';
import {
  IssueTracker,
  ownerAndSystemRefs,
  TrackerBlock,
  TrackerIssue,
} from '@multivac/plugin-multivac-node';
import { Transaction } from '../database/Transaction';
import { JobContext, JobQueue } from '../jobs/JobQueue';
import { ActionItemStore } from './ActionItemStore';
import { formatLocalTime } from './calendar';
import { NameOf, PeopleNames, shortNames } from '../service/peopleNames';
import {
  PostmortemFollowUpStore,
  TrackedRecord,
} from './PostmortemFollowUpStore';
import { PostmortemStore, StoredPostmortem } from './PostmortemStore';
import { PostmortemUrls } from './present';

export const TRACK_POSTMORTEM = 'postmortem.track';
export const TRACK_ACTION_ITEM = 'postmortem.action.track';
/** Keys per getIssues call. */
const SYNC_BATCH = 50;

/**
 * Files post-mortems and their action items in the issue tracker through
 * durable jobs, and keeps the action items' status in step with it. The
 * outcome of every attempt is stored on the record; a failed attempt throws
 * so that the job queue retries with back-off.
 */
export class PostmortemTracking {
  constructor(
    private readonly options: {
      tracker: IssueTracker;
      postmortems: PostmortemStore;
      actionItems: ActionItemStore;
      /** Where the outcome of filing and the tracker's status are kept. */
      followUp: PostmortemFollowUpStore;
      jobs: JobQueue;
      catalog: CatalogService;
      auth: AuthService;
      timeZone: string;
      /** The links to the portal that issues carry. */
      urls: PostmortemUrls;
      /** Names people by display name in issues; by default short names. */
      names?: PeopleNames;
    },
  ) {
    options.jobs.registerHandler(TRACK_POSTMORTEM, job =>
      this.filePostmortem(job),
    );
    options.jobs.registerHandler(TRACK_ACTION_ITEM, job =>
      this.fileActionItem(job),
    );
  }

  /** Records the job that files the post-mortem's issue, inside `tx`. */
  async trackPostmortem(
    tx: Transaction,
    postmortemId: string,
    incidentId: string,
  ): Promise<void> {
    await this.options.jobs.enqueue(
      {
        type: TRACK_POSTMORTEM,
        idempotencyKey: `${TRACK_POSTMORTEM}:${postmortemId}`,
        incidentId,
        payload: { postmortemId },
      },
      tx,
    );
  }

  /**
   * Records the job that files an action item's issue. `after` tells runs
   * apart: the first one, and the one started when the parent issue exists.
   */
  async trackActionItem(
    actionItemId: string,
    incidentId: string,
    tx?: Transaction,
    after = 'added',
  ): Promise<void> {
    await this.options.jobs.enqueue(
      {
        type: TRACK_ACTION_ITEM,
        idempotencyKey: `${TRACK_ACTION_ITEM}:${actionItemId}:${after}`,
        incidentId,
        payload: { actionItemId },
      },
      tx,
    );
  }

  /** Reads the tracker's status of open issues; returns how many it knows. */
  async syncStatuses(): Promise<number> {
    const { followUp, tracker } = this.options;
    const keys = [...new Set(await followUp.listOpenTrackerKeys())];
    let known = 0;
    for (let i = 0; i < keys.length; i += SYNC_BATCH) {
      const issues = await tracker.getIssues(keys.slice(i, i + SYNC_BATCH));
      await followUp.recordTrackerStates(issues);
      known += issues.length;
    }
    return known;
  }

  private async filePostmortem(job: JobContext): Promise<void> {
    const { postmortems, actionItems, tracker } = this.options;
    const postmortem = await postmortems.get(String(job.payload.postmortemId));
    if (!postmortem || postmortem.tracking?.key) {
      return;
    }
    const items = await actionItems.list(postmortem.id);
    const issue = await this.attempt(
      { postmortemId: postmortem.id },
      job,
      async () => {
        const { entities, ownerEmail } = await this.lookUp(postmortem);
        const nameOf = await this.names([
          postmortem.ownerRef,
          ...(postmortem.facts.controllerRef
            ? [postmortem.facts.controllerRef]
            : []),
        ]);
        return tracker.createIssue({
          externalId: `multivac-postmortem-${postmortem.id}`,
          kind: 'postmortem',
          entities,
          title: postmortem.title,
          description: this.describePostmortem(postmortem, nameOf),
          link: this.linkTo(postmortem),
          dueDate: postmortem.dueDate,
          assigneeEmail: ownerEmail,
        });
      },
    );
    // Action items added before the issue existed are waiting for it.
    for (const item of items) {
      if (!item.tracking?.key) {
        await this.trackActionItem(
          item.id,
          postmortem.incidentId,
          undefined,
          `parent-${issue.key}`,
        );
      }
    }
  }

  private async fileActionItem(job: JobContext): Promise<void> {
    const { postmortems, actionItems, followUp, tracker } = this.options;
    const item = await actionItems.get(String(job.payload.actionItemId));
    if (!item || item.tracking?.key) {
      return;
    }
    const postmortem = await postmortems.get(item.postmortemId);
    if (!postmortem) {
      return;
    }
    const parentKey = postmortem.tracking?.key;
    if (!parentKey) {
      const waiting = `Waiting for the issue of ${postmortem.reference}, which it is filed under`;
      await followUp.setTracking(
        { actionItemId: item.id },
        { state: 'pending', attempts: job.attempt, error: waiting },
      );
      throw new Error(waiting);
    }
    await this.attempt({ actionItemId: item.id }, job, async () => {
      const { entities, ownerEmail } = await this.lookUp(postmortem, item);
      const nameOf = await this.names(item.ownerRef ? [item.ownerRef] : []);
      return tracker.createIssue({
        externalId: `multivac-action-${item.id}`,
        kind: 'action-item',
        entities,
        title: item.title,
        description: this.describeActionItem(postmortem, item, nameOf),
        link: this.linkTo(postmortem),
        parentKey,
        dueDate: item.dueDate,
        assigneeEmail: ownerEmail,
      });
    });
  }

  /** Runs one attempt and stores its outcome on the record. */
  private async attempt(
    record: TrackedRecord,
    job: JobContext,
    file: () => Promise<TrackerIssue>,
  ): Promise<TrackerIssue> {
    const { followUp } = this.options;
    let issue: TrackerIssue;
    try {
      issue = await file();
    } catch (error) {
      await followUp.setTracking(record, {
        state: 'failed',
        attempts: job.attempt,
        error: stringifyError(error),
      });
      throw error;
    }
    await followUp.setTracking(record, {
      state: 'done',
      attempts: job.attempt,
      key: issue.key,
      url: issue.url,
      status: issue.status,
    });
    return issue;
  }

  /**
   * The affected entities still in the catalog, then their owner Groups and
   * Systems (where a tracker looks for its project when the entity has
   * none), and the owner's email.
   */
  private async lookUp(
    postmortem: StoredPostmortem,
    item?: PostmortemActionItem,
  ): Promise<{ entities: Entity[]; ownerEmail?: string }> {
    const ownerRef = item ? item.ownerRef : postmortem.ownerRef;
    const [affected, [owner]] = await Promise.all([
      this.fetch(postmortem.facts.entityRefs),
      ownerRef ? this.fetch([ownerRef]) : Promise.resolve([]),
    ]);
    const seen = new Set(postmortem.facts.entityRefs);
    const related = await this.fetch(
      affected.flatMap(ownerAndSystemRefs).filter(ref => {
        const fresh = !seen.has(ref);
        seen.add(ref);
        return fresh;
      }),
    );
    const email = (owner?.spec?.profile as { email?: unknown } | undefined)
      ?.email;
    return {
      entities: [...affected, ...related],
      ownerEmail: typeof email === 'string' ? email : undefined,
    };
  }

  /** Those of `refs` that are in the catalog, in order. */
  private async fetch(refs: string[]): Promise<Entity[]> {
    if (refs.length === 0) {
      return [];
    }
    const { catalog, auth } = this.options;
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: refs },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return items.filter((e): e is Entity => Boolean(e));
  }

  private names(refs: string[]): Promise<NameOf> {
    return (this.options.names ?? shortNames)(refs);
  }

  private describePostmortem(
    postmortem: StoredPostmortem,
    nameOf: NameOf,
  ): TrackerBlock[] {
    const { facts } = postmortem;
    const { urls } = this.options;
    const time = (instant: string) =>
      formatLocalTime(instant, this.options.timeZone);
    return [
      {
        type: 'paragraph',
        text: `Post-mortem of ${postmortem.incidentReference}: ${facts.incidentTitle}`,
      },
      {
        type: 'facts',
        items: [
          { label: 'Severity', value: postmortem.severity },
          { label: 'Started', value: time(facts.startedAt) },
          { label: 'Resolved', value: time(facts.resolvedAt) },
          { label: 'Duration', value: facts.duration },
          ...(facts.controllerRef
            ? [{ label: 'Controller', value: nameOf(facts.controllerRef) }]
            : []),
          {
            label: 'Affected',
            value: facts.entityRefs.map(shortRef).join(', '),
          },
          { label: 'Owner', value: nameOf(postmortem.ownerRef) },
          { label: 'Due', value: postmortem.dueDate },
        ],
      },
      ...(facts.impact
        ? [
            { type: 'heading' as const, text: 'Impact' },
            { type: 'paragraph' as const, text: facts.impact },
          ]
        : []),
      {
        type: 'link',
        text: `Write the post-mortem in Multivac (${postmortem.reference})`,
        href: urls.postmortem(postmortem.reference),
      },
      {
        type: 'link',
        text: `Incident ${postmortem.incidentReference}`,
        href: urls.incident(postmortem.incidentReference),
      },
    ];
  }

  private describeActionItem(
    postmortem: StoredPostmortem,
    item: PostmortemActionItem,
    nameOf: NameOf,
  ): TrackerBlock[] {
    return [
      {
        type: 'paragraph',
        text: `Action item from the post-mortem of ${postmortem.incidentReference}: ${postmortem.facts.incidentTitle}`,
      },
      {
        type: 'facts',
        items: [
          { label: 'Severity', value: postmortem.severity },
          ...(item.ownerRef
            ? [{ label: 'Owner', value: nameOf(item.ownerRef) }]
            : []),
          ...(item.dueDate ? [{ label: 'Due', value: item.dueDate }] : []),
        ],
      },
      {
        type: 'link',
        text: `${postmortem.reference} in Multivac`,
        href: this.options.urls.postmortem(postmortem.reference),
      },
    ];
  }

  /** The post-mortem in the portal, as its issues link to it. */
  private linkTo(postmortem: Pick<StoredPostmortem, 'reference'>) {
    return {
      href: this.options.urls.postmortem(postmortem.reference),
      text: `${postmortem.reference} in Multivac`,
    };
  }
}
