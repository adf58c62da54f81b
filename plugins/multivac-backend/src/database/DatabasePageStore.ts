import { NotFoundError } from '@backstage/errors';
import {
  OnCallPerson,
  PageRecord,
  PageStatus,
} from '@multivac/plugin-multivac-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { isPostgres, nowIso, optionalIsoString, toIsoString } from './util';
import {
  NewPage,
  PageAlreadyHandledError,
  PageListFilter,
  PageStore,
} from './PageStore';
import {
  wherePagePermitted,
  wherePermitted,
} from '../permissions/permissionFilter';
import { knexOf, Transaction, transactionOf } from './Transaction';

type PageRow = {
  id: string;
  entity_ref: string;
  resolved_from: string;
  provider: string;
  schedule_id: string;
  schedule_name: string;
  fallback: boolean | number;
  report_id: string | null;
  incident_id: string | null;
  summary: string;
  details: string;
  urgency: 'high' | 'low';
  dedup_key: string;
  status: PageStatus;
  level: number;
  targets: string;
  delivery: string;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  acknowledged_at: Date | string | null;
  acknowledged_by: string | null;
  resolved_at: Date | string | null;
  history: string;
};

/** Pages and their escalation state on the plugin's database. */
export class DatabasePageStore implements PageStore {
  constructor(private readonly db: Knex) {}

  /** Records a page at level 1, calling `andThen` inside the same transaction. */
  async create(
    page: NewPage,
    andThen: (tx: Transaction, page: PageRecord) => Promise<void>,
  ): Promise<PageRecord> {
    const id = randomUUID();
    const now = nowIso();
    await this.db.transaction(async tx => {
      await tx('multivac_pages').insert({
        id,
        entity_ref: page.entityRef,
        resolved_from: page.resolvedFrom,
        provider: page.provider,
        schedule_id: page.scheduleId,
        schedule_name: page.scheduleName,
        fallback: page.fallback,
        report_id: page.reportId ?? null,
        incident_id: page.incidentId ?? null,
        summary: page.summary,
        details: JSON.stringify(page.details),
        urgency: page.urgency,
        dedup_key: `multivac-page-${id}`,
        status: 'triggered',
        level: 1,
        targets: JSON.stringify(page.targets),
        delivery: page.delivery,
        created_by: page.createdBy,
        created_at: now,
        updated_at: now,
        history: JSON.stringify([
          {
            at: now,
            text: `paged level 1${
              page.fallback ? ' of the fallback schedule' : ''
            }: ${names(page.targets)}`,
          },
        ]),
      });
      await andThen(
        transactionOf(tx),
        toRecord((await tx<PageRow>('multivac_pages').where({ id }).first())!),
      );
    });
    return this.mustGet(id);
  }

  async get(id: string): Promise<PageRecord | undefined> {
    const row = await this.db<PageRow>('multivac_pages').where({ id }).first();
    return row && toRecord(row);
  }

  async findByDedupKey(dedupKey: string): Promise<PageRecord | undefined> {
    const row = await this.db<PageRow>('multivac_pages')
      .where({ dedup_key: dedupKey })
      .first();
    return row && toRecord(row);
  }

  /** The pages of these reports, oldest first. */
  async listForReports(reportIds: string[]): Promise<PageRecord[]> {
    const rows = await this.db<PageRow>('multivac_pages')
      .whereIn('report_id', reportIds)
      .orderBy('created_at', 'asc');
    return rows.map(toRecord);
  }

  /** The pages linked to an incident, oldest first. */
  async listForIncident(incidentId: string): Promise<PageRecord[]> {
    const rows = await this.db<PageRow>('multivac_pages')
      .where({ incident_id: incidentId })
      .orderBy('created_at', 'asc');
    return rows.map(toRecord);
  }

  /** Links a report's pages to the incident it became. */
  async linkIncident(
    tx: Transaction,
    reportId: string,
    incidentId: string,
  ): Promise<void> {
    await knexOf(tx)('multivac_pages')
      .where({ report_id: reportId })
      .update({ incident_id: incidentId, updated_at: nowIso() });
  }

  async list(filter: PageListFilter): Promise<PageRecord[]> {
    const query = this.db<PageRow>('multivac_pages');
    if (filter.entityRefs) {
      query.whereIn('entity_ref', filter.entityRefs);
    }
    if (filter.permission) {
      wherePermitted(query, filter.permission, wherePagePermitted(this.db));
    }
    const rows = await query.orderBy('created_at', 'desc').limit(filter.limit);
    return rows.map(toRecord);
  }

  /** Acknowledges a triggered page; a `PageAlreadyHandledError` if it already was. */
  async acknowledge(
    id: string,
    by: string,
    andThen: (tx: Transaction, page: PageRecord) => Promise<void>,
  ): Promise<PageRecord> {
    await this.change(id, async (tx, page) => {
      if (page.status !== 'triggered') {
        throw new PageAlreadyHandledError(page);
      }
      const now = nowIso();
      await tx('multivac_pages')
        .where({ id })
        .update({
          status: 'acknowledged',
          acknowledged_at: now,
          acknowledged_by: by,
          updated_at: now,
          history: appendHistory(page, now, `acknowledged by ${by}`),
        });
      await andThen(transactionOf(tx), page);
    });
    return this.mustGet(id);
  }

  /**
   * Marks the page resolved (it needs nobody's attention any more); false when
   * it already was.
   */
  async resolve(
    id: string,
    text: string,
    andThen: (tx: Transaction, page: PageRecord) => Promise<void>,
  ): Promise<boolean> {
    let changed = false;
    await this.change(id, async (tx, page) => {
      if (page.status === 'resolved') {
        return;
      }
      const now = nowIso();
      await tx('multivac_pages')
        .where({ id })
        .update({
          status: 'resolved',
          resolved_at: now,
          updated_at: now,
          history: appendHistory(page, now, text),
        });
      await andThen(transactionOf(tx), page);
      changed = true;
    });
    return changed;
  }

  /**
   * Moves a still-triggered page from `fromLevel` to the next level. Returns
   * false (and changes nothing) when it was acknowledged or already moved on,
   * which makes a repeated escalation job harmless.
   */
  async escalate(
    id: string,
    fromLevel: number,
    targets: OnCallPerson[],
    andThen: (tx: Transaction) => Promise<void>,
  ): Promise<boolean> {
    let moved = false;
    await this.change(id, async (tx, page) => {
      if (page.status !== 'triggered' || page.level !== fromLevel) {
        return;
      }
      const now = nowIso();
      await tx('multivac_pages')
        .where({ id })
        .update({
          level: fromLevel + 1,
          targets: JSON.stringify(targets),
          updated_at: now,
          history: appendHistory(
            page,
            now,
            `not acknowledged; escalated to level ${fromLevel + 1}: ${names(
              targets,
            )}`,
          ),
        });
      await andThen(transactionOf(tx));
      moved = true;
    });
    return moved;
  }

  /** Records where delivery stands (and adds it to the history). */
  async setDelivery(id: string, delivery: string): Promise<void> {
    await this.change(id, async (tx, page) => {
      const now = nowIso();
      await tx('multivac_pages')
        .where({ id })
        .update({
          delivery,
          updated_at: now,
          history: appendHistory(page, now, delivery),
        });
    });
  }

  private async change(
    id: string,
    fn: (tx: Knex.Transaction, page: PageRecord) => Promise<void>,
  ) {
    await this.db.transaction(async tx => {
      const query = tx<PageRow>('multivac_pages').where({ id }).first();
      if (isPostgres(tx)) {
        query.forUpdate();
      }
      const row = await query;
      if (!row) {
        throw new NotFoundError(`No page ${id}`);
      }
      await fn(tx, toRecord(row));
    });
  }

  private async mustGet(id: string): Promise<PageRecord> {
    const page = await this.get(id);
    if (!page) {
      throw new NotFoundError(`No page ${id}`);
    }
    return page;
  }
}

function names(people: OnCallPerson[]): string {
  return people.map(p => p.name).join(', ') || 'nobody is on call';
}

function appendHistory(page: PageRecord, at: string, text: string): string {
  return JSON.stringify([...page.history, { at, text }]);
}

function toRecord(row: PageRow): PageRecord {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    resolvedFrom: row.resolved_from,
    provider: row.provider,
    scheduleId: row.schedule_id,
    scheduleName: row.schedule_name,
    fallback: Boolean(row.fallback),
    reportId: row.report_id ?? undefined,
    incidentId: row.incident_id ?? undefined,
    summary: row.summary,
    details: JSON.parse(row.details),
    urgency: row.urgency,
    dedupKey: row.dedup_key,
    status: row.status,
    level: row.level,
    targets: JSON.parse(row.targets),
    delivery: row.delivery,
    createdBy: row.created_by,
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
    acknowledgedAt: optionalIsoString(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by ?? undefined,
    resolvedAt: optionalIsoString(row.resolved_at),
    history: JSON.parse(row.history),
  };
}
