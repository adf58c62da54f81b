import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ActionItemStatus,
  PostmortemApproval,
  PostmortemEvent,
  PostmortemEventType,
  formatPostmortemReference,
  PostmortemActionItem,
  PostmortemStatus,
  PostmortemTracking,
  Severity,
} from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { isPostgres, toIsoString } from '../database/util';

/**
 * The post-mortem tables and their rows, for the `Database*` post-mortem
 * stores only.
 */
export const POSTMORTEMS = 'multivac_postmortems';
export const SECTIONS = 'multivac_postmortem_sections';
export const ACTION_ITEMS = 'multivac_postmortem_action_items';
export const APPROVALS = 'multivac_postmortem_approvals';
export const EVENTS = 'multivac_postmortem_events';

export type ApprovalRow = {
  postmortem_id: string;
  reviewer_ref: string;
  approved_at: Date | string;
};

export type EventRow = {
  id: number | string;
  postmortem_id: string;
  type: PostmortemEventType;
  actor: string;
  text: string | null;
  payload: string;
  created_at: Date | string;
};

export type TrackingColumns = {
  tracking_state: PostmortemTracking['state'] | null;
  tracking_attempts: number;
  tracking_error: string | null;
  tracker_key: string | null;
  tracker_url: string | null;
  tracker_status: string | null;
};

export type PostmortemRow = TrackingColumns & {
  id: string;
  incident_id: string;
  /** Joined from the incident. */
  incident_number: number | string;
  title: string;
  severity: Severity;
  status: PostmortemStatus;
  owner_ref: string;
  reviewer_refs: string;
  due_date: string;
  facts: string;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  published_at: Date | string | null;
  published_by: string | null;
  last_reminded_on: string | null;
};

export type SectionRow = {
  postmortem_id: string;
  section_id: string;
  position: number;
  title: string;
  hint: string | null;
  text: string;
};

export type ActionItemRow = TrackingColumns & {
  id: string;
  postmortem_id: string;
  title: string;
  owner_ref: string | null;
  due_date: string | null;
  status: ActionItemStatus;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
};

/** Post-mortem rows with their incident's number. */
export function selectPostmortems(db: Knex) {
  return db(POSTMORTEMS)
    .join(
      'multivac_incidents',
      'multivac_incidents.id',
      `${POSTMORTEMS}.incident_id`,
    )
    .select(`${POSTMORTEMS}.*`, {
      incident_number: 'multivac_incidents.number',
    });
}

/**
 * Runs `fn` on the post-mortem's row in a transaction, the row locked on
 * PostgreSQL so that changes to one post-mortem happen one after the other;
 * 404 when there is none.
 */
export async function changePostmortem(
  db: Knex,
  id: string,
  fn: (tx: Knex.Transaction, row: PostmortemRow) => Promise<void>,
): Promise<void> {
  await db.transaction(async tx => {
    const query = selectPostmortems(tx).where(`${POSTMORTEMS}.id`, id).first();
    if (isPostgres(tx)) {
      query.forUpdate(POSTMORTEMS);
    }
    const row: PostmortemRow | undefined = await query;
    if (!row) {
      throw new NotFoundError(`No post-mortem ${id}`);
    }
    await fn(tx, row);
  });
}

export function referenceOf(
  row: Pick<PostmortemRow, 'incident_number'>,
): string {
  return formatPostmortemReference(Number(row.incident_number));
}

export function trackingColumns(
  tracking: PostmortemTracking | undefined,
): TrackingColumns {
  return {
    tracking_state: tracking?.state ?? null,
    tracking_attempts: tracking?.attempts ?? 0,
    tracking_error: tracking?.error ?? null,
    tracker_key: tracking?.key ?? null,
    tracker_url: tracking?.url ?? null,
    tracker_status: tracking?.status ?? null,
  };
}

export function toTracking(
  row: TrackingColumns,
): PostmortemTracking | undefined {
  if (!row.tracking_state) {
    return undefined;
  }
  return {
    state: row.tracking_state,
    attempts: Number(row.tracking_attempts),
    ...(row.tracking_error !== null && { error: row.tracking_error }),
    ...(row.tracker_key !== null && { key: row.tracker_key }),
    ...(row.tracker_url !== null && { url: row.tracker_url }),
    ...(row.tracker_status !== null && { status: row.tracker_status }),
  };
}

export function toActionItem(row: ActionItemRow): PostmortemActionItem {
  return {
    id: row.id,
    postmortemId: row.postmortem_id,
    title: row.title,
    ownerRef: row.owner_ref ?? undefined,
    dueDate: row.due_date ?? undefined,
    status: row.status,
    createdBy: row.created_by,
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
    tracking: toTracking(row),
  };
}

/**
 * 409 when the post-mortem is published: it is read-only until reopened.
 * `what` says what was refused, e.g. "its sections".
 */
export function assertNotPublished(
  row: Pick<PostmortemRow, 'status' | 'incident_number'>,
  what: string,
): void {
  if (row.status === 'published') {
    throw new ConflictError(
      `${referenceOf(
        row,
      )} is published, so ${what} cannot change; reopen it (with a reason) first`,
    );
  }
}

/** Adds a step to the post-mortem's own timeline. */
export async function recordEvent(
  tx: Knex,
  postmortemId: string,
  type: PostmortemEventType,
  actor: string,
  extra: { reason?: string; reviewerRefs?: string[] } = {},
  at: string = new Date().toISOString(),
): Promise<void> {
  await tx(EVENTS).insert({
    postmortem_id: postmortemId,
    type,
    actor,
    text: extra.reason ?? null,
    payload: JSON.stringify(
      extra.reviewerRefs ? { reviewerRefs: extra.reviewerRefs } : {},
    ),
    created_at: at,
  });
}

export function toEvent(row: EventRow): PostmortemEvent {
  const payload = JSON.parse(row.payload) as { reviewerRefs?: string[] };
  return {
    id: String(row.id),
    type: row.type,
    actor: row.actor,
    at: toIsoString(row.created_at),
    ...(row.text !== null && { reason: row.text }),
    ...(payload.reviewerRefs && { reviewerRefs: payload.reviewerRefs }),
  };
}

export function toApproval(row: ApprovalRow): PostmortemApproval {
  return {
    reviewerRef: row.reviewer_ref,
    approvedAt: toIsoString(row.approved_at),
  };
}
