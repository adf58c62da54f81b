import { ConflictError, NotFoundError } from '@backstage/errors';
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
import { IncidentStore } from '../database/IncidentStore';
import { PostmortemDeliveries } from '../deliveries/kinds';
import { ActionItemChanges, ActionItemStore } from './ActionItemStore';
import { businessDaysAfter, localDate } from './calendar';
import { postmortemMarkdown } from './markdown';
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
      /** Where post-mortems and incidents are in the portal. */
      urls: PostmortemUrls;
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
    const { facts, sections } = prefillPostmortem(
      await this.recordOf(incident),
      settings.template,
    );
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

  async list(filter: PostmortemFilter): Promise<PostmortemList> {
    const view = this.view();
    const { items, totalCount } = await this.options.store.list(
      filter,
      view.today,
    );
    return { items: items.map(item => presentSummary(item, view)), totalCount };
  }

  async update(
    idOrReference: string,
    changes: PostmortemChanges,
  ): Promise<Postmortem> {
    const { id } = await this.get(idOrReference);
    return this.present(await this.options.store.update(id, changes));
  }

  async setStatus(
    idOrReference: string,
    to: PostmortemStatus,
    actor: string,
  ): Promise<Postmortem> {
    const postmortem = await this.get(idOrReference);
    const { store } = this.options;
    const stored = await store.transition(postmortem.id, to, actor, tx =>
      this.options.deliveries.changed(
        postmortem,
        'status',
        `${to}:${new Date().toISOString()}`,
        tx,
      ),
    );
    return this.present(stored);
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
      },
    );
  }

  async updateActionItem(
    idOrReference: string,
    itemId: string,
    changes: ActionItemChanges,
  ): Promise<PostmortemActionItem> {
    const { id } = await this.get(idOrReference);
    return this.options.actionItems.update(id, itemId, changes);
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
    return {
      filename: `${postmortem.reference}.md`,
      text: postmortemMarkdown(postmortem, this.timeZone),
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

  /** With its action items, whether it is overdue and its links. */
  private async present(stored: StoredPostmortem): Promise<Postmortem> {
    const actionItems = await this.options.actionItems.list(stored.id);
    return presentPostmortem(stored, actionItems, this.view());
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
