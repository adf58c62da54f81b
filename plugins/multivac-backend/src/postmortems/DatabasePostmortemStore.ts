import {
  whereIncidentPermitted,
  wherePermitted,
} from '../permissions/permissionFilter';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  allowedPostmortemTransitions,
  formatIncidentReference,
  parsePostmortemReference,
  PostmortemSection,
  PostmortemStatus,
} from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { nowIso, optionalIsoString, toIsoString } from '../database/util';
import { Transaction, transactionOf } from '../database/Transaction';
import {
  ACTION_ITEMS,
  APPROVALS,
  ApprovalRow,
  assertNotPublished,
  changePostmortem,
  EVENTS,
  EventRow,
  POSTMORTEMS,
  PostmortemRow,
  recordEvent,
  referenceOf,
  SECTIONS,
  SectionRow,
  selectPostmortems,
  toApproval,
  toEvent,
  toTracking,
  trackingColumns,
} from './databaseTables';
import {
  InTransaction,
  LockedPostmortem,
  NewPostmortem,
  PostmortemChanges,
  PostmortemFilter,
  PostmortemStore,
  StoredPostmortem,
  StoredPostmortemSummary,
} from './PostmortemStore';

/** Post-mortems on the plugin's database (SQLite or PostgreSQL). */
export class DatabasePostmortemStore implements PostmortemStore {
  constructor(private readonly db: Knex) {}

  async create(
    input: NewPostmortem,
    andThen: (tx: Transaction, postmortemId: string) => Promise<void>,
  ): Promise<{ postmortem: StoredPostmortem; created: boolean }> {
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
          reviewer_refs: JSON.stringify([...new Set(input.reviewerRefs)]),
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
      await recordEvent(tx, id, 'created', input.createdBy, {}, now);
      await andThen(transactionOf(tx), id);
    });
    const postmortem = await this.getByIncident(input.incidentId);
    if (!postmortem) {
      throw new NotFoundError(
        `No post-mortem for incident ${input.incidentId}`,
      );
    }
    return { postmortem, created };
  }

  async get(idOrReference: string): Promise<StoredPostmortem | undefined> {
    const number = parsePostmortemReference(idOrReference);
    return this.getWhere(
      number !== undefined
        ? { 'multivac_incidents.number': number }
        : { [`${POSTMORTEMS}.id`]: idOrReference },
    );
  }

  async getByIncident(
    incidentId: string,
  ): Promise<StoredPostmortem | undefined> {
    return this.getWhere({ [`${POSTMORTEMS}.incident_id`]: incidentId });
  }

  async list(
    filter: PostmortemFilter,
    today: string,
  ): Promise<{ items: StoredPostmortemSummary[]; totalCount: number }> {
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
              .whereRaw(...like('text'))
              .union(
                this.db(ACTION_ITEMS)
                  .select('postmortem_id')
                  .whereRaw(...like('title')),
              ),
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
            .where(`${POSTMORTEMS}.due_date`, '<', today);
        if (filter.overdue) {
          overdue(query);
        } else {
          query.whereNot(overdue);
        }
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
    const [{ count }] = await filtered(this.db(POSTMORTEMS)).count({
      count: '*',
    });
    const rows: PostmortemRow[] = await filtered(selectPostmortems(this.db))
      .orderBy(`${POSTMORTEMS}.created_at`, 'desc')
      .orderBy('multivac_incidents.number', 'desc')
      .limit(filter.limit)
      .offset(filter.offset);
    return { items: rows.map(toSummary), totalCount: Number(count) };
  }

  async update(
    id: string,
    changes: PostmortemChanges,
    actor: string,
  ): Promise<StoredPostmortem> {
    await changePostmortem(this.db, id, async (tx, row) => {
      assertNotPublished(row, 'it');
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
            `sections: ${referenceOf(row)} has no section ${unknown
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
      if (changes.reviewerRefs !== undefined) {
        const before: string[] = JSON.parse(row.reviewer_refs);
        const after = [...new Set(changes.reviewerRefs)];
        if (
          before.length !== after.length ||
          before.some(ref => !after.includes(ref))
        ) {
          await tx(APPROVALS)
            .where({ postmortem_id: id })
            .whereNotIn('reviewer_ref', after)
            .delete();
          await recordEvent(tx, id, 'reviewers_changed', actor, {
            reviewerRefs: after,
          });
        }
      }
    });
    return this.mustGet(id);
  }

  async transition(
    id: string,
    to: PostmortemStatus,
    actor: string,
    andThen: InTransaction,
  ): Promise<StoredPostmortem> {
    await changePostmortem(this.db, id, async (tx, row) => {
      const allowed = allowedPostmortemTransitions(row.status);
      if (!allowed.includes(to)) {
        const hint = allowed.length
          ? `allowed: ${allowed.join(', ')}`
          : 'a published post-mortem changes only when reopened with a reason';
        throw new ConflictError(
          `${referenceOf(row)} cannot move from ${
            row.status
          } to ${to}; ${hint}`,
        );
      }
      const before = await this.locked(tx, id);
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
      if (to === 'draft') {
        await tx(APPROVALS).where({ postmortem_id: id }).delete();
      }
      await recordEvent(
        tx,
        id,
        (
          {
            draft: 'returned_to_draft',
            in_review: 'review_requested',
            published: 'published',
          } as const
        )[to],
        actor,
        {},
        now,
      );
      await andThen(transactionOf(tx), before);
    });
    return this.mustGet(id);
  }

  async approve(
    id: string,
    reviewerRef: string,
    andThen: InTransaction,
  ): Promise<StoredPostmortem> {
    await changePostmortem(this.db, id, async tx => {
      await andThen(transactionOf(tx), await this.locked(tx, id));
      const now = nowIso();
      await tx(APPROVALS)
        .insert({
          postmortem_id: id,
          reviewer_ref: reviewerRef,
          approved_at: now,
        })
        .onConflict(['postmortem_id', 'reviewer_ref'])
        .merge(['approved_at']);
      await tx(POSTMORTEMS).where({ id }).update({ updated_at: now });
      await recordEvent(tx, id, 'approved', reviewerRef, {}, now);
    });
    return this.mustGet(id);
  }

  async reopen(
    id: string,
    actor: string,
    reason: string,
    andThen: InTransaction,
  ): Promise<StoredPostmortem> {
    await changePostmortem(this.db, id, async (tx, row) => {
      if (row.status !== 'published') {
        throw new ConflictError(
          `${referenceOf(row)} is ${
            row.status
          }, not published: there is nothing to reopen`,
        );
      }
      await andThen(transactionOf(tx), await this.locked(tx, id));
      const now = nowIso();
      await tx(POSTMORTEMS).where({ id }).update({
        status: 'draft',
        updated_at: now,
        published_at: null,
        published_by: null,
      });
      await tx(APPROVALS).where({ postmortem_id: id }).delete();
      await recordEvent(tx, id, 'reopened', actor, { reason }, now);
    });
    return this.mustGet(id);
  }

  /** The post-mortem as read inside the transaction changing it. */
  private async locked(
    tx: Knex.Transaction,
    id: string,
  ): Promise<LockedPostmortem> {
    const stored = await this.getWhere({ [`${POSTMORTEMS}.id`]: id }, tx);
    const [{ count }] = await tx(ACTION_ITEMS)
      .where({ postmortem_id: id })
      .count({ count: '*' });
    return { ...stored!, actionItemCount: Number(count) };
  }

  private async mustGet(id: string): Promise<StoredPostmortem> {
    const postmortem = await this.get(id);
    if (!postmortem) {
      throw new NotFoundError(`No post-mortem ${id}`);
    }
    return postmortem;
  }

  /** `db` is the transaction when read inside one. */
  private async getWhere(
    where: Record<string, string | number>,
    db: Knex = this.db,
  ): Promise<StoredPostmortem | undefined> {
    const row: PostmortemRow | undefined = await selectPostmortems(db)
      .where(where)
      .first();
    if (!row) {
      return undefined;
    }
    const summary = toSummary(row);
    // One after the other: a transaction's connection runs one query at a time.
    const sections = await db<SectionRow>(SECTIONS)
      .where({ postmortem_id: row.id })
      .orderBy('position');
    const approvals = await db<ApprovalRow>(APPROVALS)
      .where({ postmortem_id: row.id })
      .whereIn('reviewer_ref', summary.reviewerRefs)
      .orderBy([{ column: 'approved_at' }, { column: 'reviewer_ref' }]);
    const events = await db<EventRow>(EVENTS)
      .where({ postmortem_id: row.id })
      .orderBy('id');
    return {
      ...summary,
      approvals: approvals.map(toApproval),
      history: events.map(toEvent),
      facts: JSON.parse(row.facts),
      sections: sections.map(
        (s): PostmortemSection => ({
          id: s.section_id,
          title: s.title,
          ...(s.hint !== null && { hint: s.hint }),
          text: s.text,
        }),
      ),
    };
  }
}

function toSummary(row: PostmortemRow): StoredPostmortemSummary {
  return {
    id: row.id,
    reference: referenceOf(row),
    incidentId: row.incident_id,
    incidentReference: formatIncidentReference(Number(row.incident_number)),
    title: row.title,
    severity: row.severity,
    status: row.status,
    ownerRef: row.owner_ref,
    reviewerRefs: JSON.parse(row.reviewer_refs),
    dueDate: row.due_date,
    createdBy: row.created_by,
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
    publishedAt: optionalIsoString(row.published_at),
    publishedBy: row.published_by ?? undefined,
    tracking: toTracking(row),
  };
}
