import {
  ActionItemStatus,
  AssignedActionItemList,
  PostmortemActionItem,
} from '@multivac/plugin-multivac-common';
import { Transaction } from '../database/Transaction';
import { PermissionFilter } from '../permissions/permissionFilter';

export interface NewActionItem {
  title: string;
  ownerRef?: string;
  dueDate?: string;
  createdBy: string;
  /** Starts its tracking as `pending` (an issue tracker is configured). */
  tracked: boolean;
}

/** `null` clears. */
export interface ActionItemChanges {
  title?: string;
  ownerRef?: string | null;
  dueDate?: string | null;
  status?: ActionItemStatus;
}

/**
 * Persistence of post-mortems' action items. A change to an item is a
 * change to its post-mortem: it waits for other changes to the post-mortem
 * and updates its time of change.
 */
export interface ActionItemStore {
  /** 404 when the post-mortem does not exist. */
  add(
    postmortemId: string,
    item: NewActionItem,
    andThen: (tx: Transaction, item: PostmortemActionItem) => Promise<void>,
  ): Promise<PostmortemActionItem>;
  /**
   * 404 unless the item belongs to the post-mortem. `andThen` runs in the
   * change's transaction (e.g. to record a job).
   */
  update(
    postmortemId: string,
    itemId: string,
    changes: ActionItemChanges,
    andThen?: (tx: Transaction) => Promise<void>,
  ): Promise<PostmortemActionItem>;
  /** 404 unless the item belongs to the post-mortem. */
  delete(postmortemId: string, itemId: string): Promise<void>;
  get(itemId: string): Promise<PostmortemActionItem | undefined>;
  /** The post-mortem's items, oldest first. */
  list(postmortemId: string): Promise<PostmortemActionItem[]>;
  /**
   * One person's items across post-mortems (those whose incident
   * `permission` lets through): the earliest due first, those without a
   * due date last, then the oldest.
   */
  listByOwner(filter: {
    ownerRef: string;
    statuses?: ActionItemStatus[];
    permission?: PermissionFilter;
    limit: number;
  }): Promise<AssignedActionItemList>;
}
