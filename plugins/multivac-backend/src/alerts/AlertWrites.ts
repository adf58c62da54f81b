import { Alert } from '@multivac/plugin-multivac-common';
import { Transaction } from '../database/Transaction';
import { nowIso } from '../database/util';
import {
  AlertChanges,
  AlertStore,
  GroupChanges,
  NewAlert,
  newAlert,
} from './AlertStore';

const key = (integrationId: string, dedupKey: string) =>
  `${integrationId}\n${dedupKey}`;

/**
 * The writes of one grouping transaction, in as few statements as the
 * alerts allow: the alerts it may touch are read up front (one statement
 * per integration), new alerts are inserted together, and the changes to
 * each group are merged and written once, groups with the same changes in
 * one statement. Every read of the transaction sees the writes before it:
 * pending inserts are written before an alert is updated or the firing
 * alerts of a group are counted, so the stored state is the one the alerts
 * would have left one at a time.
 */
export class AlertWrites {
  private readonly known = new Map<string, Alert | undefined>();
  private inserts: Alert[] = [];
  private readonly groups = new Map<string, GroupChanges>();

  private constructor(
    private readonly store: AlertStore,
    readonly tx: Transaction,
  ) {}

  /** Reads the alerts with these identities, one statement per integration. */
  static async start(
    store: AlertStore,
    tx: Transaction,
    identities: Array<{ integrationId: string; dedupKey: string }>,
  ): Promise<AlertWrites> {
    const writes = new AlertWrites(store, tx);
    const byIntegration = new Map<string, string[]>();
    for (const { integrationId, dedupKey } of identities) {
      const keys = byIntegration.get(integrationId) ?? [];
      keys.push(dedupKey);
      byIntegration.set(integrationId, keys);
    }
    for (const [integrationId, dedupKeys] of byIntegration) {
      const found = await store.findAlerts(tx, integrationId, dedupKeys);
      for (const dedupKey of dedupKeys) {
        writes.known.set(key(integrationId, dedupKey), found.get(dedupKey));
      }
    }
    return writes;
  }

  /** The alert as this transaction has it (read up front, or written since). */
  async find(
    integrationId: string,
    dedupKey: string,
  ): Promise<Alert | undefined> {
    const k = key(integrationId, dedupKey);
    if (!this.known.has(k)) {
      const found = await this.store.findAlerts(this.tx, integrationId, [
        dedupKey,
      ]);
      this.known.set(k, found.get(dedupKey));
    }
    return this.known.get(k);
  }

  /** A new alert, inserted with the others at the next flush. */
  insert(alert: NewAlert): Alert {
    const created = newAlert(alert, nowIso());
    this.inserts.push(created);
    this.known.set(key(created.integrationId, created.dedupKey), created);
    return created;
  }

  /** Counts a delivery of a stored (or pending) alert: written at once. */
  async update(current: Alert, changes: AlertChanges): Promise<Alert> {
    await this.flushInserts();
    const updated = await this.store.updateAlert(this.tx, current, changes);
    this.known.set(key(updated.integrationId, updated.dedupKey), updated);
    return updated;
  }

  /** The group's firing alerts, pending inserts included. */
  async countFiring(groupId: string): Promise<number> {
    await this.flushInserts();
    return this.store.countFiring(this.tx, groupId);
  }

  /**
   * Changes a group at the next flush, merged with its earlier changes in
   * this transaction as `updateGroup` one after the other would leave it.
   */
  updateGroup(groupId: string, changes: GroupChanges): void {
    const merged: GroupChanges = { ...this.groups.get(groupId) };
    for (const [field, value] of Object.entries(changes)) {
      if (value !== undefined && value !== false) {
        (merged as Record<string, unknown>)[field] = value;
      }
    }
    this.groups.set(groupId, merged);
  }

  /** Writes what is pending: the inserts, then one statement per change set. */
  async flush(): Promise<void> {
    await this.flushInserts();
    const bySet = new Map<string, { changes: GroupChanges; ids: string[] }>();
    for (const [groupId, changes] of this.groups) {
      const set = JSON.stringify(
        Object.entries(changes).sort(([a], [b]) => a.localeCompare(b)),
      );
      const entry = bySet.get(set) ?? { changes, ids: [] };
      entry.ids.push(groupId);
      bySet.set(set, entry);
    }
    this.groups.clear();
    for (const { changes, ids } of bySet.values()) {
      await this.store.updateGroups(this.tx, ids, changes);
    }
  }

  private async flushInserts(): Promise<void> {
    if (this.inserts.length > 0) {
      const alerts = this.inserts;
      this.inserts = [];
      await this.store.insertAlerts(this.tx, alerts);
    }
  }
}
