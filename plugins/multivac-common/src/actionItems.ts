import { z } from 'zod';
import { limitSchema, refSchema } from './limits';
import { ACTION_ITEM_STATUSES, PostmortemActionItem } from './postmortems';
import { oneOrMany } from './schemas';

/**
 * `GET /action-items`: one person's action items across post-mortems, e.g.
 * `?owner=me&status=open` for the signed-in user's open items.
 *
 * @public
 */
export const listActionItemsQuerySchema = z
  .object({
    /** A user ref, or `me` for the signed-in user. */
    owner: z.union([z.literal('me'), refSchema()]),
    status: oneOrMany(z.enum(ACTION_ITEM_STATUSES)).optional(),
    limit: limitSchema(100, 20),
  })
  .strict();
/** @public */
export type ListActionItemsQuery = z.input<typeof listActionItemsQuerySchema>;

/**
 * An action item with the post-mortem it belongs to.
 *
 * @public
 */
export interface AssignedActionItem extends PostmortemActionItem {
  /** `PM-<incident number>` */
  postmortemReference: string;
  postmortemTitle: string;
}

/**
 * Items whose due date comes first first (those without one last), then
 * the oldest; `totalCount` counts them all.
 *
 * @public
 */
export interface AssignedActionItemList {
  items: AssignedActionItem[];
  totalCount: number;
}
