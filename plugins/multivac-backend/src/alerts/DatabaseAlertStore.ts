import { NotFoundError } from '@backstage/errors';
import {
  Alert,
  AlertGroup,
  AlertGroupDetails,
  AlertStatus,
  AlertUrgency,
} from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { knexOf, Transaction, transactionOf } from '../database/Transaction';
import { nowIso, optionalIsoString, toIsoString } from '../database/util';
import {
  AlertChanges,
  AlertFilter,
  AlertStore,
  DeadLetter,
  GroupChanges,
  LatestGroup,
  StoredDelivery,
} from './AlertStore';
import { NormalizedAlert } from './types';

type Timestamp = Date | string;

type AlertRow = {
  id: string;
  integration_id: string;
  dedup_key: string;
  status: AlertStatus;
  summary: string;
  severity: string | null;
  urgency: AlertUrgency;
  labels: string;
  links: string;
  entity_ref: string | null;
  routed_by: string | null;
  group_id: string | null;
  incident_id: string | null;
  starts_at: Timestamp | null;
  resolved_at: Timestamp | null;
  deliveries: number;
  created_at: Timestamp;
  updated_at: Timestamp;
};

type GroupRow = {
  id: string;
  entity_ref: string;
  status: AlertStatus;
  urgency: AlertUrgency;
  page_id: string | null;
  page_requested: boolean | number;
  incident_id: string | null;
  created_at: Timestamp;
  last_alert_at: Timestamp;
  resolved_at: Timestamp | null;
};

const ALERTS = 'multivac_alerts';
const GROUPS = 'multivac_alert_groups';
/** Rows (or keys) per statement: well below either database's limits. */
const CHUNK = 100;

/** The alert tables (see migrations/20261126000000_alerts.js). */
export class DatabaseAlertStore implements AlertStore {
  constructor(private readonly db: Knex) {}

  async recordDeliveries(
    deliveries: Array<{ integrationId: string; alerts: NormalizedAlert[] }>,
    andThen: (tx: Transaction, deliveryIds: string[]) => Promise<void>,
  ): Promise<string[]> {
    const ids = deliveries.map(() => randomUUID());
    if (ids.length === 0) {
      return ids;
    }
    const receivedAt = nowIso();
    await this.db.transaction(async tx => {
      await tx('multivac_alert_deliveries').insert(
        deliveries.map((delivery, i) => ({
          id: ids[i],
          integration_id: delivery.integrationId,
          alerts: JSON.stringify(delivery.alerts),
          received_at: receivedAt,
        })),
      );
      await andThen(transactionOf(tx), ids);
    });
    return ids;
  }

  async getDelivery(id: string): Promise<StoredDelivery | undefined> {
    const row = await this.db('multivac_alert_deliveries')
      .where({ id })
      .first();
    return row && toDelivery(row);
  }

  async getDeliveries(ids: string[]): Promise<StoredDelivery[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows = await this.db('multivac_alert_deliveries').whereIn('id', ids);
    const byId = new Map(rows.map(row => [row.id as string, toDelivery(row)]));
    return ids.flatMap(id => byId.get(id) ?? []);
  }

  async listDeliveries(
    integrationId: string,
    limit: number,
  ): Promise<StoredDelivery[]> {
    const rows = await this.db('multivac_alert_deliveries')
      .where({ integration_id: integrationId })
      .orderBy('received_at', 'desc')
      .limit(limit);
    return rows.map(toDelivery);
  }

  async addDeadLetter(
    letter: Omit<DeadLetter, 'id' | 'receivedAt'>,
  ): Promise<string> {
    const id = randomUUID();
    await this.db('multivac_alert_dead_letters').insert({
      id,
      integration_id: letter.integrationId,
      error: letter.error,
      content_type: letter.contentType ?? null,
      body: letter.body,
      received_at: nowIso(),
    });
    return id;
  }

  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    const rows = await this.db('multivac_alert_dead_letters')
      .orderBy('received_at', 'desc')
      .limit(limit);
    return rows.map(row => ({
      id: row.id,
      integrationId: row.integration_id,
      error: row.error,
      contentType: row.content_type ?? undefined,
      body: row.body,
      receivedAt: toIsoString(row.received_at),
    }));
  }

  async pruneBefore(time: Date): Promise<number> {
    const before = time.toISOString();
    const letters = await this.db('multivac_alert_dead_letters')
      .where('received_at', '<', before)
      .delete();
    const deliveries = await this.db('multivac_alert_deliveries')
      .where('received_at', '<', before)
      .delete();
    return letters + deliveries;
  }

  async withEntityLocks<T>(
    entityRefs: string[],
    fn: (tx: Transaction, latest: Map<string, LatestGroup>) => Promise<T>,
  ): Promise<T> {
    const refs = [...new Set(entityRefs)].sort();
    return this.db.transaction(async tx => {
      const latest = new Map<string, LatestGroup>();
      if (refs.length > 0) {
        // One statement takes the locks and reads the pointers: an upsert
        // locks the entities' rows on PostgreSQL until the commit, in the
        // order of the rows (sorted, so two replicas cannot deadlock);
        // SQLite has one writer at a time: the transaction is the lock.
        const pointers: Array<{ current_group_id: string | null }> = [];
        for (const chunk of chunks(refs, CHUNK)) {
          pointers.push(
            ...(await tx('multivac_alert_entities')
              .insert(
                chunk.map(ref => ({ entity_ref: ref, current_group_id: null })),
              )
              .onConflict('entity_ref')
              .merge(['entity_ref'])
              .returning('current_group_id')),
          );
        }
        const groupIds = pointers.flatMap(p => p.current_group_id ?? []);
        for (const chunk of chunks(groupIds, CHUNK)) {
          for (const row of await tx<GroupRow>(GROUPS).whereIn('id', chunk)) {
            latest.set(row.entity_ref, {
              ...toGroup(row, 0, 0),
              pageRequested: Boolean(row.page_requested),
            });
          }
        }
      }
      return fn(transactionOf(tx), latest);
    });
  }

  async findAlerts(
    tx: Transaction,
    integrationId: string,
    dedupKeys: string[],
  ): Promise<Map<string, Alert>> {
    const found = new Map<string, Alert>();
    for (const chunk of chunks([...new Set(dedupKeys)], CHUNK)) {
      const rows = await knexOf(tx)<AlertRow>(ALERTS)
        .where({ integration_id: integrationId })
        .whereIn('dedup_key', chunk);
      for (const row of rows) {
        found.set(row.dedup_key, toAlert(row));
      }
    }
    return found;
  }

  async insertAlerts(tx: Transaction, alerts: Alert[]): Promise<void> {
    for (const chunk of chunks(alerts, CHUNK)) {
      await knexOf(tx)(ALERTS).insert(chunk.map(toAlertRow));
    }
  }

  async updateAlert(
    tx: Transaction,
    current: Alert,
    changes: AlertChanges,
  ): Promise<Alert> {
    const k = knexOf(tx);
    const now = nowIso();
    const update: Record<string, unknown> = {
      deliveries: k.raw('deliveries + 1'),
      updated_at: now,
    };
    const updated: Alert = {
      ...current,
      deliveries: current.deliveries + 1,
      updatedAt: now,
    };
    if (changes.status && changes.status !== current.status) {
      update.status = changes.status;
      update.resolved_at = changes.status === 'resolved' ? now : null;
      updated.status = changes.status;
      updated.resolvedAt = changes.status === 'resolved' ? now : undefined;
    }
    if (changes.summary !== undefined) {
      update.summary = changes.summary;
      updated.summary = changes.summary;
    }
    if (changes.severity !== undefined) {
      update.severity = changes.severity;
      updated.severity = changes.severity;
    }
    if (changes.urgency !== undefined) {
      update.urgency = changes.urgency;
      updated.urgency = changes.urgency;
    }
    if (changes.labels) {
      update.labels = JSON.stringify(changes.labels);
      updated.labels = changes.labels;
    }
    if (changes.links) {
      update.links = JSON.stringify(changes.links);
      updated.links = changes.links;
    }
    if (changes.groupId !== undefined) {
      update.group_id = changes.groupId;
      updated.groupId = changes.groupId;
    }
    if (changes.incidentId !== undefined) {
      update.incident_id = changes.incidentId;
      updated.incidentId = changes.incidentId;
    }
    if ((await k(ALERTS).where({ id: current.id }).update(update)) === 0) {
      throw new NotFoundError(`No alert ${current.id}`);
    }
    return updated;
  }

  async createGroup(
    tx: Transaction,
    group: { entityRef: string; urgency: AlertUrgency; incidentId?: string },
  ) {
    const k = knexOf(tx);
    const id = randomUUID();
    const now = nowIso();
    const row: GroupRow = {
      id,
      entity_ref: group.entityRef,
      status: 'firing',
      urgency: group.urgency,
      page_id: null,
      page_requested: false,
      incident_id: group.incidentId ?? null,
      created_at: now,
      last_alert_at: now,
      resolved_at: null,
    };
    await k(GROUPS).insert(row);
    await k('multivac_alert_entities')
      .where({ entity_ref: group.entityRef })
      .update({ current_group_id: id });
    return { ...toGroup(row, 0, 0), pageRequested: false };
  }

  async updateGroup(
    tx: Transaction | undefined,
    id: string,
    changes: GroupChanges,
  ): Promise<void> {
    const update = groupUpdate(changes);
    if (Object.keys(update).length > 0) {
      await (tx ? knexOf(tx) : this.db)(GROUPS).where({ id }).update(update);
    }
  }

  async updateGroups(
    tx: Transaction,
    ids: string[],
    changes: GroupChanges,
  ): Promise<void> {
    const update = groupUpdate(changes);
    if (Object.keys(update).length === 0) {
      return;
    }
    for (const chunk of chunks(ids, CHUNK)) {
      await knexOf(tx)(GROUPS).whereIn('id', chunk).update(update);
    }
  }

  async countFiring(tx: Transaction, groupId: string): Promise<number> {
    const [{ count }] = await knexOf(tx)(ALERTS)
      .where({ group_id: groupId, status: 'firing' })
      .count({ count: '*' });
    return Number(count);
  }

  async attachIncident(
    tx: Transaction,
    groupId: string,
    incidentId: string,
  ): Promise<boolean> {
    const k = knexOf(tx);
    const updated = await k(GROUPS)
      .where({ id: groupId })
      .whereNull('incident_id')
      .update({ incident_id: incidentId });
    if (updated === 0) {
      return false;
    }
    await k(ALERTS)
      .where({ group_id: groupId })
      .update({ incident_id: incidentId });
    // The group's page counts as the incident's, so that declaring the
    // incident does not page the same schedule again.
    const group = await k<GroupRow>(GROUPS).where({ id: groupId }).first();
    if (group?.page_id) {
      await k('multivac_pages')
        .where({ id: group.page_id })
        .whereNull('incident_id')
        .update({ incident_id: incidentId, updated_at: nowIso() });
    }
    return true;
  }

  async getGroup(id: string): Promise<AlertGroupDetails | undefined> {
    const row = await this.db<GroupRow>(GROUPS).where({ id }).first();
    if (!row) {
      return undefined;
    }
    const alerts = (
      await this.db<AlertRow>(ALERTS)
        .where({ group_id: id })
        .orderBy('created_at', 'asc')
    ).map(toAlert);
    return {
      ...toGroup(
        row,
        alerts.length,
        alerts.filter(a => a.status === 'firing').length,
      ),
      alerts,
    };
  }

  async listAlerts(
    filter: AlertFilter,
  ): Promise<{ items: Alert[]; totalCount: number }> {
    const query = this.db<AlertRow>(ALERTS).where(q => {
      if (filter.status) q.where('status', filter.status);
      if (filter.urgency) q.where('urgency', filter.urgency);
      if (filter.integrationId) q.where('integration_id', filter.integrationId);
      if (filter.entityRefs) q.whereIn('entity_ref', filter.entityRefs);
    });
    const [{ count }] = await query.clone().count({ count: '*' });
    const rows = await query
      .orderBy([
        { column: 'updated_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(filter.limit)
      .offset(filter.offset);
    return { items: rows.map(toAlert), totalCount: Number(count) };
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

function groupUpdate(changes: GroupChanges): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  if (changes.status) {
    update.status = changes.status;
    update.resolved_at = changes.status === 'resolved' ? nowIso() : null;
  }
  if (changes.urgency) update.urgency = changes.urgency;
  if (changes.lastAlertAt) update.last_alert_at = changes.lastAlertAt;
  if (changes.incidentId) update.incident_id = changes.incidentId;
  if (changes.pageId) update.page_id = changes.pageId;
  if (changes.pageRequested) update.page_requested = true;
  return update;
}

function toAlertRow(alert: Alert): AlertRow {
  return {
    id: alert.id,
    integration_id: alert.integrationId,
    dedup_key: alert.dedupKey,
    status: alert.status,
    summary: alert.summary,
    severity: alert.severity ?? null,
    urgency: alert.urgency,
    labels: JSON.stringify(alert.labels),
    links: JSON.stringify(alert.links),
    entity_ref: alert.entityRef ?? null,
    routed_by: alert.routedBy ?? null,
    group_id: alert.groupId ?? null,
    incident_id: alert.incidentId ?? null,
    starts_at: alert.startsAt ?? null,
    resolved_at: alert.resolvedAt ?? null,
    deliveries: alert.deliveries,
    created_at: alert.createdAt,
    updated_at: alert.updatedAt,
  };
}

function toDelivery(row: {
  id: string;
  integration_id: string;
  alerts: string;
  received_at: Timestamp;
}): StoredDelivery {
  return {
    id: row.id,
    integrationId: row.integration_id,
    alerts: JSON.parse(row.alerts),
    receivedAt: toIsoString(row.received_at),
  };
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    integrationId: row.integration_id,
    dedupKey: row.dedup_key,
    status: row.status,
    summary: row.summary,
    severity: row.severity ?? undefined,
    urgency: row.urgency,
    labels: JSON.parse(row.labels),
    links: JSON.parse(row.links),
    entityRef: row.entity_ref ?? undefined,
    routedBy: row.routed_by ?? undefined,
    groupId: row.group_id ?? undefined,
    incidentId: row.incident_id ?? undefined,
    startsAt: optionalIsoString(row.starts_at),
    resolvedAt: optionalIsoString(row.resolved_at),
    deliveries: Number(row.deliveries),
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
  };
}

function toGroup(
  row: GroupRow,
  alertCount: number,
  firingCount: number,
): AlertGroup {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    status: row.status,
    urgency: row.urgency,
    alertCount,
    firingCount,
    pageId: row.page_id ?? undefined,
    incidentId: row.incident_id ?? undefined,
    createdAt: toIsoString(row.created_at),
    lastAlertAt: toIsoString(row.last_alert_at),
    resolvedAt: optionalIsoString(row.resolved_at),
  };
}
