import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Incident,
  PageRecord,
  Postmortem,
  PostmortemActionItem,
  PostmortemStatus,
  roleHolder,
  TriageReport,
} from '@multivac/plugin-multivac-common';
import { IncidentStore } from '../database/IncidentStore';
import { WorkflowDeliveries } from '../service/WorkflowDeliveries';
import { businessDaysAfter, localDate } from './calendar';
import { postmortemMarkdown } from './markdown';
import {
  ActionItemChanges,
  PostmortemChanges,
  PostmortemFilter,
  PostmortemStore,
} from './PostmortemStore';
import { PostmortemTracking } from './PostmortemTracking';
import { prefillPostmortem, reportReferenceOf } from './prefill';
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
      store: PostmortemStore;
      incidents: IncidentStore;
      /** The triage report by reference (`RPT-3`). */
      findReport: (reference: string) => Promise<TriageReport | undefined>;
      /** Pages linked to the incident. */
      incidentPages: (incidentId: string) => Promise<PageRecord[]>;
      deliveries: WorkflowDeliveries;
      settings: PostmortemSettings;
      /** Absent without an issue tracker. */
      tracking?: PostmortemTracking;
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
      return { postmortem: existing, created: false };
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
    return store.create(
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
        await deliveries.postmortemChanged(postmortem, 'created', '', tx);
        await tracking?.trackPostmortem(tx, postmortemId, incident.id);
      },
    );
  }

  /** By id or reference (`PM-7`); 404 when there is none. */
  async get(idOrReference: string): Promise<Postmortem> {
    const postmortem = await this.options.store.get(idOrReference);
    if (!postmortem) {
      throw new NotFoundError(`No post-mortem ${idOrReference}`);
    }
    return postmortem;
  }

  /** By post-mortem id or reference, or by its incident's. */
  async find(idOrIncidentReference: string): Promise<Postmortem | undefined> {
    const { store, incidents } = this.options;
    const postmortem = await store.get(idOrIncidentReference);
    if (postmortem) {
      return postmortem;
    }
    const incident = await incidents.getIncident(idOrIncidentReference);
    return incident && store.getByIncident(incident.id);
  }

  /** 404 when the incident does not exist or has no post-mortem. */
  async getForIncident(incidentIdOrReference: string): Promise<Postmortem> {
    const incident = await this.findIncident(incidentIdOrReference);
    const postmortem = await this.options.store.getByIncident(incident.id);
    if (!postmortem) {
      throw new NotFoundError(`${incident.reference} has no post-mortem yet`);
    }
    return postmortem;
  }

  list(filter: PostmortemFilter) {
    return this.options.store.list(filter);
  }

  async update(
    idOrReference: string,
    changes: PostmortemChanges,
  ): Promise<Postmortem> {
    const { id } = await this.get(idOrReference);
    return this.options.store.update(id, changes);
  }

  async setStatus(
    idOrReference: string,
    to: PostmortemStatus,
    actor: string,
  ): Promise<Postmortem> {
    const postmortem = await this.get(idOrReference);
    return this.options.store.transition(postmortem.id, to, actor, tx =>
      this.options.deliveries.postmortemChanged(
        postmortem,
        'status',
        `${to}:${new Date().toISOString()}`,
        tx,
      ),
    );
  }

  async addActionItem(
    idOrReference: string,
    input: { title: string; ownerRef?: string; dueDate?: string },
    actor: string,
  ): Promise<PostmortemActionItem> {
    const { store, tracking } = this.options;
    const postmortem = await this.get(idOrReference);
    return store.addActionItem(
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
    return this.options.store.updateActionItem(id, itemId, changes);
  }

  async deleteActionItem(idOrReference: string, itemId: string) {
    const { id } = await this.get(idOrReference);
    await this.options.store.deleteActionItem(id, itemId);
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
    const { store, deliveries } = this.options;
    const today = localDate(this.timeZone, now);
    let reminded = 0;
    for (const id of await store.listDueForReminder(today)) {
      const recorded = await store.markReminded(id, today, (tx, postmortem) =>
        deliveries.postmortemChanged(postmortem, 'due', today, tx),
      );
      reminded += recorded ? 1 : 0;
    }
    return reminded;
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
