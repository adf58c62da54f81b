import { formatPostmortemReference } from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { isPostgres, optionalIsoString } from '../database/util';

/** A post-mortem of one of the team's incidents. */
export interface TeamPostmortem {
  /** `PM-7` */
  reference: string;
  dueDate: string;
  status: string;
  publishedAt?: string;
}

/** An open action item past its due date. */
export interface OverdueActionItem {
  /** `PM-7` */
  postmortem: string;
  title: string;
  dueDate: string;
}

/** The report card's reads that the insights store does not answer. */
export interface ReportCardStore {
  /**
   * Post-mortems of incidents on entities the team owns (as recorded in
   * `multivac_entity_owners`) that were due in [dueFrom, dueBefore), or are
   * unpublished and were due before `today`; by incident number.
   */
  postmortems(
    team: string,
    dueFrom: string,
    dueBefore: string,
    today: string,
  ): Promise<TeamPostmortem[]>;
  /** Open action items of those post-mortems due before `today`, oldest due first. */
  overdueActionItems(
    team: string,
    today: string,
    limit: number,
  ): Promise<{ total: number; items: OverdueActionItem[] }>;
}

/** The team's incidents: any entity of theirs owned by the team. */
const OF_TEAM = `EXISTS (SELECT 1 FROM multivac_incident_entities e
  JOIN multivac_entity_owners o ON o.entity_ref = e.entity_ref
  WHERE e.incident_id = i.id AND o.owner_ref = ?)`;

export class DatabaseReportCardStore implements ReportCardStore {
  private readonly pg: boolean;

  constructor(private readonly db: Knex) {
    this.pg = isPostgres(db);
  }

  async postmortems(
    team: string,
    dueFrom: string,
    dueBefore: string,
    today: string,
  ): Promise<TeamPostmortem[]> {
    const rows: Array<{
      number: number | string;
      due_date: string;
      status: string;
      published_at: Date | string | null;
    }> = await this.rows(
      `SELECT i.number, p.due_date, p.status, p.published_at
       FROM multivac_postmortems p
       JOIN multivac_incidents i ON i.id = p.incident_id
       WHERE ${OF_TEAM}
         AND ((p.due_date >= ? AND p.due_date < ?)
           OR (p.status <> 'published' AND p.due_date < ?))
       ORDER BY i.number`,
      [team, dueFrom, dueBefore, today],
    );
    return rows.map(row => ({
      reference: formatPostmortemReference(Number(row.number)),
      dueDate: row.due_date,
      status: row.status,
      publishedAt: optionalIsoString(row.published_at),
    }));
  }

  async overdueActionItems(
    team: string,
    today: string,
    limit: number,
  ): Promise<{ total: number; items: OverdueActionItem[] }> {
    const from = `FROM multivac_postmortem_action_items a
      JOIN multivac_postmortems p ON p.id = a.postmortem_id
      JOIN multivac_incidents i ON i.id = p.incident_id
      WHERE a.status = 'open' AND a.due_date IS NOT NULL AND a.due_date < ?
        AND ${OF_TEAM}`;
    const [[{ n }], rows] = await Promise.all([
      this.rows<{ n: number | string }>(`SELECT count(*) AS n ${from}`, [
        today,
        team,
      ]),
      this.rows<{ number: number | string; title: string; due_date: string }>(
        `SELECT i.number, a.title, a.due_date ${from}
         ORDER BY a.due_date, i.number, a.title LIMIT ?`,
        [today, team, limit],
      ),
    ]);
    return {
      total: Number(n),
      items: rows.map(row => ({
        postmortem: formatPostmortemReference(Number(row.number)),
        title: row.title,
        dueDate: row.due_date,
      })),
    };
  }

  private async rows<T>(sql: string, params: Knex.RawBinding[]): Promise<T[]> {
    const result = await this.db.raw(sql, params);
    return this.pg ? result.rows : result;
  }
}
