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
  AlertIntegrationSecret,
  AlertRoutePreview,
  AlertUrgency,
  CreateAlertIntegrationRequest,
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
import {
  AlertFilter,
  AlertStore,
  DeadLetter,
  GroupChanges,
  LatestGroup,
} from './AlertStore';
import { AlertIntegrations } from './AlertIntegrations';
import { AlertWrites } from './AlertWrites';
import { CatalogExistence } from './CatalogExistence';
import { GroupCommit, GroupCommitOptions } from './GroupCommit';
import { AlertIntegration } from './integrations';
import { RouteCandidate, routeAlert } from './routeAlert';
import { TicketReports } from './TicketReports';
import { NormalizedAlert } from './types';
import { Verdict } from './verifySender';
import { IncomingHttpHeaders } from 'node:http';

const PROCESS = 'alert.process';
const PAGE_GROUP = 'alert.page-group';
const NOTE = 'alert.note';
const RESOLVE_PAGE = 'alert.resolve-page';
const ACTOR = 'service:multivac';
/** How long dead letters and processed deliveries are kept. */
export const ALERT_RETENTION_DAYS = 7;
/** Alerts written on the timeline of an incident started from a group. */
const MAX_TIMELINE_ALERTS = 20;
/**
 * Processing jobs of an integration that run together when a backlog has
 * built up (a burst): their deliveries are grouped in one transaction.
 */
const PROCESS_JOBS_TOGETHER = 20;

/**
 * Group commit of deliveries: up to 100 in one transaction, the first
 * waiting at most 2 ms for others when no commit is under way, at most 2
 * transactions at once (while they run, the next batch gathers).
 */
export const DEFAULT_INGEST_BATCHING = {
  maxBatch: 100,
  maxWaitMs: 2,
  maxInFlight: 2,
};

/** A delivery read by its adapter, waiting to be stored. */
interface Incoming {
  integrationId: string;
  alerts: NormalizedAlert[];
}

/** Active incidents by entity, shared by the alerts of one job. */
type ActiveIncidents = Map<string, Promise<string | undefined>>;

/** An alert with where it goes, ready to be grouped. */
interface Routed {
  integration: AlertIntegration;
  alert: NormalizedAlert;
  route?: RouteCandidate;
  incidentId?: string;
  /** The delivery it came with ('' when ingested directly). */
  deliveryId: string;
}

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
  private readonly catalogExistence: CatalogExistence;
  /** Concurrent deliveries, stored in shared transactions. */
  readonly deliveries: GroupCommit<Incoming, string>;

  constructor(
    private readonly options: {
      store: AlertStore;
      integrations: AlertIntegrations;
      jobs: JobQueue;
      paging: Pick<PagingService, 'page' | 'get' | 'acknowledge' | 'resolve'>;
      incidents: Pick<IncidentService, 'list' | 'addNote' | 'declare'>;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /**
       * Tells subscribers (e.g. the team's Slack channel) that a group that
       * pages opened, in the transaction that records its page.
       */
      groupOpened?: (tx: Transaction, groupId: string) => Promise<void>;
      /**
       * Tells subscribers that a group was turned into an incident (from
       * the portal, REST or chat alike), in the transaction that links it.
       */
      incidentStarted?: (tx: Transaction, groupId: string) => Promise<void>;
      /** Where Zendesk deliveries go (they become reports). */
      tickets?: TicketReports;
      /** How concurrent deliveries share commits (see `GroupCommit`). */
      ingestBatching?: Partial<
        Pick<
          GroupCommitOptions<unknown, unknown>,
          'maxBatch' | 'maxWaitMs' | 'maxInFlight'
        >
      >;
    },
  ) {
    this.catalogExistence = new CatalogExistence(options.catalog, options.auth);
    this.deliveries = new GroupCommit({
      maxBatch: DEFAULT_INGEST_BATCHING.maxBatch,
      maxWaitMs: DEFAULT_INGEST_BATCHING.maxWaitMs,
      maxInFlight: DEFAULT_INGEST_BATCHING.maxInFlight,
      ...options.ingestBatching,
      commit: batch => this.recordDeliveries(batch),
      onSplit: (error, size) =>
        options.logger.warn(
          `Storing ${size} alert deliveries together failed, storing them one by one: ${error}`,
        ),
    });
    options.jobs.registerBatchHandler(
      PROCESS,
      jobs => this.process(jobs.flatMap(job => deliveryIdsOf(job.payload))),
      { maxJobs: PROCESS_JOBS_TOGETHER },
    );
    options.jobs.registerHandler(PAGE_GROUP, job =>
      this.pageGroup(String(job.payload.groupId)),
    );
    options.jobs.registerHandler(NOTE, job =>
      this.note(String(job.incidentId), String(job.payload.text)),
    );
    options.jobs.registerHandler(RESOLVE_PAGE, job =>
      this.resolvePage(String(job.payload.groupId)),
    );
  }

  /** The integration (config or portal); 404 when there is none. */
  integration(id: string): Promise<AlertIntegration> {
    return this.options.integrations.get(id);
  }

  /** The integration a delivery is for, and whether its sender signed it. */
  authenticate(
    integrationId: string,
    headers: IncomingHttpHeaders,
    rawBody: Buffer,
  ): Promise<{ integration: AlertIntegration; verdict: Verdict }> {
    return this.options.integrations.authenticate(
      integrationId,
      headers,
      rawBody,
    );
  }

  /**
   * Reads a vendor payload (400 naming what is missing when it cannot) and
   * stores the delivery with its processing job, in one transaction shared
   * with the deliveries that arrive at the same time (group commit); it
   * resolves once that transaction committed. A Zendesk delivery becomes a
   * triage report instead (once per ticket).
   */
  async receive(
    integrationOrId: AlertIntegration | string,
    payload: unknown,
  ): Promise<
    | { deliveryId: string; alerts: number }
    | { reportId: string; reference?: string; created: boolean }
  > {
    const integration =
      typeof integrationOrId === 'string'
        ? await this.integration(integrationOrId)
        : integrationOrId;
    if (integration.vendor === 'zendesk' && this.options.tickets) {
      return this.options.tickets.receive(integration, payload);
    }
    const alerts = alertAdapterOf(integration.vendor)(payload);
    const deliveryId = await this.deliveries.submit({
      integrationId: integration.id,
      alerts,
    });
    return { deliveryId, alerts: alerts.length };
  }

  /**
   * Stores a batch of deliveries and ONE processing job per integration in
   * it, in one transaction. An integration's jobs run one at a time in the
   * order stored (their order key), so a resolve never overtakes its firing.
   */
  private recordDeliveries(batch: Incoming[]): Promise<string[]> {
    const { store, jobs } = this.options;
    return store.recordDeliveries(batch, async (tx, ids) => {
      const byIntegration = new Map<string, string[]>();
      batch.forEach(({ integrationId }, i) => {
        const same = byIntegration.get(integrationId) ?? [];
        same.push(ids[i]);
        byIntegration.set(integrationId, same);
      });
      for (const [integrationId, deliveryIds] of byIntegration) {
        await jobs.enqueue(
          {
            type: PROCESS,
            idempotencyKey:
              deliveryIds.length === 1
                ? `${PROCESS}:${deliveryIds[0]}`
                : `${PROCESS}:batch:${deliveryIds[0]}`,
            payload:
              deliveryIds.length === 1
                ? { deliveryId: deliveryIds[0] }
                : { deliveryIds },
            // Processing leads to the page: chat traffic must not delay it.
            lane: 'paging',
            orderKey: `${PROCESS}:${integrationId}`,
          },
          tx,
        );
      }
    });
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
          await this.options.incidentStarted?.(tx, group.id);
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
    const { pageId } = await this.pagedGroup(groupId);
    return this.options.paging.acknowledge(pageId, actor);
  }

  /** The group with the page it sent; 409 when it paged nobody. */
  async pagedGroup(groupId: string): Promise<AlertGroup & { pageId: string }> {
    const group: AlertGroup = await this.getGroup(groupId);
    if (!group.pageId) {
      throw new ConflictError(`Alert group ${group.id} paged nobody`);
    }
    return { ...group, pageId: group.pageId };
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
    alert: Pick<NormalizedAlert, 'labels' | 'entityHint'>,
    integration: AlertIntegration,
    credentials?: BackstageCredentials,
  ): Promise<RouteCandidate | undefined> {
    const candidates = routeAlert(alert, integration);
    const known = await this.inCatalog(candidates, credentials);
    return candidates.find((_, i) => known[i]);
  }

  /**
   * Whether each candidate is in the catalog: live routing (no user
   * credentials) asks the short-lived cache, so that a storm on one service
   * does not ask the catalog once per alert; a preview asks the catalog as
   * the signed-in user.
   */
  private async inCatalog(
    candidates: RouteCandidate[],
    credentials?: BackstageCredentials,
  ): Promise<boolean[]> {
    const refs = candidates.map(c => c.entityRef);
    if (!credentials) {
      return this.catalogExistence.exist(refs);
    }
    if (refs.length === 0) {
      return [];
    }
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: refs, fields: ['kind', 'metadata.name'] },
      { credentials },
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
    const integration = await this.integration(integrationId);
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

  /** The integrations, config and portal, without their secrets. */
  async listIntegrations(baseUrl: string): Promise<AlertIntegrationInfo[]> {
    return (await this.options.integrations.list()).map(i =>
      integrationInfo(i, baseUrl),
    );
  }

  /** A portal integration; its secret is in the answer, and only there. */
  async createIntegration(
    request: CreateAlertIntegrationRequest,
    createdBy: string,
    baseUrl: string,
  ): Promise<AlertIntegrationSecret> {
    const created = await this.options.integrations.create(request, createdBy);
    return {
      integration: integrationInfo(created.integration, baseUrl),
      secret: created.secret,
    };
  }

  /** A new secret; the old one stays valid for `graceMinutes`. */
  async rotateIntegrationSecret(
    id: string,
    graceMinutes: number,
    baseUrl: string,
  ): Promise<AlertIntegrationSecret> {
    const rotated = await this.options.integrations.rotate(id, graceMinutes);
    return {
      integration: integrationInfo(rotated.integration, baseUrl),
      secret: rotated.secret,
    };
  }

  /** Removes a portal integration (409 for a config one); its alerts stay. */
  deleteIntegration(id: string): Promise<void> {
    return this.options.integrations.delete(id);
  }

  /**
   * The durable job of stored deliveries (`deliveryId`, or `deliveryIds`
   * for a batch): every alert is routed first (the catalog and the active
   * incidents looked up once for the batch), then all of them are
   * deduplicated and grouped in ONE transaction, in the order they arrived,
   * under the locks of their entities (see `AlertWrites` for its
   * statements). When that transaction fails, the alerts of each entity are
   * grouped in one of their own, and when that fails too, each alert alone;
   * a delivery whose alert still fails gets a job of its own (retried with
   * back-off) instead of failing its batch-mates.
   */
  private async process(ids: string[]): Promise<void> {
    const { store, jobs, logger } = this.options;
    const batch = ids.length > 1;
    // Pruned deliveries are gone: nothing to do for them.
    const deliveries = await store.getDeliveries(ids);
    const integrations = new Map<string, Promise<AlertIntegration>>();
    const now = new Date();
    const failed = new Set<string>();
    const fail = async (deliveryId: string, error: unknown) => {
      if (!batch) {
        throw error;
      }
      if (failed.has(deliveryId)) {
        return;
      }
      failed.add(deliveryId);
      logger.warn(
        `Alert delivery ${deliveryId} failed in its batch, retried alone: ${error}`,
      );
      // Not the key of a job of that delivery alone: it may be this one.
      await jobs.enqueue({
        type: PROCESS,
        idempotencyKey: `${PROCESS}:alone:${deliveryId}`,
        payload: { deliveryId },
        lane: 'paging',
      });
    };

    const routed: Routed[] = [];
    for (const delivery of deliveries) {
      try {
        let integration = integrations.get(delivery.integrationId);
        if (!integration) {
          integration = this.integration(delivery.integrationId);
          integrations.set(delivery.integrationId, integration);
        }
        for (const alert of delivery.alerts) {
          routed.push(await this.routed(await integration, alert, delivery.id));
        }
      } catch (error) {
        await fail(delivery.id, error);
      }
    }
    const incidents = await this.activeIncidents(routed);
    for (const item of routed) {
      if (!failed.has(item.deliveryId)) {
        try {
          item.incidentId = await this.incidentOf(item, incidents);
        } catch (error) {
          await fail(item.deliveryId, error);
        }
      }
    }
    const ready = routed.filter(item => !failed.has(item.deliveryId));
    if (ready.length > 1 && (await this.ingestTogether(ready, now))) {
      return;
    }
    const byEntity = new Map<string | undefined, Routed[]>();
    for (const item of ready) {
      const list = byEntity.get(item.route?.entityRef) ?? [];
      list.push(item);
      byEntity.set(item.route?.entityRef, list);
    }
    for (const [entityRef, items] of byEntity) {
      if (
        entityRef !== undefined &&
        items.length > 1 &&
        items.length < ready.length &&
        (await this.ingestTogether(items, now))
      ) {
        continue;
      }
      for (const item of items) {
        if (failed.has(item.deliveryId)) {
          continue;
        }
        try {
          await this.ingestAll([item], now);
        } catch (error) {
          await fail(item.deliveryId, error);
        }
      }
    }
  }

  /** Alerts in one transaction; false (nothing stored) when it failed. */
  private async ingestTogether(items: Routed[], now: Date): Promise<boolean> {
    try {
      await this.ingestAll(items, now);
      return true;
    } catch (error) {
      const entities = new Set(items.map(item => item.route?.entityRef));
      this.options.logger.warn(
        `Grouping ${items.length} alerts on ${entities.size} entities together failed, in smaller transactions now: ${error}`,
      );
      return false;
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
    const item = await this.routed(integration, alert, '');
    item.incidentId = await this.incidentOf(
      item,
      await this.activeIncidents([item]),
    );
    const [result] = await this.ingestAll([item], now);
    return result;
  }

  /** Where the alert goes. */
  private async routed(
    integration: AlertIntegration,
    alert: NormalizedAlert,
    deliveryId: string,
  ): Promise<Routed> {
    const route = await this.route(alert, integration);
    if (!route) {
      this.options.logger.warn(
        `Alert ${alert.dedupKey} from integration ${integration.id} matches no catalog entity: stored, nobody paged`,
      );
    }
    return { integration, alert, route, deliveryId };
  }

  /**
   * The active incidents of the alerts' entities, as far as one look-up
   * for all of them tells: none at all (the usual case), or the one of the
   * only entity. Otherwise (or when that look-up failed) each entity is
   * looked up on its own when asked (`incidentOf`).
   */
  private async activeIncidents(items: Routed[]): Promise<ActiveIncidents> {
    const refs = [
      ...new Set(items.flatMap(item => item.route?.entityRef ?? [])),
    ];
    const incidents: ActiveIncidents = new Map();
    if (refs.length === 0) {
      return incidents;
    }
    let found: { items: Incident[]; totalCount: number };
    try {
      found = await this.listActiveIncidents(refs);
    } catch {
      // e.g. the entities stand for more than a filter may hold: one by one.
      return incidents;
    }
    if (found.totalCount === 0 || refs.length === 1) {
      const answer = Promise.resolve(found.items[0]?.id);
      refs.forEach(ref => incidents.set(ref, answer));
    }
    return incidents;
  }

  /** The active incident of the alert's entity, looked up once per entity. */
  private async incidentOf(
    item: Routed,
    incidents: ActiveIncidents,
  ): Promise<string | undefined> {
    const entityRef = item.route?.entityRef;
    if (!entityRef) {
      return undefined;
    }
    let active = incidents.get(entityRef);
    if (!active) {
      active = this.listActiveIncidents([entityRef]).then(
        ({ items }) => items[0]?.id,
      );
      incidents.set(entityRef, active);
      // A failed look-up is not kept for the next alerts.
      active.catch(() => incidents.delete(entityRef));
    }
    return (await active) || undefined;
  }

  private listActiveIncidents(entityRefs: string[]) {
    return this.options.incidents.list({
      entityRefs,
      statuses: [...ACTIVE_INCIDENT_STATES],
      limit: 1,
      offset: 0,
    });
  }

  /**
   * Alerts in one transaction that holds the locks of their entities,
   * deduplicated and grouped one after the other in the order given.
   */
  private ingestAll(items: Routed[], now: Date): Promise<IngestResult[]> {
    const { store } = this.options;
    return store.withEntityLocks(
      items.flatMap(item => item.route?.entityRef ?? []),
      async (tx, latest) => {
        const writes = await AlertWrites.start(
          store,
          tx,
          items.map(item => ({
            integrationId: item.integration.id,
            dedupKey: item.alert.dedupKey,
          })),
        );
        const results: IngestResult[] = [];
        for (const item of items) {
          const entityRef = item.route?.entityRef;
          const step = await this.ingestLocked(
            writes,
            item,
            entityRef ? latest.get(entityRef) : undefined,
            now,
          );
          if (entityRef && step.latest) {
            latest.set(entityRef, step.latest);
          }
          results.push(step.result);
        }
        await writes.flush();
        return results;
      },
    );
  }

  /**
   * Dedups and groups one alert in a transaction that holds its entity's
   * lock; `latest` is the entity's latest group as this transaction sees
   * it, and the answer says what it is afterwards.
   */
  private async ingestLocked(
    writes: AlertWrites,
    item: Routed,
    latest: LatestGroup | undefined,
    now: Date,
  ): Promise<{ result: IngestResult; latest: LatestGroup | undefined }> {
    const { store, jobs } = this.options;
    const { tx } = writes;
    const { integration, alert, route, incidentId } = item;
    const entityRef = route?.entityRef;
    const urgency = this.urgencyOf(integration, alert.severity);
    const fields = {
      status: alert.status,
      summary: alert.summary,
      severity: alert.severity,
      urgency,
      labels: alert.labels,
      links: alert.links,
    };
    const existing = await writes.find(integration.id, alert.dedupKey);
    let after = latest;
    let group = latest;
    let groupId: string | undefined;
    if (existing) {
      groupId = existing.groupId;
      group = group?.id === groupId ? group : undefined;
    } else if (entityRef) {
      const windowStart =
        now.getTime() - integration.groupWindowMinutes * 60_000;
      // A resolved group is closed: a new alert opens (and pages) anew.
      if (
        !group ||
        group.status === 'resolved' ||
        new Date(group.lastAlertAt).getTime() < windowStart
      ) {
        group = await store.createGroup(tx, {
          entityRef,
          urgency,
          incidentId,
        });
        after = group;
      }
      groupId = group.id;
    }
    const saved = existing
      ? await writes.update(existing, fields)
      : writes.insert({
          ...fields,
          integrationId: integration.id,
          dedupKey: alert.dedupKey,
          entityRef,
          routedBy: route?.matched,
          groupId,
          incidentId,
          startsAt: alert.startsAt,
        });
    const changed = !existing || existing.status !== saved.status;

    let paged = false;
    if (groupId && changed) {
      const regrouped = await this.regroup(writes, {
        groupId,
        alert: saved,
        group,
        incidentId,
        now,
      });
      paged = regrouped.paged;
      if (after && after.id === groupId) {
        after = withChanges(after, regrouped.changes);
      }
    }
    if (incidentId && changed) {
      await jobs.enqueue(
        {
          type: NOTE,
          idempotencyKey: `${NOTE}:${saved.id}:${saved.status}`,
          incidentId,
          payload: { text: noteText(saved) },
          // The incident's timeline tells the alerts' changes in order.
          orderKey: `${NOTE}:${incidentId}`,
        },
        tx,
      );
    }
    return {
      result: { alert: saved, created: !existing, paged },
      latest: after,
    };
  }

  /**
   * Brings the group up to date with a new or changed alert; says whether
   * it recorded the group's page, and what it changed.
   */
  private async regroup(
    writes: AlertWrites,
    options: {
      groupId: string;
      alert: Alert;
      group?: { pageRequested: boolean; incidentId?: string };
      incidentId?: string;
      now: Date;
    },
  ): Promise<{ paged: boolean; changes: GroupChanges }> {
    const { jobs } = this.options;
    const { tx } = writes;
    const { groupId, alert, group, now } = options;
    if (alert.status === 'resolved') {
      if ((await writes.countFiring(groupId)) > 0) {
        return { paged: false, changes: {} };
      }
      const resolved: GroupChanges = { status: 'resolved' };
      writes.updateGroup(groupId, resolved);
      // Nobody needs to act any more: its page (if any) is resolved too.
      await jobs.enqueue(
        {
          type: RESOLVE_PAGE,
          idempotencyKey: `${RESOLVE_PAGE}:${groupId}`,
          payload: { groupId },
          lane: 'paging',
        },
        tx,
      );
      return { paged: false, changes: resolved };
    }
    const attached = options.incidentId ?? group?.incidentId;
    const pages =
      alert.urgency === 'high' && !attached && group && !group.pageRequested;
    const changes: GroupChanges = {
      status: 'firing',
      lastAlertAt: now.toISOString(),
      urgency: alert.urgency === 'high' ? 'high' : undefined,
      incidentId: options.incidentId,
      pageRequested: pages || undefined,
    };
    writes.updateGroup(groupId, changes);
    if (!pages) {
      return { paged: false, changes };
    }
    await this.options.groupOpened?.(tx, groupId);
    const paged = await jobs.enqueue(
      {
        type: PAGE_GROUP,
        idempotencyKey: `${PAGE_GROUP}:${groupId}`,
        payload: { groupId },
        lane: 'paging',
      },
      tx,
    );
    return { paged, changes };
  }

  /** Pages the group's entity once; a retry after the page was stored does nothing. */
  private async pageGroup(groupId: string): Promise<void> {
    const { store, paging, auth, logger } = this.options;
    const group = await this.getGroup(groupId);
    if (group.pageId) {
      return;
    }
    if (group.status === 'resolved') {
      logger.info(
        `Alert group ${group.id} on ${group.entityRef} resolved before its page went out: nobody paged`,
      );
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
      // Resolved while the page was being sent: resolve it at once.
      if ((await this.getGroup(group.id)).status === 'resolved') {
        await this.resolvePage(group.id);
      }
    } catch (error) {
      if (!(error instanceof NotFoundError)) {
        throw error;
      }
      logger.warn(
        `Alert group ${group.id} on ${group.entityRef}: nobody to page: ${error.message}`,
      );
    }
  }

  /** The page of a resolved group is resolved; repeats do nothing. */
  private async resolvePage(groupId: string): Promise<void> {
    const group = await this.getGroup(groupId);
    if (!group.pageId || group.status !== 'resolved') {
      return;
    }
    await this.options.paging.resolve(
      group.pageId,
      `resolved: all ${group.alertCount} alert(s) of alert group ${group.id} resolved`,
    );
  }

  private async note(incidentId: string, text: string): Promise<void> {
    await this.options.incidents.addNote(incidentId, text, {
      ref: ACTOR,
      isUser: false,
    });
  }
}

function integrationInfo(
  i: AlertIntegration,
  baseUrl: string,
  now = Date.now(),
): AlertIntegrationInfo {
  const previous = i.hashedSecrets.find(s => s.validUntil !== undefined);
  const previousValid = previous && previous.validUntil! > now;
  return {
    id: i.id,
    name: i.name,
    vendor: i.vendor,
    url: `${baseUrl}/alerts/integrations/${i.id}`,
    secretCount:
      i.secrets.length +
      i.hashedSecrets.filter(
        s => s.validUntil === undefined || s.validUntil > now,
      ).length,
    defaultEntityRef: i.defaultEntityRef,
    rules: i.rules.map(rule => ({
      match: Object.fromEntries(rule.match.map(m => [m.label, m.raw])),
      entityRef: rule.entityRef,
    })),
    urgency: i.urgency,
    groupWindowMinutes: i.groupWindowMinutes,
    zendeskUrl: i.zendeskUrl,
    managedBy: i.managedBy,
    createdAt: i.createdAt,
    secretRotatedAt: i.secretRotatedAt,
    previousSecretValidUntil: previousValid
      ? new Date(previous.validUntil!).toISOString()
      : undefined,
  };
}

function noteText(alert: Alert): string {
  return `Alert ${alert.status}: ${alert.summary}${
    alert.severity ? ` (${alert.severity})` : ''
  }${alert.links[0] ? ` ${alert.links[0]}` : ''}`;
}

/** The group as it is after `changes` (as `updateGroup` applies them). */
function withChanges(group: LatestGroup, changes: GroupChanges): LatestGroup {
  return {
    ...group,
    status: changes.status ?? group.status,
    resolvedAt: resolvedAt(group, changes),
    urgency: changes.urgency ?? group.urgency,
    lastAlertAt: changes.lastAlertAt ?? group.lastAlertAt,
    incidentId: changes.incidentId ?? group.incidentId,
    pageId: changes.pageId ?? group.pageId,
    pageRequested: changes.pageRequested || group.pageRequested,
  };
}

function resolvedAt(
  group: LatestGroup,
  changes: GroupChanges,
): string | undefined {
  if (changes.status === undefined) {
    return group.resolvedAt;
  }
  return changes.status === 'resolved' ? new Date().toISOString() : undefined;
}

/** The deliveries a processing job is for. */
function deliveryIdsOf(payload: Record<string, unknown>): string[] {
  return Array.isArray(payload.deliveryIds)
    ? payload.deliveryIds.map(String)
    : [String(payload.deliveryId)];
}
