import {
  wherePermitted,
  whereReleasePermitted,
} from '../permissions/permissionFilter';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ACTIVE_RELEASE_STATUSES,
  allowedReleaseTransitions,
  formatReleaseReference,
  MAX_RELEASE_WINDOW_HOURS,
  parseReleaseReference,
  RELEASE_CLOCK_ACTOR,
  referenceNumber,
  Release,
  ReleaseStatus,
  ReleaseStatusChange,
} from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { isPostgres, nextNumber, nowIso, toIsoString } from '../database/util';
import {
  NewRelease,
  OverlapQuery,
  ReleaseChanges,
  ReleaseFilter,
  ReleaseStore,
} from './ReleaseStore';
import { knexOf, Transaction, transactionOf } from '../database/Transaction';

const RELEASES = 'multivac_releases';
const MAX_WINDOW_MS = MAX_RELEASE_WINDOW_HOURS * 3_600_000;

/**
 * Who moves releases when their window starts or ends, in their history.
 * The status route's actors are entity refs (`user:…`, `plugin:…`).
 */
const CLOCK_ACTOR = RELEASE_CLOCK_ACTOR;

type ReleaseRow = {
  id: string;
  number: number | string;
  entity_ref: string;
  title: string;
  environment: string;
  start_at: Date | string;
  end_at: Date | string;
  status: ReleaseStatus;
  owner_ref: string;
  links: string;
  notes: string;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  status_history: string;
  forced: string | null;
  starting_notified_at: Date | string | null;
};

/** Releases on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseReleaseStore implements ReleaseStore {
  constructor(private readonly db: Knex) {}

  async withEnvironmentLock<T>(
    environment: string,
    fn: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async tx => {
      // SQLite runs one write transaction at a time already.
      if (isPostgres(tx)) {
        await tx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [
          `multivac_releases:${environment}`,
        ]);
      }
      return fn(transactionOf(tx));
    });
  }

  async create(
    input: NewRelease,
    actor: string,
    tx?: Transaction,
  ): Promise<Release> {
    const insert = async (db: Knex.Transaction) => {
      const id = randomUUID();
      const now = nowIso();
      const history: ReleaseStatusChange[] = input.done
        ? [{ status: 'done', at: now, by: actor, note: input.done.reason }]
        : [{ status: 'planned', at: now, by: actor }];
      await db(RELEASES).insert({
        id,
        // The counter is seeded by the releases migration.
        number: await nextNumber(db, 'release_number'),
        entity_ref: input.entityRef,
        title: input.title,
        environment: input.environment,
        start_at: toIsoString(input.start),
        end_at: toIsoString(input.end),
        status: input.done ? 'done' : 'planned',
        owner_ref: input.ownerRef,
        links: JSON.stringify(input.links),
        notes: input.notes,
        created_by: actor,
        created_at: now,
        updated_at: now,
        status_history: JSON.stringify(history),
        forced: input.forced ? JSON.stringify(input.forced) : null,
      });
      return this.mustGet(id, db);
    };
    return tx ? insert(knexOf(tx)) : this.db.transaction(insert);
  }

  async get(idOrReference: string, tx?: Transaction) {
    const db = tx ? knexOf(tx) : this.db;
    const number =
      parseReleaseReference(idOrReference) ?? referenceNumber(idOrReference);
    const row = await db<ReleaseRow>(RELEASES)
      .where(number !== undefined ? { number } : { id: idOrReference })
      .first();
    return row && toRelease(row);
  }

  async list(
    filter: ReleaseFilter,
  ): Promise<{ items: Release[]; totalCount: number }> {
    const query = this.db<ReleaseRow>(RELEASES);
    if (filter.entityRefs) {
      query.whereIn('entity_ref', filter.entityRefs);
    }
    if (filter.environments) {
      query.whereIn('environment', filter.environments);
    }
    if (filter.statuses) {
      query.whereIn('status', filter.statuses);
    }
    if (filter.from) {
      query.where('end_at', '>', toIsoString(filter.from));
    }
    if (filter.to) {
      query.where('start_at', '<', toIsoString(filter.to));
    }
    if (filter.permission) {
      wherePermitted(query, filter.permission, whereReleasePermitted);
    }
    const [{ count }] = await query.clone().count({ count: '*' });
    const rows = await query
      .select('*')
      .orderBy([
        { column: 'start_at', order: 'asc' },
        { column: 'number', order: 'asc' },
      ])
      .limit(filter.limit)
      .offset(filter.offset);
    return { items: rows.map(toRelease), totalCount: Number(count) };
  }

  async findOverlapping(
    query: OverlapQuery,
    tx?: Transaction,
  ): Promise<Release[]> {
    const db = tx ? knexOf(tx) : this.db;
    const start = toIsoString(query.start);
    const earliestStart = new Date(
      Date.parse(query.start) - MAX_WINDOW_MS,
    ).toISOString();
    const rows = db<ReleaseRow>(RELEASES)
      .where('environment', query.environment)
      // No window is longer than the maximum: this bounds the index scan.
      .where('start_at', '>', earliestStart)
      .where('start_at', '<', toIsoString(query.end))
      .where('end_at', '>', start)
      .whereIn('status', ACTIVE_RELEASE_STATUSES);
    if (query.excludeId) {
      rows.whereNot('id', query.excludeId);
    }
    return (await rows.orderBy('start_at', 'asc')).map(toRelease);
  }

  async update(
    id: string,
    changes: ReleaseChanges,
    tx?: Transaction,
  ): Promise<Release> {
    const apply = async (db: Knex.Transaction) => {
      await this.lockForChange(db, id);
      const update: Partial<ReleaseRow> = { updated_at: nowIso() };
      if (changes.title !== undefined) update.title = changes.title;
      if (changes.start !== undefined) {
        update.start_at = toIsoString(changes.start);
      }
      if (changes.end !== undefined) update.end_at = toIsoString(changes.end);
      if (changes.ownerRef !== undefined) update.owner_ref = changes.ownerRef;
      if (changes.links !== undefined) {
        update.links = JSON.stringify(changes.links);
      }
      if (changes.notes !== undefined) update.notes = changes.notes;
      if (changes.forced !== undefined) {
        update.forced = JSON.stringify(changes.forced);
      }
      await db(RELEASES).where({ id }).update(update);
      return this.mustGet(id, db);
    };
    return tx ? apply(knexOf(tx)) : this.db.transaction(apply);
  }

  async transition(
    id: string,
    change: { to: ReleaseStatus; actor: string; note?: string },
    andThen?: (tx: Transaction, release: Release) => Promise<void>,
  ): Promise<Release> {
    return this.db.transaction(async tx => {
      const current = await this.lockForChange(tx, id);
      const allowed = allowedReleaseTransitions(current.status);
      if (!allowed.includes(change.to)) {
        const hint = allowed.length
          ? `allowed: ${allowed.join(', ')}`
          : `${current.status} is final`;
        throw new ConflictError(
          `${current.reference} cannot move from ${current.status} to ${change.to}; ${hint}`,
        );
      }
      const now = nowIso();
      const history: ReleaseStatusChange[] = [
        ...current.history,
        {
          status: change.to,
          at: now,
          by: change.actor,
          ...(change.note ? { note: change.note } : {}),
        },
      ];
      await tx(RELEASES)
        .where({ id })
        .update({
          status: change.to,
          status_history: JSON.stringify(history),
          updated_at: now,
        });
      const release = await this.mustGet(id, tx);
      await andThen?.(transactionOf(tx), release);
      return release;
    });
  }

  async dueToStart(now: Date): Promise<Release[]> {
    const rows = await this.db<ReleaseRow>(RELEASES)
      .where(
        'start_at',
        '>',
        new Date(now.getTime() - MAX_WINDOW_MS).toISOString(),
      )
      .where('start_at', '<=', now.toISOString())
      .where('end_at', '>', now.toISOString())
      .whereIn('status', ACTIVE_RELEASE_STATUSES)
      .whereNull('starting_notified_at')
      .orderBy('start_at', 'asc');
    return rows.map(toRelease);
  }

  async markStarting(id: string, tx?: Transaction): Promise<void> {
    await (tx ? knexOf(tx) : this.db)(RELEASES)
      .where({ id })
      .whereNull('starting_notified_at')
      .update({ starting_notified_at: nowIso() });
  }

  async startDue(now: Date): Promise<number> {
    const at = now.toISOString();
    return this.db(RELEASES)
      .where('status', 'planned')
      .where('start_at', '<=', at)
      .where('end_at', '>', at)
      .update({
        status: 'in_progress',
        status_history: appendHistory(this.db, {
          status: 'in_progress',
          at,
          note: 'the window started',
          by: CLOCK_ACTOR,
        }),
        updated_at: at,
      });
  }

  async finishDue(now: Date): Promise<number> {
    const at = now.toISOString();
    return this.db(RELEASES)
      .where('end_at', '<=', at)
      .where(query =>
        query.where('status', 'planned').orWhere(started =>
          started
            .where('status', 'in_progress')
            // Started by the clock: its last history entry is by CLOCK_ACTOR.
            .where('status_history', 'like', `%"by":"${CLOCK_ACTOR}"}]`),
        ),
      )
      .update({
        status: 'done',
        status_history: appendHistory(this.db, {
          status: 'done',
          at,
          note: 'the window ended',
          by: CLOCK_ACTOR,
        }),
        updated_at: at,
      });
  }

  /** Reads the release inside `tx`, row-locked on PostgreSQL. */
  private async lockForChange(
    tx: Knex.Transaction,
    id: string,
  ): Promise<Release> {
    const query = tx<ReleaseRow>(RELEASES).where({ id }).first();
    if (isPostgres(tx)) {
      query.forUpdate();
    }
    const row = await query;
    if (!row) {
      throw new NotFoundError(`No release with id ${id}`);
    }
    return toRelease(row);
  }

  private async mustGet(id: string, tx: Knex.Transaction): Promise<Release> {
    const release = await this.get(id, transactionOf(tx));
    if (!release) {
      throw new NotFoundError(`No release with id ${id}`);
    }
    return release;
  }
}

/**
 * SQL that appends `change` to the JSON array in `status_history` (text on
 * SQLite and PostgreSQL alike), so that one UPDATE moves many releases.
 * `by` is written last, which `finishDue` relies on.
 */
function appendHistory(db: Knex, change: ReleaseStatusChange) {
  const entry = JSON.stringify({
    status: change.status,
    at: change.at,
    ...(change.note ? { note: change.note } : {}),
    by: change.by,
  });
  return db.raw('substr(status_history, 1, length(status_history) - 1) || ?', [
    `,${entry}]`,
  ]);
}

function toRelease(row: ReleaseRow): Release {
  const number = Number(row.number);
  return {
    id: row.id,
    number,
    reference: formatReleaseReference(number),
    entityRef: row.entity_ref,
    title: row.title,
    environment: row.environment,
    start: toIsoString(row.start_at),
    end: toIsoString(row.end_at),
    status: row.status,
    ownerRef: row.owner_ref,
    links: JSON.parse(row.links),
    notes: row.notes,
    createdBy: row.created_by,
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
    history: JSON.parse(row.status_history),
    ...(row.forced ? { forced: JSON.parse(row.forced) } : {}),
  };
}
