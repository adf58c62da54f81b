import { PostmortemTracking } from '@multivac/plugin-multivac-common';
import { TrackerIssue } from '@multivac/plugin-multivac-node';
import { Knex } from 'knex';
import { nowIso } from '../database/util';
import { transactionOf } from '../database/Transaction';
import { ACTION_ITEMS, POSTMORTEMS, trackingColumns } from './databaseTables';
import {
  PostmortemFollowUpStore,
  Remind,
  TrackedRecord,
} from './PostmortemFollowUpStore';

/**
 * Post-mortems' and action items' issues in the tracker, and the reminders
 * of overdue post-mortems, on the plugin's database.
 */
export class DatabasePostmortemFollowUpStore
  implements PostmortemFollowUpStore
{
  constructor(private readonly db: Knex) {}

  async setTracking(
    record: TrackedRecord,
    tracking: PostmortemTracking,
  ): Promise<void> {
    const [table, id] =
      'postmortemId' in record
        ? [POSTMORTEMS, record.postmortemId]
        : [ACTION_ITEMS, record.actionItemId];
    await this.db(table).where({ id }).update(trackingColumns(tracking));
  }

  async listOpenTrackerKeys(): Promise<string[]> {
    const [postmortems, items] = await Promise.all([
      this.db(POSTMORTEMS)
        .whereNotNull('tracker_key')
        .whereNot('status', 'published')
        .select('tracker_key'),
      this.db(ACTION_ITEMS)
        .whereNotNull('tracker_key')
        .where('status', 'open')
        .select('tracker_key'),
    ]);
    return [...postmortems, ...items].map(r => r.tracker_key);
  }

  async recordTrackerStates(issues: TrackerIssue[]): Promise<void> {
    const changed = (issue: TrackerIssue) => (q: Knex.QueryBuilder) =>
      q
        .where({ tracker_key: issue.key })
        .where(c =>
          c
            .whereNull('tracker_status')
            .orWhereNot('tracker_status', issue.status),
        );
    for (const issue of issues) {
      const now = nowIso();
      await this.db.transaction(async tx => {
        await tx(POSTMORTEMS)
          .where(changed(issue))
          .update({ tracker_status: issue.status, updated_at: now });
        await tx(ACTION_ITEMS)
          .where(changed(issue))
          .update({ tracker_status: issue.status, updated_at: now });
        if (issue.done) {
          // Done in the tracker closes the item; reopening there does not
          // reopen it here, where people may have closed it themselves.
          await tx(ACTION_ITEMS)
            .where({ tracker_key: issue.key, status: 'open' })
            .update({ status: 'done', updated_at: now });
        }
      });
    }
  }

  async listDueForReminder(today: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await dueForReminder(
      this.db(POSTMORTEMS),
      today,
    ).select('id');
    return rows.map(r => r.id);
  }

  async markReminded(
    id: string,
    today: string,
    andThen: Remind,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      // Conditional, so that of two replicas reminding at once one wins.
      const updated = await dueForReminder(
        tx(POSTMORTEMS).where({ id }),
        today,
      ).update({ last_reminded_on: today });
      if (updated === 0) {
        return false;
      }
      const { incident_id } = await tx(POSTMORTEMS)
        .where({ id })
        .first('incident_id');
      await andThen(transactionOf(tx), { id, incidentId: incident_id });
      return true;
    });
  }
}

function dueForReminder(query: Knex.QueryBuilder, today: string) {
  return query
    .whereNot('status', 'published')
    .where('due_date', '<', today)
    .where(q =>
      q.whereNull('last_reminded_on').orWhere('last_reminded_on', '<', today),
    );
}
