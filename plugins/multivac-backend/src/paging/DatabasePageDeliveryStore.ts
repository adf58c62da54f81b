import {
  PageDelivery,
  PageDeliveryStatus,
} from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { nowIso, toIsoString } from '../database/util';
import { knexOf, Transaction, transactionOf } from '../database/Transaction';
import {
  NewPageDelivery,
  PageDeliveryStore,
  StoredPageDelivery,
} from './PageDeliveryStore';

const TABLE = 'multivac_page_deliveries';

type DeliveryRow = {
  id: string;
  page_id: string;
  level: number;
  user_ref: string;
  name: string;
  channel: string;
  position: number;
  channels: string;
  status: PageDeliveryStatus;
  detail: string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

/** Page deliveries on the plugin's database. */
export class DatabasePageDeliveryStore implements PageDeliveryStore {
  constructor(private readonly db: Knex) {}

  async add(
    tx: Transaction,
    delivery: NewPageDelivery,
  ): Promise<string | undefined> {
    const knex = knexOf(tx);
    const id = randomUUID();
    const now = nowIso();
    const key = {
      page_id: delivery.pageId,
      level: delivery.level,
      user_ref: delivery.userRef,
      position: delivery.position,
    };
    await knex(TABLE)
      .insert({
        id,
        ...key,
        name: delivery.name,
        channel: delivery.channels[delivery.position],
        channels: JSON.stringify(delivery.channels),
        status: 'pending',
        detail: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict(['page_id', 'level', 'user_ref', 'position'])
      .ignore();
    const stored = await knex<DeliveryRow>(TABLE).where(key).first('id');
    return stored?.id === id ? id : undefined;
  }

  async get(id: string): Promise<StoredPageDelivery | undefined> {
    const row = await this.db<DeliveryRow>(TABLE).where({ id }).first();
    return (
      row && {
        ...toDelivery(row),
        pageId: row.page_id,
        channels: JSON.parse(row.channels),
        position: row.position,
      }
    );
  }

  async finish(
    id: string,
    status: Exclude<PageDeliveryStatus, 'pending'>,
    detail: string | undefined,
    andThen?: (tx: Transaction) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const changed = await tx(TABLE)
        .where({ id, status: 'pending' })
        .update({ status, detail: detail ?? null, updated_at: nowIso() });
      if (changed === 0) {
        return false;
      }
      await andThen?.(transactionOf(tx));
      return true;
    });
  }

  async listForPages(pageIds: string[]): Promise<Map<string, PageDelivery[]>> {
    const byPage = new Map<string, PageDelivery[]>();
    if (pageIds.length === 0) {
      return byPage;
    }
    const rows = await this.db<DeliveryRow>(TABLE)
      .whereIn('page_id', pageIds)
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'level', order: 'asc' },
        { column: 'position', order: 'asc' },
      ]);
    for (const row of rows) {
      const list = byPage.get(row.page_id) ?? [];
      list.push(toDelivery(row));
      byPage.set(row.page_id, list);
    }
    return byPage;
  }
}

function toDelivery(row: DeliveryRow): PageDelivery {
  return {
    id: row.id,
    level: row.level,
    userRef: row.user_ref,
    name: row.name,
    channel: row.channel,
    status: row.status,
    detail: row.detail ?? undefined,
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
  };
}
