import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ActionItemStatus,
  allowedPostmortemTransitions,
  formatIncidentReference,
  formatPostmortemReference,
  parsePostmortemReference,
  Postmortem,
  PostmortemActionItem,
  PostmortemSection,
  PostmortemStatus,
  PostmortemSummary,
  PostmortemTracking,
  Severity,
} from '@multivac/plugin-multivac-common';
import { TrackerIssue } from '@multivac/plugin-multivac-node';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  isPostgres,
  nowIso,
  optionalIsoString,
  toIsoString,
} from '../database/util';
import {
  ActionItemChanges,
  InTransaction,
  NewActionItem,
  NewPostmortem,
  PostmortemChanges,
  PostmortemFilter,
  PostmortemStore,
  TrackedRecord,
} from './PostmortemStore';

const POSTMORTEMS = 'multivac_postmortems';
const SECTIONS = 'multivac_postmortem_sections';
const ACTION_ITEMS = 'multivac_postmortem_action_items';

type TrackingColumns = {
  tracking_state: PostmortemTracking['state'] | null;
  tracking_attempts: number;
  tracking_error: string | null;
  tracker_key: string | null;
  tracker_url: string | null;
  tracker_status: string | null;
};

type PostmortemRow = TrackingColumns & {
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

type SectionRow = {
  postmortem_id: string;
  section_id: string;
  position: number;
  title: string;
  hint: string | null;
  text: string;
};

type ActionItemRow = TrackingColumns & {
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

/** Post-mortems on the plugin's database (SQLite or PostgreSQL). */
export class DatabasePostmortemStore implements PostmortemStore {
  constructor(
    private readonly db: Knex,
    private readonly options: {
      /** Today's date (YYYY-MM-DD) where due dates are kept. */
      today: () => string;
      urls: {
        postmortem(reference: string): string;
        incident(reference: string): string;
      };
    },
  ) {}

  async create(
    input: NewPostmortem,
    andThen: (tx: Knex.Transaction, postmortemId: string) => Promise<void>,
  ): Promise<{ postmortem: Postmortem; created: boolean }> {
    const id = randomUUID();
    const now = nowIso();
    let created = false;
    await this.db.transaction(async tx => {
      // The unique incident_id makes a concurrent second create (on any
      // replica) insert nothing; PostgreSQL waits for the first to commit.
      await tx(POSTMORTEMS)
        .insert({
          id,
          incident_id: input.incidentId,
          title: input.title,
          severity: input.severity,
          status: 'draft',
          owner_ref: input.ownerRef,
          reviewer_refs: JSON.stringify([]),
          due_date: input.dueDate,
          facts: JSON.stringify(input.facts),
          created_by: input.createdBy,
          created_at: now,
          updated_at: now,
          ...trackingColumns(
            input.tracked ? { state: 'pending', attempts: 0 } : undefined,
          ),
        })
        .onConflict()
        .ignore();
      const stored = await tx(POSTMORTEMS)
        .where({ incident_id: input.incidentId })
        .first('id');
      if (stored?.id !== id) {
        return;
      }
      created = true;
      await tx(SECTIONS).insert(
        input.sections.map((section, position) => ({
          postmortem_id: id,
          section_id: section.id,
          position,
          title: section.title,
          hint: section.hint ?? null,
          text: section.text,
        })),
      );
      await andThen(tx, id);
    });
    const postmortem = await this.getByIncident(input.incidentId);
    if (!postmortem) {
      throw new NotFoundError(
        `No post-mortem for incident ${input.incidentId}`,
      );
    }
    return { postmortem, created };
  }

  async get(idOrReference: string): Promise<Postmortem | undefined> {
    const number = parsePostmortemReference(idOrReference);
    return this.getWhere(
      number !== undefined
        ? { 'multivac_incidents.number': number }
        : { [`${POSTMORTEMS}.id`]: idOrReference },
    );
  }

  async getByIncident(incidentId: string): Promise<Postmortem | undefined> {
    return this.getWhere({ [`${POSTMORTEMS}.incident_id`]: incidentId });
  }

  async list(
    filter: PostmortemFilter,
  ): Promise<{ items: PostmortemSummary[]; totalCount: number }> {
    const filtered = (query: Knex.QueryBuilder) => {
      if (filter.q) {
        const pattern = `%${filter.q.replace(/[\\%_]/g, c => `\\${c}`)}%`;
        // Lowered by the database on both sides, so that both agree on case.
        const like = (column: string) =>
          [`LOWER(${column}) LIKE LOWER(?) ESCAPE '\\'`, [pattern]] as const;
        query.where(q =>
          q.whereRaw(...like(`${POSTMORTEMS}.title`)).orWhereIn(
            `${POSTMORTEMS}.id`,
            this.db(SECTIONS)
              .select('postmortem_id')
              .whereRaw(...like('text')),
          ),
        );
      }
      if (filter.entityRefs) {
        query.whereIn(
          `${POSTMORTEMS}.incident_id`,
          this.db('multivac_incident_entities')
            .select('incident_id')
            .whereIn('entity_ref', filter.entityRefs),
        );
      }
      if (filter.ownerRef) {
        query.where(`${POSTMORTEMS}.owner_ref`, filter.ownerRef);
      }
      if (filter.severities) {
        query.whereIn(`${POSTMORTEMS}.severity`, filter.severities);
      }
      if (filter.statuses) {
        query.whereIn(`${POSTMORTEMS}.status`, filter.statuses);
      }
      if (filter.overdue !== undefined) {
        const overdue = (q: Knex.QueryBuilder) =>
          q
            .whereNot(`${POSTMORTEMS}.status`, 'published')
            .where(`${POSTMORTEMS}.due_date`, '<', this.options.today());
        if (filter.overdue) {
          overdue(query);
        } else {
          query.whereNot(overdue);
        }
      }
      return query;
    };
    const [{ count }] = await filtered(this.db(POSTMORTEMS)).count({
      count: '*',
    });
    const rows: PostmortemRow[] = await filtered(this.select(this.db))
      .orderBy(`${POSTMORTEMS}.created_at`, 'desc')
      .orderBy('multivac_incidents.number', 'desc')
      .limit(filter.limit)
      .offset(filter.offset);
    return {
      items: rows.map(row => this.toSummary(row)),
      totalCount: Number(count),
    };
  }

  async update(id: string, changes: PostmortemChanges): Promise<Postmortem> {
    await this.change(id, async (tx, row) => {
      if (changes.sections) {
        const known: string[] = (
          await tx(SECTIONS)
            .where({ postmortem_id: id })
            .orderBy('position')
            .select('section_id')
        ).map(r => r.section_id);
        const unknown = Object.keys(changes.sections).filter(
          s => !known.includes(s),
        );
        if (unknown.length > 0) {
          throw new InputError(
            `sections: ${reference(row)} has no section ${unknown
              .map(s => `'${s}'`)
              .join(', ')}; its sections are ${known.join(', ')}`,
          );
        }
        for (const [sectionId, text] of Object.entries(changes.sections)) {
          await tx(SECTIONS)
            .where({ postmortem_id: id, section_id: sectionId })
            .update({ text });
        }
      }
      await tx(POSTMORTEMS)
        .where({ id })
        .update({
          ...(changes.ownerRef !== undefined && {
            owner_ref: changes.ownerRef,
          }),
          ...(changes.reviewerRefs !== undefined && {
            reviewer_refs: JSON.stringify([...new Set(changes.reviewerRefs)]),
          }),
          ...(changes.dueDate !== undefined && { due_date: changes.dueDate }),
          updated_at: nowIso(),
        });
    });
    return this.mustGet(id);
  }

  async transition(
    id: string,
    to: PostmortemStatus,
    actor: string,
    andThen: InTransaction,
  ): Promise<Postmortem> {
    await this.change(id, async (tx, row) => {
      const allowed = allowedPostmortemTransitions(row.status);
      if (!allowed.includes(to)) {
        const hint = allowed.length
          ? `allowed: ${allowed.join(', ')}`
          : `${row.status} is final`;
        throw new ConflictError(
          `${reference(row)} cannot move from ${row.status} to ${to}; ${hint}`,
        );
      }
      const now = nowIso();
      await tx(POSTMORTEMS)
        .where({ id })
        .update({
          status: to,
          updated_at: now,
          ...(to === 'published' && {
            published_at: now,
            published_by: actor,
          }),
        });
      await andThen(tx);
    });
    return this.mustGet(id);
  }

  async addActionItem(
    postmortemId: string,
    input: NewActionItem,
    andThen: (
      tx: Knex.Transaction,
      item: PostmortemActionItem,
    ) => Promise<void>,
  ): Promise<PostmortemActionItem> {
    const id = randomUUID();
    await this.change(postmortemId, async tx => {
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
      await tx(POSTMORTEMS).where({ id: postmortemId }).update({
        updated_at: now,
      });
      await andThen(tx, toActionItem(row));
    });
    return (await this.getActionItem(id))!;
  }

  async updateActionItem(
    postmortemId: string,
    itemId: string,
    changes: ActionItemChanges,
  ): Promise<PostmortemActionItem> {
    await this.change(postmortemId, async (tx, row) => {
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
          `${reference(row)} has no action item ${itemId}`,
        );
      }
      await tx(POSTMORTEMS).where({ id: postmortemId }).update({
        updated_at: now,
      });
    });
    return (await this.getActionItem(itemId))!;
  }

  async deleteActionItem(postmortemId: string, itemId: string): Promise<void> {
    await this.change(postmortemId, async (tx, row) => {
      const deleted = await tx(ACTION_ITEMS)
        .where({ id: itemId, postmortem_id: postmortemId })
        .delete();
      if (deleted === 0) {
        throw new NotFoundError(
          `${reference(row)} has no action item ${itemId}`,
        );
      }
      await tx(POSTMORTEMS).where({ id: postmortemId }).update({
        updated_at: nowIso(),
      });
    });
  }

  async getActionItem(
    itemId: string,
  ): Promise<PostmortemActionItem | undefined> {
    const row = await this.db<ActionItemRow>(ACTION_ITEMS)
      .where({ id: itemId })
      .first();
    return row && toActionItem(row);
  }

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
    const rows: Array<{ id: string }> = await this.dueForReminder(
      this.db(POSTMORTEMS),
      today,
    ).select('id');
    return rows.map(r => r.id);
  }

  async markReminded(
    id: string,
    today: string,
    andThen: (
      tx: Knex.Transaction,
      postmortem: Pick<Postmortem, 'id' | 'incidentId'>,
    ) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      // Conditional, so that of two replicas reminding at once one wins.
      const updated = await this.dueForReminder(
        tx(POSTMORTEMS).where({ id }),
        today,
      ).update({ last_reminded_on: today });
      if (updated === 0) {
        return false;
      }
      const { incident_id } = await tx(POSTMORTEMS)
        .where({ id })
        .first('incident_id');
      await andThen(tx, { id, incidentId: incident_id });
      return true;
    });
  }

  private dueForReminder(query: Knex.QueryBuilder, today: string) {
    return query
      .whereNot('status', 'published')
      .where('due_date', '<', today)
      .where(q =>
        q.whereNull('last_reminded_on').orWhere('last_reminded_on', '<', today),
      );
  }

  /** Runs `fn` on the post-mortem's row, locked on PostgreSQL. */
  private async change(
    id: string,
    fn: (tx: Knex.Transaction, row: PostmortemRow) => Promise<void>,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const query = this.select(tx).where(`${POSTMORTEMS}.id`, id).first();
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

  private async mustGet(id: string): Promise<Postmortem> {
    const postmortem = await this.get(id);
    if (!postmortem) {
      throw new NotFoundError(`No post-mortem ${id}`);
    }
    return postmortem;
  }

  private async getWhere(
    where: Record<string, string | number>,
  ): Promise<Postmortem | undefined> {
    const row: PostmortemRow | undefined = await this.select(this.db)
      .where(where)
      .first();
    if (!row) {
      return undefined;
    }
    const [sections, items] = await Promise.all([
      this.db<SectionRow>(SECTIONS)
        .where({ postmortem_id: row.id })
        .orderBy('position'),
      this.db<ActionItemRow>(ACTION_ITEMS)
        .where({ postmortem_id: row.id })
        .orderBy([
          { column: 'created_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ]),
    ]);
    return {
      ...this.toSummary(row),
      facts: JSON.parse(row.facts),
      sections: sections.map(
        (s): PostmortemSection => ({
          id: s.section_id,
          title: s.title,
          ...(s.hint !== null && { hint: s.hint }),
          text: s.text,
        }),
      ),
      actionItems: items.map(toActionItem),
    };
  }

  private select(db: Knex) {
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

  private toSummary(row: PostmortemRow): PostmortemSummary {
    const ref = reference(row);
    const incidentReference = formatIncidentReference(
      Number(row.incident_number),
    );
    return {
      id: row.id,
      reference: ref,
      incidentId: row.incident_id,
      incidentReference,
      title: row.title,
      severity: row.severity,
      status: row.status,
      ownerRef: row.owner_ref,
      reviewerRefs: JSON.parse(row.reviewer_refs),
      dueDate: row.due_date,
      overdue:
        row.status !== 'published' && row.due_date < this.options.today(),
      url: this.options.urls.postmortem(ref),
      incidentUrl: this.options.urls.incident(incidentReference),
      createdBy: row.created_by,
      createdAt: toIsoString(row.created_at),
      updatedAt: toIsoString(row.updated_at),
      publishedAt: optionalIsoString(row.published_at),
      publishedBy: row.published_by ?? undefined,
      tracking: toTracking(row),
    };
  }
}

function reference(row: Pick<PostmortemRow, 'incident_number'>): string {
  return formatPostmortemReference(Number(row.incident_number));
}

function trackingColumns(
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

function toTracking(row: TrackingColumns): PostmortemTracking | undefined {
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

function toActionItem(row: ActionItemRow): PostmortemActionItem {
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
