import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  Incident,
  PageRecord,
  Postmortem,
  PostmortemActionItem,
  PostmortemList,
  PostmortemStatus,
  roleHolder,
  TriageReport,
} from '@multivac/plugin-multivac-common';
import type { AssignedActionItemList } from '@multivac/plugin-multivac-common';
import { IncidentStore } from '../database/IncidentStore';
import { Transaction } from '../database/Transaction';
import { PostmortemDeliveries } from '../deliveries/kinds';
import { ActionItemChanges, ActionItemStore } from './ActionItemStore';
import { businessDaysAfter, localDate } from './calendar';
import { postmortemMarkdown } from './markdown';
import {
  NameOf,
  PeopleNames,
  refsInText,
  shortNames,
} from '../service/peopleNames';
import { PostmortemFollowUpStore } from './PostmortemFollowUpStore';
import {
  PostmortemChanges,
  PostmortemFilter,
  PostmortemStore,
  StoredPostmortem,
} from './PostmortemStore';
import { PostmortemTracking } from './PostmortemTracking';
import { prefillPostmortem, reportReferenceOf } from './prefill';
import {
  PostmortemUrls,
  PostmortemView,
  presentPostmortem,
  presentSummary,
} from './present';
import { approvalCounts, reviewOf } from './review';
import { PostmortemSettings } from './settings';

/**
 * Post-mortems of resolved incidents: created once per incident with what
 * Multivac knows, written by people, reviewed and published; their changes
 * go to post-mortem subscribers and, when a tracker is configured, their
 * issues are filed by durable jobs.
 */
export class PostmortemService {
  constructor(
    private readonly options: {
      /** The post-mortems themselves. */
      store: PostmortemStore;
      actionItems: ActionItemStore;
      /** Where overdue reminders are recorded. */
      followUp: PostmortemFollowUpStore;
      incidents: IncidentStore;
      /** The triage report by reference (`RPT-3`). */
      findReport: (reference: string) => Promise<TriageReport | undefined>;
      /** Pages linked to the incident. */
      incidentPages: (incidentId: string) => Promise<PageRecord[]>;
      deliveries: PostmortemDeliveries;
      settings: PostmortemSettings;
      /** Absent without an issue tracker. */
      tracking?: PostmortemTracking;
      /**
       * An action item was given an owner (added with one, or its owner
       * set): runs in the change's transaction, e.g. to record the job that
       * notifies the owner.
       */
      actionItemAssigned?: (
        tx: Transaction,
        assignment: {
          itemId: string;
          ownerRef: string;
          postmortem: Postmortem;
        },
      ) => Promise<void>;
      /** Where post-mortems and incidents are in the portal. */
      urls: PostmortemUrls;
      /**
       * Who reviews a new post-mortem by default: the members of the teams
       * owning the incident's entities. None when absent.
       */
      defaultReviewers?: (entityRefs: string[]) => Promise<string[]>;
      /**
       * Names the people the backend's own texts mention (review blockers,
       * refusals, the Markdown export, the pre-filled Impact) by display
       * name; without it, by short name.
       */
      names?: PeopleNames;
      /**
       * Today's date (YYYY-MM-DD), which decides what is overdue; by default
       * the day in the configured time zone.
       */
      today?: () => string;
    },
  ) {}

  get timeZone(): string {
    return this.options.settings.timeZone;
  }

  /**
   * The incident's post-mortem: created from the resolved incident (409
   * while it is not), or the one it already has.
   */
  async create(
    incidentIdOrReference: string,
    actor: string,
  ): Promise<{ postmortem: Postmortem; created: boolean }> {
    const { store, settings, tracking, deliveries } = this.options;
    const incident = await this.findIncident(incidentIdOrReference);
    const existing = await store.getByIncident(incident.id);
    if (existing) {
      return { postmortem: await this.present(existing), created: false };
    }
    if (incident.status !== 'resolved' || !incident.stateTimestamps.resolved) {
      throw new ConflictError(
        `${incident.reference} is ${incident.status}: its post-mortem can be written once it is resolved`,
      );
    }
    const [{ facts, sections }, reviewerRefs] = await Promise.all([
      this.recordOf(incident).then(async record =>
        prefillPostmortem(record, settings.template, {
          nameOf: await this.names(
            record.report ? [record.report.reportedBy] : [],
          ),
          timeZone: settings.timeZone,
        }),
      ),
      this.options.defaultReviewers?.(incident.entityRefs) ?? [],
    ]);
    const { postmortem: stored, created } = await store.create(
      {
        incidentId: incident.id,
        title: `Post-mortem: ${incident.title}`,
        severity: incident.severity,
        ownerRef: roleHolder(incident, 'controller') ?? actor,
        dueDate: businessDaysAfter(
          facts.resolvedAt,
          settings.dueBusinessDays,
          settings.timeZone,
        ),
        facts,
        sections,
        createdBy: actor,
        reviewerRefs,
        tracked: Boolean(tracking),
      },
      async (tx, postmortemId) => {
        const postmortem = { id: postmortemId, incidentId: incident.id };
        await deliveries.changed(postmortem, 'created', '', tx);
        await tracking?.trackPostmortem(tx, postmortemId, incident.id);
      },
    );
    return { postmortem: await this.present(stored), created };
  }

  /** By id or reference (`PM-7`); 404 when there is none. */
  async get(idOrReference: string): Promise<Postmortem> {
    const postmortem = await this.options.store.get(idOrReference);
    if (!postmortem) {
      throw new NotFoundError(`No post-mortem ${idOrReference}`);
    }
    return this.present(postmortem);
  }

  /** By post-mortem id or reference, or by its incident's. */
  async find(idOrIncidentReference: string): Promise<Postmortem | undefined> {
    const { store, incidents } = this.options;
    let postmortem = await store.get(idOrIncidentReference);
    if (!postmortem) {
      const incident = await incidents.getIncident(idOrIncidentReference);
      postmortem = incident && (await store.getByIncident(incident.id));
    }
    return postmortem && this.present(postmortem);
  }

  /** 404 when the incident does not exist or has no post-mortem. */
  /** The incident's post-mortem; undefined when it has none yet (404 for an unknown incident). */
  async findForIncident(
    incidentIdOrReference: string,
  ): Promise<Postmortem | undefined> {
    const incident = await this.findIncident(incidentIdOrReference);
    const postmortem = await this.options.store.getByIncident(incident.id);
    return postmortem && this.present(postmortem);
  }

  /** One person's action items across post-mortems (`GET /action-items`). */
  listActionItemsByOwner(
    filter: Parameters<ActionItemStore['listByOwner']>[0],
  ): Promise<AssignedActionItemList> {
    return this.options.actionItems.listByOwner(filter);
  }

  async list(filter: PostmortemFilter): Promise<PostmortemList> {
    const view = this.view();
    const { items, totalCount } = await this.options.store.list(
      filter,
      view.today,
    );
    return { items: items.map(item => presentSummary(item, view)), totalCount };
  }

  /** 409 when it is published (reopen it first). */
  async update(
    idOrReference: string,
    changes: PostmortemChanges,
    actor: string,
  ): Promise<Postmortem> {
    const { id } = await this.get(idOrReference);
    return this.present(await this.options.store.update(id, changes, actor));
  }

  /**
   * Moves it along its lifecycle. Publishing needs (409 otherwise, naming
   * what is missing) the required sections written, an action item when
   * they are required, and the approval of a reviewer (see `approvalCounts`
   * for the owner's own approval).
   */
  async setStatus(
    idOrReference: string,
    to: PostmortemStatus,
    actor: string,
  ): Promise<Postmortem> {
    const postmortem = await this.get(idOrReference);
    const { store } = this.options;
    const nameOf = await this.names(postmortem.reviewerRefs);
    const stored = await store.transition(
      postmortem.id,
      to,
      actor,
      async (tx, before) => {
        if (to === 'published') {
          const { blockers } = reviewOf(
            before,
            before.actionItemCount,
            this.rules(),
            nameOf,
          );
          if (blockers.length > 0) {
            throw new ConflictError(
              `${postmortem.reference} cannot be published yet: ${blockers.join(
                '; ',
              )}`,
            );
          }
        }
        await this.statusChanged(postmortem, to, tx);
      },
    );
    return this.present(stored);
  }

  /**
   * The reviewer approves the post-mortem in review. 403 for someone who is
   * not one of its reviewers; 409 when it is not in review, or when the
   * reviewer is its owner and another reviewer is listed.
   */
  async approve(idOrReference: string, actor: string): Promise<Postmortem> {
    const postmortem = await this.get(idOrReference);
    const nameOf = await this.names(postmortem.reviewerRefs);
    const names = (refs: string[]) => refs.map(nameOf).join(', ');
    const stored = await this.options.store.approve(
      postmortem.id,
      actor,
      async (_tx, before) => {
        const { reference } = postmortem;
        if (!before.reviewerRefs.includes(actor)) {
          throw new NotAllowedError(
            `You are not a reviewer of ${reference}; ${
              before.reviewerRefs.length
                ? `its reviewers are ${names(before.reviewerRefs)}`
                : 'it has no reviewers yet'
            }`,
          );
        }
        if (before.status !== 'in_review') {
          throw new ConflictError(
            `${reference} is ${before.status}: it can be approved while it is in review`,
          );
        }
        if (!approvalCounts(before, actor)) {
          throw new ConflictError(
            `${reference} is yours to write: another of its reviewers (${names(
              before.reviewerRefs.filter(r => r !== actor),
            )}) must approve it`,
          );
        }
      },
    );
    return this.present(stored);
  }

  /**
   * A published post-mortem becomes a draft again, to be changed and
   * reviewed anew; the reason goes on its timeline. 409 unless published.
   */
  async reopen(
    idOrReference: string,
    reason: string,
    actor: string,
  ): Promise<Postmortem> {
    const postmortem = await this.get(idOrReference);
    const stored = await this.options.store.reopen(
      postmortem.id,
      actor,
      reason,
      tx => this.statusChanged(postmortem, 'draft', tx),
    );
    return this.present(stored);
  }

  private statusChanged(
    postmortem: Postmortem,
    to: PostmortemStatus,
    tx: Transaction,
  ): Promise<void> {
    return this.options.deliveries.changed(
      postmortem,
      'status',
      `${to}:${new Date().toISOString()}`,
      tx,
    );
  }

  private names(refs: string[]): Promise<NameOf> {
    return (this.options.names ?? shortNames)(refs);
  }

  private rules() {
    const { requiredSections, requireActionItems } = this.options.settings;
    return { requiredSections, requireActionItems };
  }

  async addActionItem(
    idOrReference: string,
    input: { title: string; ownerRef?: string; dueDate?: string },
    actor: string,
  ): Promise<PostmortemActionItem> {
    const { actionItems, tracking } = this.options;
    const postmortem = await this.get(idOrReference);
    return actionItems.add(
      postmortem.id,
      { ...input, createdBy: actor, tracked: Boolean(tracking) },
      async (tx, item) => {
        await tracking?.trackActionItem(item.id, postmortem.incidentId, tx);
        if (item.ownerRef) {
          await this.options.actionItemAssigned?.(tx, {
            itemId: item.id,
            ownerRef: item.ownerRef,
            postmortem,
          });
        }
      },
    );
  }

  async updateActionItem(
    idOrReference: string,
    itemId: string,
    changes: ActionItemChanges,
  ): Promise<PostmortemActionItem> {
    const postmortem = await this.get(idOrReference);
    const { ownerRef } = changes;
    const assigned = this.options.actionItemAssigned;
    return this.options.actionItems.update(
      postmortem.id,
      itemId,
      changes,
      typeof ownerRef === 'string' && assigned
        ? tx => assigned(tx, { itemId, ownerRef, postmortem })
        : undefined,
    );
  }

  async deleteActionItem(idOrReference: string, itemId: string) {
    const { id } = await this.get(idOrReference);
    await this.options.actionItems.delete(id, itemId);
  }

  /** The post-mortem as a Markdown document and a file name for it. */
  async markdown(
    idOrReference: string,
  ): Promise<{ filename: string; text: string }> {
    const postmortem = await this.get(idOrReference);
    const { facts } = postmortem;
    const nameOf = await this.names([
      ...(facts.controllerRef ? [facts.controllerRef] : []),
      ...facts.participantRefs,
      ...(facts.report ? [facts.report.reportedBy] : []),
      postmortem.ownerRef,
      ...postmortem.reviewerRefs,
      ...(postmortem.publishedBy ? [postmortem.publishedBy] : []),
      ...postmortem.actionItems.flatMap(item =>
        item.ownerRef ? [item.ownerRef] : [],
      ),
      ...facts.timeline.flatMap(entry => [
        ...(entry.actor ? [entry.actor] : []),
        ...refsInText(entry.text),
      ]),
    ]);
    return {
      filename: `${postmortem.reference}.md`,
      text: postmortemMarkdown(postmortem, this.timeZone, nameOf),
    };
  }

  /**
   * Sends a `due` change for each overdue post-mortem not reminded today
   * (in the configured zone); returns how many were reminded. Safe to run on
   * several replicas at once: each reminder is recorded once per day.
   */
  async remindOverdue(now: Date = new Date()): Promise<number> {
    const { followUp, deliveries } = this.options;
    const today = localDate(this.timeZone, now);
    let reminded = 0;
    for (const id of await followUp.listDueForReminder(today)) {
      const marked = await followUp.markReminded(id, today, (tx, postmortem) =>
        deliveries.changed(postmortem, 'due', today, tx),
      );
      reminded += marked ? 1 : 0;
    }
    return reminded;
  }

  /** What the post-mortems are shown with now. */
  private view(): PostmortemView {
    const { today, urls } = this.options;
    return { today: today?.() ?? localDate(this.timeZone), urls };
  }

  /**
   * With its action items, what publishing waits for, whether it is overdue
   * and its links.
   */
  private async present(stored: StoredPostmortem): Promise<Postmortem> {
    const actionItems = await this.options.actionItems.list(stored.id);
    const { requiredSections } = this.options.settings;
    return presentPostmortem(
      {
        ...stored,
        sections: stored.sections.map(section => ({
          ...section,
          required: requiredSections.includes(section.id),
        })),
      },
      actionItems,
      reviewOf(
        stored,
        actionItems.length,
        this.rules(),
        await this.names(stored.reviewerRefs),
      ),
      this.view(),
    );
  }

  private async findIncident(idOrReference: string): Promise<Incident> {
    const incident = await this.options.incidents.getIncident(idOrReference);
    if (!incident) {
      throw new NotFoundError(`No incident ${idOrReference}`);
    }
    return incident;
  }

  private async recordOf(incident: Incident) {
    const { incidents, findReport, incidentPages } = this.options;
    const [timeline, pages] = await Promise.all([
      incidents.getTimeline(incident.id),
      incidentPages(incident.id),
    ]);
    const reportReference = reportReferenceOf(timeline);
    const report = reportReference
      ? await findReport(reportReference)
      : undefined;
    return { incident, timeline, pages, report };
  }
}
