import { NotFoundError } from '@backstage/errors';
import {
  ActionItemStatus,
  AssignedActionItemList,
  PostmortemActionItem,
} from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { nowIso } from '../database/util';
import {
  PermissionFilter,
  whereIncidentPermitted,
  wherePermitted,
} from '../permissions/permissionFilter';
import { Transaction, transactionOf } from '../database/Transaction';
import {
  ActionItemChanges,
  ActionItemStore,
  NewActionItem,
} from './ActionItemStore';
import {
  ACTION_ITEMS,
  ActionItemRow,
  assertNotPublished,
  changePostmortem,
  POSTMORTEMS,
  referenceOf,
  toActionItem,
  trackingColumns,
} from './databaseTables';

/** Post-mortems' action items on the plugin's database. */
export class DatabaseActionItemStore implements ActionItemStore {
  constructor(private readonly db: Knex) {}

  async add(
    postmortemId: string,
    input: NewActionItem,
    andThen: (tx: Transaction, item: PostmortemActionItem) => Promise<void>,
  ): Promise<PostmortemActionItem> {
    const id = randomUUID();
    await changePostmortem(this.db, postmortemId, async (tx, postmortem) => {
      assertNotPublished(postmortem, 'its action items');
      const now = nowIso();
      const row: ActionItemRow = {
        id,
        postmortem_id: postmortemId,
        title: input.title,
        owner_ref: input.ownerRef ?? null,
        due_date: input.dueDate ?? null,
        status: 'open',
        created_by: input.createdBy,
        created_at: now,
        updated_at: now,
        ...trackingColumns(
          input.tracked ? { state: 'pending', attempts: 0 } : undefined,
        ),
      };
      await tx(ACTION_ITEMS).insert(row);
      await touch(tx, postmortemId, now);
      await andThen(transactionOf(tx), toActionItem(row));
    });
    return (await this.get(id))!;
  }

  async update(
    postmortemId: string,
    itemId: string,
    changes: ActionItemChanges,
    andThen?: (tx: Transaction) => Promise<void>,
  ): Promise<PostmortemActionItem> {
    await changePostmortem(this.db, postmortemId, async (tx, row) => {
      // Follow-up goes on after publishing: an item's status, owner and due
      // date still change; what it says does not.
      if (changes.title !== undefined) {
        assertNotPublished(row, 'what its action items say');
      }
      const now = nowIso();
      const updated = await tx(ACTION_ITEMS)
        .where({ id: itemId, postmortem_id: postmortemId })
        .update({
          ...(changes.title !== undefined && { title: changes.title }),
          ...(changes.ownerRef !== undefined && {
            owner_ref: changes.ownerRef,
          }),
          ...(changes.dueDate !== undefined && { due_date: changes.dueDate }),
          ...(changes.status !== undefined && { status: changes.status }),
          updated_at: now,
        });
      if (updated === 0) {
        throw new NotFoundError(
          `${referenceOf(row)} has no action item ${itemId}`,
        );
      }
      await touch(tx, postmortemId, now);
      await andThen?.(transactionOf(tx));
    });
    return (await this.get(itemId))!;
  }

  async delete(postmortemId: string, itemId: string): Promise<void> {
    await changePostmortem(this.db, postmortemId, async (tx, row) => {
      assertNotPublished(row, 'its action items');
      const deleted = await tx(ACTION_ITEMS)
        .where({ id: itemId, postmortem_id: postmortemId })
        .delete();
      if (deleted === 0) {
        throw new NotFoundError(
          `${referenceOf(row)} has no action item ${itemId}`,
        );
      }
      await touch(tx, postmortemId, nowIso());
    });
  }

  async get(itemId: string): Promise<PostmortemActionItem | undefined> {
    const row = await this.db<ActionItemRow>(ACTION_ITEMS)
      .where({ id: itemId })
      .first();
    return row && toActionItem(row);
  }

  async list(postmortemId: string): Promise<PostmortemActionItem[]> {
    const rows = await this.db<ActionItemRow>(ACTION_ITEMS)
      .where({ postmortem_id: postmortemId })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toActionItem);
  }

  async listByOwner(filter: {
    ownerRef: string;
    statuses?: ActionItemStatus[];
    permission?: PermissionFilter;
    limit: number;
  }): Promise<AssignedActionItemList> {
    const filtered = (query: Knex.QueryBuilder) => {
      query
        .join(POSTMORTEMS, `${POSTMORTEMS}.id`, `${ACTION_ITEMS}.postmortem_id`)
        .where(`${ACTION_ITEMS}.owner_ref`, filter.ownerRef);
      if (filter.statuses) {
        query.whereIn(`${ACTION_ITEMS}.status`, filter.statuses);
      }
      if (filter.permission) {
        wherePermitted(
          query,
          filter.permission,
          whereIncidentPermitted(this.db, `${POSTMORTEMS}.incident_id`),
        );
      }
      return query;
    };
    const [{ count }] = await filtered(this.db(ACTION_ITEMS)).count({
      count: '*',
    });
    const rows: (ActionItemRow & {
      postmortem_title: string;
      incident_number: number | string;
    })[] = await filtered(this.db(ACTION_ITEMS))
      .join(
        'multivac_incidents',
        'multivac_incidents.id',
        `${POSTMORTEMS}.incident_id`,
      )
      .select(`${ACTION_ITEMS}.*`, {
        postmortem_title: `${POSTMORTEMS}.title`,
        incident_number: 'multivac_incidents.number',
      })
      // Not `nulls: 'last'`: on SQLite knex then drops the column's order.
      .orderByRaw('case when ?? is null then 1 else 0 end', [
        `${ACTION_ITEMS}.due_date`,
      ])
      .orderBy([
        { column: `${ACTION_ITEMS}.due_date`, order: 'asc' },
        { column: `${ACTION_ITEMS}.created_at`, order: 'asc' },
        { column: `${ACTION_ITEMS}.id`, order: 'asc' },
      ])
      .limit(filter.limit);
    return {
      items: rows.map(row => ({
        ...toActionItem(row),
        postmortemReference: referenceOf(row),
        postmortemTitle: row.postmortem_title,
      })),
      totalCount: Number(count),
    };
  }
}

/** A change to an action item is a change to its post-mortem. */
async function touch(tx: Knex.Transaction, postmortemId: string, now: string) {
  await tx(POSTMORTEMS).where({ id: postmortemId }).update({ updated_at: now });
}
