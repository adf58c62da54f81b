import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ACTIVE_INCIDENT_STATES,
  Alert,
  AlertGroup,
  AlertGroupDetails,
  AlertIntegrationInfo,
  AlertRoutePreview,
  AlertUrgency,
  Incident,
  PageRecord,
  Severity,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { Transaction } from '../database/Transaction';
import { IncidentActor, IncidentService } from '../incidents/IncidentService';
import { JobQueue } from '../jobs/JobQueue';
import { PagingService } from '../oncall/PagingService';
import { alertAdapterOf } from './adapters';
import { AlertFilter, AlertStore, DeadLetter } from './AlertStore';
import { AlertIntegration } from './integrations';
import { RouteCandidate, routeAlert } from './routeAlert';
import { NormalizedAlert } from './types';

const PROCESS = 'alert.process';
const PAGE_GROUP = 'alert.page-group';
const NOTE = 'alert.note';
const ACTOR = 'service:multivac';
/** How long dead letters and processed deliveries are kept. */
export const ALERT_RETENTION_DAYS = 7;
/** Alerts written on the timeline of an incident started from a group. */
const MAX_TIMELINE_ALERTS = 20;

/** What happened to one alert of a delivery. */
export interface IngestResult {
  alert: Alert;
  created: boolean;
  /** The group's page job was recorded by this alert. */
  paged: boolean;
}

/**
 * The rules of alerts, whoever asks: a delivery is stored (and the sender
 * answered) before anything else; a durable job then routes each alert to
 * a catalog entity, deduplicates it by its vendor identity, groups it with
 * the entity's alerts of the integration's rolling window, and pages the
 * entity's on-call once per group (high urgency only). An alert on an
 * entity with an active incident goes on that incident's timeline instead.
 */
export class AlertService {
  private readonly byId: Map<string, AlertIntegration>;

  constructor(
    private readonly options: {
      store: AlertStore;
      integrations: AlertIntegration[];
      jobs: JobQueue;
      paging: Pick<PagingService, 'page' | 'get' | 'acknowledge'>;
      incidents: Pick<IncidentService, 'list' | 'addNote' | 'declare'>;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {
    this.byId = new Map(options.integrations.map(i => [i.id, i]));
    options.jobs.registerHandler(PROCESS, job =>
      this.process(String(job.payload.deliveryId)),
    );
    options.jobs.registerHandler(PAGE_GROUP, job =>
      this.pageGroup(String(job.payload.groupId)),
    );
    options.jobs.registerHandler(NOTE, job =>
      this.note(String(job.incidentId), String(job.payload.text)),
    );
  }

  /** The configured integration; 404 when there is none. */
  integration(id: string): AlertIntegration {
    const integration = this.byId.get(id);
    if (!integration) {
      throw new NotFoundError(`No alert integration ${id}`);
    }
    return integration;
  }

  /**
   * Reads a vendor payload (400 naming what is missing when it cannot) and
   * stores the delivery with its processing job, in one transaction.
   */
  async receive(
    integrationId: string,
    payload: unknown,
  ): Promise<{ deliveryId: string; alerts: number }> {
    const integration = this.integration(integrationId);
    const alerts = alertAdapterOf(integration.vendor)(payload);
    const deliveryId = await this.options.store.recordDelivery(
      integration.id,
      alerts,
      async (tx, id) => {
        await this.options.jobs.enqueue(
          {
            type: PROCESS,
            idempotencyKey: `${PROCESS}:${id}`,
            payload: { deliveryId: id },
            // Processing leads to the page: chat traffic must not delay it.
            lane: 'paging',
          },
          tx,
        );
      },
    );
    return { deliveryId, alerts: alerts.length };
  }

  /** Keeps a payload no adapter could read, for the admins (7 days). */
  deadLetter(letter: Omit<DeadLetter, 'id' | 'receivedAt'>): Promise<string> {
    return this.options.store.addDeadLetter(letter);
  }

  listDeadLetters(limit = 100): Promise<DeadLetter[]> {
    return this.options.store.listDeadLetters(limit);
  }

  /** Removes dead letters and deliveries older than the retention. */
  prune(now = new Date()): Promise<number> {
    return this.options.store.pruneBefore(
      new Date(now.getTime() - ALERT_RETENTION_DAYS * 24 * 3600_000),
    );
  }

  list(filter: AlertFilter): Promise<{ items: Alert[]; totalCount: number }> {
    return this.options.store.listAlerts(filter);
  }

  async getGroup(id: string): Promise<AlertGroupDetails> {
    const group = await this.options.store.getGroup(id);
    if (!group) {
      throw new NotFoundError(`No alert group ${id}`);
    }
    return group;
  }

  /**
   * Declares an incident from the group on its entity (SEV2 for high
   * urgency, SEV3 for low, unless given), with the on-caller it paged as
   * responder; its alerts and their links go on the timeline, and its page
   * counts as the incident's (no second page). 409 when the group already
   * has an incident.
   */
  async startIncident(
    groupId: string,
    actor: IncidentActor,
    input: { title?: string; severity?: Severity } = {},
  ): Promise<Incident> {
    const { store, incidents, paging } = this.options;
    const group = await this.getGroup(groupId);
    if (group.incidentId) {
      throw new ConflictError(
        `Alert group ${group.id} already has incident ${group.incidentId}`,
      );
    }
    const page = group.pageId ? await paging.get(group.pageId) : undefined;
    const responder = page?.targets.find(t => t.userRef)?.userRef;
    const lead =
      group.alerts.find(a => a.status === 'firing') ?? group.alerts[0];
    const incident = await incidents.declare(
      {
        title: (
          input.title ?? `${shortRef(group.entityRef)}: ${lead.summary}`
        ).slice(0, 200),
        severity:
          input.severity ?? (group.urgency === 'high' ? 'SEV2' : 'SEV3'),
        entityRefs: [group.entityRef],
        description: `From alert group ${group.id}: ${group.alertCount} alert(s), ${group.firingCount} firing.`,
      },
      actor,
      {
        roles: responder ? [{ role: 'responder', userRef: responder }] : [],
        andThen: async (tx, incidentId) => {
          if (!(await store.attachIncident(tx, group.id, incidentId))) {
            throw new ConflictError(
              `Alert group ${group.id} already has an incident`,
            );
          }
        },
      },
    );
    const shown = group.alerts.slice(0, MAX_TIMELINE_ALERTS);
    for (const alert of shown) {
      await incidents.addNote(incident.id, noteText(alert), actor);
    }
    if (group.alerts.length > shown.length) {
      await incidents.addNote(
        incident.id,
        `… and ${group.alerts.length - shown.length} more alerts in group ${
          group.id
        }`,
        actor,
      );
    }
    return incident;
  }

  /** Acknowledges the page the group sent; 409 when it sent none. */
  async acknowledge(groupId: string, actor: string): Promise<PageRecord> {
    const group: AlertGroup = await this.getGroup(groupId);
    if (!group.pageId) {
      throw new ConflictError(`Alert group ${group.id} paged nobody`);
    }
    return this.options.paging.acknowledge(group.pageId, actor);
  }

  /** The urgency the integration gives a vendor severity. */
  urgencyOf(integration: AlertIntegration, severity?: string): AlertUrgency {
    return (severity && integration.urgency[severity.toLowerCase()]) || 'low';
  }

  /**
   * Where an alert goes: the first of `routeAlert`'s candidates that is in
   * the catalog, or none.
   */
  async route(
    alert: NormalizedAlert,
    integration: AlertIntegration,
    credentials?: BackstageCredentials,
  ): Promise<RouteCandidate | undefined> {
    const candidates = routeAlert(alert, integration);
    const known = await this.inCatalog(candidates, credentials);
    return candidates.find((_, i) => known[i]);
  }

  private async inCatalog(
    candidates: RouteCandidate[],
    credentials?: BackstageCredentials,
  ): Promise<boolean[]> {
    if (candidates.length === 0) {
      return [];
    }
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs: candidates.map(c => c.entityRef),
        fields: ['kind', 'metadata.name'],
      },
      {
        credentials:
          credentials ?? (await this.options.auth.getOwnServiceCredentials()),
      },
    );
    return items.map(Boolean);
  }

  /**
   * Where each alert of a sample payload would go, and what matched: the
   * same adapters and the same routing as live deliveries; nothing stored.
   */
  async preview(
    integrationId: string,
    sample: { payload: unknown } | { last: number },
    credentials: BackstageCredentials,
  ): Promise<AlertRoutePreview[]> {
    const integration = this.integration(integrationId);
    const alerts =
      'last' in sample
        ? (
            await this.options.store.listDeliveries(integration.id, sample.last)
          ).flatMap(d => d.alerts)
        : alertAdapterOf(integration.vendor)(sample.payload);
    const previews: AlertRoutePreview[] = [];
    for (const alert of alerts) {
      const candidates = routeAlert(alert, integration);
      const known = await this.inCatalog(candidates, credentials);
      const route = candidates.find((_, i) => known[i]);
      previews.push({
        dedupKey: alert.dedupKey,
        summary: alert.summary,
        status: alert.status,
        urgency: this.urgencyOf(integration, alert.severity),
        entityRef: route?.entityRef,
        matched: route?.matched,
        candidates: candidates.map((c, i) => ({ ...c, inCatalog: known[i] })),
      });
    }
    return previews;
  }

  /** The configured integrations, without their secrets. */
  listIntegrations(baseUrl: string): AlertIntegrationInfo[] {
    return this.options.integrations.map(i => ({
      id: i.id,
      name: i.name,
      vendor: i.vendor,
      url: `${baseUrl}/alerts/integrations/${i.id}`,
      secretCount: i.secrets.length,
      defaultEntityRef: i.defaultEntityRef,
      rules: i.rules.map(rule => ({
        match: Object.fromEntries(rule.match.map(m => [m.label, m.raw])),
        entityRef: rule.entityRef,
      })),
      urgency: i.urgency,
      groupWindowMinutes: i.groupWindowMinutes,
      managedBy: 'config',
    }));
  }

  /** The durable job of a stored delivery. */
  private async process(deliveryId: string): Promise<void> {
    const delivery = await this.options.store.getDelivery(deliveryId);
    if (!delivery) {
      return; // pruned
    }
    const integration = this.integration(delivery.integrationId);
    for (const alert of delivery.alerts) {
      await this.ingest(integration, alert);
    }
  }

  /**
   * Routes, deduplicates and groups one alert, and records the group's page
   * or the incident note as jobs in the same transaction.
   */
  async ingest(
    integration: AlertIntegration,
    alert: NormalizedAlert,
    now = new Date(),
  ): Promise<IngestResult> {
    const { store, jobs, logger } = this.options;
    const route = await this.route(alert, integration);
    if (!route) {
      logger.warn(
        `Alert ${alert.dedupKey} from integration ${integration.id} matches no catalog entity: stored, nobody paged`,
      );
    }
    const entityRef = route?.entityRef;
    const incidentId = entityRef && (await this.activeIncident(entityRef));
    const urgency = this.urgencyOf(integration, alert.severity);
    const fields = {
      status: alert.status,
      summary: alert.summary,
      severity: alert.severity,
      urgency,
      labels: alert.labels,
      links: alert.links,
    };

    return store.withEntityLock(entityRef, async tx => {
      const existing = await store.findAlert(
        tx,
        integration.id,
        alert.dedupKey,
      );
      let group = entityRef
        ? await store.latestGroup(tx, entityRef)
        : undefined;
      let groupId: string | undefined;
      if (existing) {
        groupId = existing.groupId;
        group = group?.id === groupId ? group : undefined;
      } else if (entityRef) {
        const windowStart =
          now.getTime() - integration.groupWindowMinutes * 60_000;
        if (!group || new Date(group.lastAlertAt).getTime() < windowStart) {
          group = await store.createGroup(tx, {
            entityRef,
            urgency,
            incidentId: incidentId || undefined,
          });
        }
        groupId = group.id;
      }
      const saved = existing
        ? await store.updateAlert(tx, existing.id, fields)
        : await store.insertAlert(tx, {
            ...fields,
            integrationId: integration.id,
            dedupKey: alert.dedupKey,
            entityRef,
            routedBy: route?.matched,
            groupId,
            incidentId: incidentId || undefined,
            startsAt: alert.startsAt,
          });
      const changed = !existing || existing.status !== saved.status;

      let paged = false;
      if (groupId && changed) {
        paged = await this.regroup(tx, {
          groupId,
          alert: saved,
          group,
          incidentId: incidentId || undefined,
          now,
        });
      }
      if (incidentId && changed) {
        await jobs.enqueue(
          {
            type: NOTE,
            idempotencyKey: `${NOTE}:${saved.id}:${saved.status}`,
            incidentId,
            payload: { text: noteText(saved) },
          },
          tx,
        );
      }
      return { alert: saved, created: !existing, paged };
    });
  }

  /** Brings the group up to date with a new or changed alert. */
  private async regroup(
    tx: Transaction,
    options: {
      groupId: string;
      alert: Alert;
      group?: { pageRequested: boolean; incidentId?: string };
      incidentId?: string;
      now: Date;
    },
  ): Promise<boolean> {
    const { store, jobs } = this.options;
    const { groupId, alert, group, now } = options;
    if (alert.status === 'resolved') {
      if ((await store.countFiring(tx, groupId)) === 0) {
        await store.updateGroup(tx, groupId, { status: 'resolved' });
      }
      return false;
    }
    await store.updateGroup(tx, groupId, {
      status: 'firing',
      lastAlertAt: now.toISOString(),
      urgency: alert.urgency === 'high' ? 'high' : undefined,
      incidentId: options.incidentId,
    });
    const attached = options.incidentId ?? group?.incidentId;
    if (alert.urgency !== 'high' || attached || !group || group.pageRequested) {
      return false;
    }
    await store.updateGroup(tx, groupId, { pageRequested: true });
    return jobs.enqueue(
      {
        type: PAGE_GROUP,
        idempotencyKey: `${PAGE_GROUP}:${groupId}`,
        payload: { groupId },
        lane: 'paging',
      },
      tx,
    );
  }

  private async activeIncident(entityRef: string): Promise<string | undefined> {
    const { items } = await this.options.incidents.list({
      entityRefs: [entityRef],
      statuses: [...ACTIVE_INCIDENT_STATES],
      limit: 1,
      offset: 0,
    });
    return items[0]?.id;
  }

  /** Pages the group's entity once; a retry after the page was stored does nothing. */
  private async pageGroup(groupId: string): Promise<void> {
    const { store, paging, auth, logger } = this.options;
    const group = await this.getGroup(groupId);
    if (group.pageId) {
      return;
    }
    const firing = group.alerts.filter(a => a.status === 'firing');
    const first = firing[0] ?? group.alerts[0];
    const more = group.alerts.length - 1;
    try {
      const page = await paging.page(
        {
          entityRef: group.entityRef,
          summary: `${shortRef(group.entityRef)}: ${first.summary}${
            more > 0 ? ` (+${more} more)` : ''
          }`,
          urgency: 'high',
          details: {
            alertGroup: group.id,
            alerts: group.alerts.slice(0, 20).map(a => ({
              summary: a.summary,
              severity: a.severity,
              status: a.status,
              links: a.links,
            })),
          },
        },
        await auth.getOwnServiceCredentials(),
        ACTOR,
      );
      await store.updateGroup(undefined, group.id, { pageId: page.id });
    } catch (error) {
      if (!(error instanceof NotFoundError)) {
        throw error;
      }
      logger.warn(
        `Alert group ${group.id} on ${group.entityRef}: nobody to page: ${error.message}`,
      );
    }
  }

  private async note(incidentId: string, text: string): Promise<void> {
    await this.options.incidents.addNote(incidentId, text, {
      ref: ACTOR,
      isUser: false,
    });
  }
}

function noteText(alert: Alert): string {
  return `Alert ${alert.status}: ${alert.summary}${
    alert.severity ? ` (${alert.severity})` : ''
  }${alert.links[0] ? ` ${alert.links[0]}` : ''}`;
}
