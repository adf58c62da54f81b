import {
  whereIncidentPermitted,
  wherePermitted,
} from '../permissions/permissionFilter';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  allowedTransitions,
  formatIncidentReference,
  Incident,
  IncidentRole,
  IncidentStatus,
  isReopen,
  parseIncidentReference,
  referenceNumber,
  Severity,
  SINGLE_HOLDER_ROLES,
  TimelineEvent,
  TimelineEventType,
} from '@multivac/plugin-multivac-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  DeclareOptions,
  IncidentChanges,
  IncidentFilter,
  IncidentStore,
  NewIncident,
  RoleChange,
  TimelineEventSink,
} from './IncidentStore';
import { isPostgres, nextNumber, nowIso, toIsoString } from './util';
import { transactionOf } from './Transaction';

type IncidentRow = {
  id: string;
  number: number | string;
  title: string;
  description: string;
  severity: string;
  status: string;
  summary: string;
  impact: string;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  state_timestamps: string;
};

type TimelineRow = {
  id: number | string;
  incident_id: string;
  type: string;
  actor: string;
  created_at: Date | string;
  payload: string;
};

const EDITABLE_TEXT_FIELDS = [
  'title',
  'description',
  'summary',
  'impact',
] as const;

export class DatabaseIncidentStore implements IncidentStore {
  /** `onTimelineEvent` runs inside the transaction of every change. */
  constructor(
    private readonly db: Knex,
    private readonly onTimelineEvent?: TimelineEventSink,
  ) {}

  async createIncident(
    input: NewIncident,
    actor: string,
    options: DeclareOptions = {},
  ): Promise<Incident> {
    const id = randomUUID();
    await this.db.transaction(async tx => {
      const now = nowIso();
      await tx('multivac_incidents').insert({
        id,
        number: await nextNumber(tx, 'incident_number'),
        title: input.title,
        description: input.description ?? '',
        severity: input.severity,
        status: 'triggered',
        summary: input.summary ?? '',
        impact: input.impact ?? '',
        created_by: actor,
        created_at: now,
        updated_at: now,
        state_timestamps: JSON.stringify({ triggered: now }),
      });
      await tx('multivac_incident_entities').insert(
        unique(input.entityRefs).map(entityRef => ({
          incident_id: id,
          entity_ref: entityRef,
        })),
      );
      await this.appendEvent(tx, id, 'declared', actor, {
        title: input.title,
        severity: input.severity,
        entityRefs: unique(input.entityRefs),
        ...(options.fromReport && { fromReport: options.fromReport }),
      });
      for (const { role, userRef } of options.roles ?? []) {
        await tx('multivac_incident_roles').insert({
          incident_id: id,
          role,
          user_ref: userRef,
          assigned_at: now,
        });
        await this.appendEvent(tx, id, 'role_assigned', actor, {
          role,
          userRef,
        });
      }
      await options.andThen?.(transactionOf(tx), id);
    });
    return this.mustGet(id);
  }

  async getIncident(idOrReference: string): Promise<Incident | undefined> {
    const number =
      parseIncidentReference(idOrReference) ?? referenceNumber(idOrReference);
    const row = await this.db<IncidentRow>('multivac_incidents')
      .where(number !== undefined ? { number } : { id: idOrReference })
      .first();
    if (!row) {
      return undefined;
    }
    const [incident] = await this.hydrate(this.db, [row]);
    return incident;
  }

  async listIncidents(
    filter: IncidentFilter,
  ): Promise<{ items: Incident[]; totalCount: number }> {
    const query = this.db<IncidentRow>('multivac_incidents');
    if (filter.entityRefs) {
      query.whereIn(
        'id',
        this.db('multivac_incident_entities')
          .select('incident_id')
          .whereIn('entity_ref', filter.entityRefs),
      );
    }
    if (filter.statuses) {
      query.whereIn('status', filter.statuses);
    }
    if (filter.severities) {
      query.whereIn('severity', filter.severities);
    }
    if (filter.text) {
      const pattern = `%${filter.text.replace(/[\\%_]/g, c => `\\${c}`)}%`;
      // Lowered by the database on both sides, so that both agree on case.
      query.where(q =>
        q
          .whereRaw(`LOWER(title) LIKE LOWER(?) ESCAPE '\\'`, [pattern])
          .orWhereRaw(`LOWER(summary) LIKE LOWER(?) ESCAPE '\\'`, [pattern]),
      );
    }
    if (filter.from) {
      query.where('created_at', '>=', toIsoString(filter.from));
    }
    if (filter.to) {
      query.where('created_at', '<', toIsoString(filter.to));
    }
    if (filter.permission) {
      wherePermitted(
        query,
        filter.permission,
        whereIncidentPermitted(this.db, 'id'),
      );
    }
    const [{ count }] = await query.clone().count({ count: '*' });
    const rows = await query
      .select('*')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'number', order: 'desc' },
      ])
      .limit(filter.limit)
      .offset(filter.offset);
    return {
      items: await this.hydrate(this.db, rows),
      totalCount: Number(count),
    };
  }

  async updateIncident(
    id: string,
    changes: IncidentChanges,
    actor: string,
  ): Promise<Incident> {
    await this.db.transaction(async tx => {
      const current = await this.lockForChange(tx, id);
      const update: Partial<IncidentRow> = {};
      for (const field of EDITABLE_TEXT_FIELDS) {
        const to = changes[field];
        if (to !== undefined && to !== current[field]) {
          update[field] = to;
          await this.appendEvent(tx, id, 'field_changed', actor, {
            field,
            from: current[field],
            to,
          });
        }
      }
      if (changes.severity && changes.severity !== current.severity) {
        update.severity = changes.severity;
        await this.appendEvent(tx, id, 'severity_changed', actor, {
          from: current.severity,
          to: changes.severity,
        });
      }
      if (changes.entityRefs) {
        const from = [...current.entityRefs].sort();
        const to = unique(changes.entityRefs).sort();
        if (from.join('\n') !== to.join('\n')) {
          await tx('multivac_incident_entities')
            .where({ incident_id: id })
            .delete();
          await tx('multivac_incident_entities').insert(
            to.map(entityRef => ({ incident_id: id, entity_ref: entityRef })),
          );
          await this.appendEvent(tx, id, 'field_changed', actor, {
            field: 'entityRefs',
            from,
            to,
          });
        }
      }
      if (Object.keys(update).length > 0) {
        await tx('multivac_incidents').where({ id }).update(update);
      }
    });
    return this.mustGet(id);
  }

  async transitionIncident(
    id: string,
    to: IncidentStatus,
    actor: string,
    note?: string,
  ): Promise<Incident> {
    await this.db.transaction(async tx => {
      const current = await this.lockForChange(tx, id);
      const allowed = allowedTransitions(current.status);
      if (!allowed.includes(to)) {
        const hint = allowed.length
          ? `allowed: ${allowed.join(', ')}`
          : `${current.status} is final`;
        throw new ConflictError(
          `${current.reference} cannot move from ${current.status} to ${to}; ${hint}`,
        );
      }
      const now = nowIso();
      await tx('multivac_incidents')
        .where({ id })
        .update({
          status: to,
          state_timestamps: JSON.stringify({
            ...current.stateTimestamps,
            [to]: now,
          }),
        });
      await this.appendEvent(
        tx,
        id,
        isReopen(current.status, to) ? 'reopened' : 'status_changed',
        actor,
        { from: current.status, to, ...(note ? { note } : {}) },
      );
    });
    return this.mustGet(id);
  }

  async changeRole(
    id: string,
    change: RoleChange,
    actor: string,
  ): Promise<Incident> {
    const { role, userRef } = change;
    await this.db.transaction(async tx => {
      const current = await this.lockForChange(tx, id);
      const holders = current.roles
        .filter(r => r.role === role)
        .map(r => r.userRef);
      const roles = tx('multivac_incident_roles');
      if (change.action === 'remove') {
        if (!holders.includes(userRef)) {
          throw new ConflictError(
            `${userRef} does not hold the ${role} role on ${current.reference}`,
          );
        }
        await roles
          .where({ incident_id: id, role, user_ref: userRef })
          .delete();
        await this.appendEvent(tx, id, 'role_removed', actor, {
          role,
          userRef,
        });
      } else {
        if (holders.includes(userRef)) {
          return;
        }
        const replaces = SINGLE_HOLDER_ROLES.includes(role) ? holders : [];
        if (replaces.length) {
          await tx('multivac_incident_roles')
            .where({ incident_id: id, role })
            .delete();
        }
        await tx('multivac_incident_roles').insert({
          incident_id: id,
          role,
          user_ref: userRef,
          assigned_at: nowIso(),
        });
        await this.appendEvent(tx, id, 'role_assigned', actor, {
          role,
          userRef,
          ...(replaces.length ? { previous: replaces[0] } : {}),
        });
      }
    });
    return this.mustGet(id);
  }

  async addNote(
    id: string,
    text: string,
    actor: string,
  ): Promise<TimelineEvent> {
    return this.db.transaction(async tx => {
      await this.lockForChange(tx, id);
      const event = await this.appendEvent(tx, id, 'note', actor, { text });
      return event;
    });
  }

  async getTimeline(id: string): Promise<TimelineEvent[]> {
    const rows = await this.db<TimelineRow>('multivac_timeline')
      .where({ incident_id: id })
      .orderBy('id', 'asc');
    return rows.map(toTimelineEvent);
  }

  async getTimelineEvent(eventId: string): Promise<TimelineEvent | undefined> {
    const row = await this.db<TimelineRow>('multivac_timeline')
      .where({ id: eventId })
      .first();
    return row && toTimelineEvent(row);
  }

  /** Reads the incident inside `tx`, row-locked on PostgreSQL. */
  private async lockForChange(
    tx: Knex.Transaction,
    id: string,
  ): Promise<Incident> {
    const query = tx<IncidentRow>('multivac_incidents').where({ id }).first();
    if (isPostgres(tx)) {
      query.forUpdate();
    }
    const row = await query;
    if (!row) {
      throw new NotFoundError(`No incident with id ${id}`);
    }
    const [incident] = await this.hydrate(tx, [row]);
    return incident;
  }

  private async appendEvent(
    tx: Knex.Transaction,
    incidentId: string,
    type: TimelineEventType,
    actor: string,
    payload: Record<string, unknown>,
  ): Promise<TimelineEvent> {
    const createdAt = nowIso();
    // Every change is recorded as an event, so this is where it counts as an update.
    await tx('multivac_incidents')
      .where({ id: incidentId })
      .update({ updated_at: createdAt });
    const [inserted] = await tx('multivac_timeline')
      .insert({
        incident_id: incidentId,
        type,
        actor,
        created_at: createdAt,
        payload: JSON.stringify(payload),
      })
      .returning('id');
    const event: TimelineEvent = {
      id: String(typeof inserted === 'object' ? inserted.id : inserted),
      incidentId,
      type,
      actor,
      createdAt,
      payload,
    };
    await this.onTimelineEvent?.(transactionOf(tx), event);
    return event;
  }

  private async mustGet(id: string): Promise<Incident> {
    const incident = await this.getIncident(id);
    if (!incident) {
      throw new NotFoundError(`No incident with id ${id}`);
    }
    return incident;
  }

  private async hydrate(db: Knex, rows: IncidentRow[]): Promise<Incident[]> {
    if (rows.length === 0) {
      return [];
    }
    const ids = rows.map(r => r.id);
    const [entities, roles] = await Promise.all([
      db('multivac_incident_entities')
        .whereIn('incident_id', ids)
        .orderBy('entity_ref'),
      db('multivac_incident_roles')
        .whereIn('incident_id', ids)
        .orderBy('assigned_at'),
    ]);
    return rows.map(row => ({
      id: row.id,
      number: Number(row.number),
      reference: formatIncidentReference(Number(row.number)),
      title: row.title,
      description: row.description,
      severity: row.severity as Severity,
      status: row.status as IncidentStatus,
      entityRefs: entities
        .filter(e => e.incident_id === row.id)
        .map(e => e.entity_ref),
      summary: row.summary,
      impact: row.impact,
      createdBy: row.created_by,
      createdAt: toIsoString(row.created_at),
      updatedAt: toIsoString(row.updated_at),
      stateTimestamps: JSON.parse(row.state_timestamps),
      roles: roles
        .filter(r => r.incident_id === row.id)
        .map(r => ({
          role: r.role as IncidentRole,
          userRef: r.user_ref,
          assignedAt: toIsoString(r.assigned_at),
        })),
    }));
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function toTimelineEvent(row: TimelineRow): TimelineEvent {
  return {
    id: String(row.id),
    incidentId: row.incident_id,
    type: row.type as TimelineEventType,
    actor: row.actor,
    createdAt: toIsoString(row.created_at),
    payload: JSON.parse(row.payload),
  };
}
