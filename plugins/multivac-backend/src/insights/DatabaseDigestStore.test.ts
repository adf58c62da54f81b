import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { DatabaseDigestStore } from './DatabaseDigestStore';
import { DatabaseInsightsStore } from './DatabaseInsightsStore';
import { DigestFilter } from './DigestStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ada = 'user:default/ada.lovelace';
const paymentsApi = 'component:default/payments-api';
const ledger = 'component:default/ledger';
const cart = 'component:default/cart';
const orphan = 'component:default/orphan';
const payments = 'group:default/payments';
const storefront = 'group:default/storefront';

/** The 24 hours up to Wednesday 11 March 2026 08:00 UTC. */
const day: DigestFilter = {
  from: new Date('2026-03-10T08:00:00.000Z'),
  to: new Date('2026-03-11T08:00:00.000Z'),
};
/** The next 24 hours, for releases. */
const ahead: DigestFilter = {
  from: new Date('2026-03-11T08:00:00.000Z'),
  to: new Date('2026-03-12T08:00:00.000Z'),
};

/**
 * The fixture (incident numbers in order, times UTC; payments owns
 * payments-api and ledger, storefront owns cart, orphan has no owner):
 * - INC-1 A SEV2 payments-api, declared 10 Mar 09:00, resolved 09:45 (2700 s)
 * - INC-2 B SEV1 cart, declared 9 Mar 20:00, resolved 10 Mar 10:00 (50400 s)
 * - INC-3 C SEV3 ledger, declared 10 Mar 12:00, investigating
 * - INC-4 D SEV4 cart, declared 1 Mar, identified (open for ten days)
 * - INC-5 E cart, declared 10 Mar 13:00, cancelled: in no list
 * - INC-6 F payments-api, declared and resolved 9 Mar, edited 10 Mar 10:00:
 *   not resolved in the period although updated in it
 * - INC-7 G cart, declared 11 Mar 09:00, after the period: in no list
 */
async function insertFixture(knex: Knex) {
  let number = 0;
  async function incident(
    id: string,
    severity: string,
    entityRef: string,
    declared: string,
    status: string,
    resolved?: string,
    updated?: string,
  ) {
    number += 1;
    await knex('multivac_incidents').insert({
      id,
      number,
      title: `Incident ${id}`,
      severity,
      status,
      created_by: ada,
      created_at: declared,
      updated_at: updated ?? resolved ?? declared,
      state_timestamps: JSON.stringify({
        triggered: declared,
        ...(resolved && { resolved }),
      }),
    });
    await knex('multivac_incident_entities').insert({
      incident_id: id,
      entity_ref: entityRef,
    });
  }
  await incident(
    'A',
    'SEV2',
    paymentsApi,
    '2026-03-10T09:00:00.000Z',
    'resolved',
    '2026-03-10T09:45:00.000Z',
  );
  await incident(
    'B',
    'SEV1',
    cart,
    '2026-03-09T20:00:00.000Z',
    'resolved',
    '2026-03-10T10:00:00.000Z',
  );
  await incident(
    'C',
    'SEV3',
    ledger,
    '2026-03-10T12:00:00.000Z',
    'investigating',
  );
  await incident('D', 'SEV4', cart, '2026-03-01T00:00:00.000Z', 'identified');
  await incident('E', 'SEV4', cart, '2026-03-10T13:00:00.000Z', 'cancelled');
  await incident(
    'F',
    'SEV3',
    paymentsApi,
    '2026-03-09T00:00:00.000Z',
    'resolved',
    '2026-03-09T01:00:00.000Z',
    '2026-03-10T10:00:00.000Z',
  );
  await incident(
    'G',
    'SEV2',
    cart,
    '2026-03-11T09:00:00.000Z',
    'investigating',
  );

  let reportNumber = 0;
  async function report(entityRef: string, at: string, incidentId?: string) {
    reportNumber += 1;
    await knex('multivac_reports').insert({
      id: `R${reportNumber}`,
      number: reportNumber,
      title: `Report ${reportNumber}`,
      description: '',
      entity_ref: entityRef,
      users_affected: 'some',
      scope: 'global',
      customer_facing: false,
      links: '[]',
      severity: 'SEV3',
      rubric_severity: 'SEV3',
      paging: '',
      reported_by: ada,
      created_at: at,
      updated_at: at,
      incident_id: incidentId ?? null,
    });
  }
  await report(paymentsApi, '2026-03-10T08:30:00.000Z', 'A'); // RPT-1
  await report(cart, '2026-03-10T07:00:00.000Z'); // RPT-2, before
  await report(cart, '2026-03-10T15:00:00.000Z'); // RPT-3

  let pageNumber = 0;
  async function page(entityRef: string, at: string, acknowledged?: string) {
    pageNumber += 1;
    const id = `P${pageNumber}`;
    await knex('multivac_pages').insert({
      id,
      entity_ref: entityRef,
      resolved_from: entityRef,
      provider: 'builtin',
      schedule_name: 'primary',
      summary: id,
      details: '{}',
      urgency: 'high',
      dedup_key: id,
      status: acknowledged ? 'acknowledged' : 'triggered',
      level: 1,
      targets: '[]',
      delivery: 'recorded',
      created_by: ada,
      created_at: at,
      updated_at: at,
      acknowledged_at: acknowledged ?? null,
      history: '[]',
    });
  }
  await page(paymentsApi, '2026-03-10T09:00:00.000Z', '2026-03-10T09:02:00Z');
  await page(paymentsApi, '2026-03-10T09:01:00.000Z');
  await page(cart, '2026-03-10T10:00:00.000Z', '2026-03-10T10:05:00.000Z');
  await page(cart, '2026-03-09T10:00:00.000Z', '2026-03-09T10:05:00.000Z');
  await page(orphan, '2026-03-10T11:00:00.000Z');

  async function postmortem(incidentId: string, status: string, due: string) {
    await knex('multivac_postmortems').insert({
      id: `PM${incidentId}`,
      incident_id: incidentId,
      title: `Post-mortem ${incidentId}`,
      severity: 'SEV2',
      status,
      owner_ref: ada,
      reviewer_refs: '[]',
      due_date: due,
      facts: '{}',
      created_by: ada,
      created_at: '2026-03-05T00:00:00.000Z',
      updated_at: '2026-03-05T00:00:00.000Z',
    });
  }
  await postmortem('A', 'draft', '2026-03-09'); // PM-1, two days overdue
  await postmortem('B', 'in_review', '2026-03-12'); // PM-2, due tomorrow
  await postmortem('F', 'published', '2026-03-05'); // done
  await postmortem('D', 'draft', '2026-03-20'); // not due yet

  let releaseNumber = 0;
  async function release(
    entityRef: string,
    environment: string,
    start: string,
    end: string,
    status: string,
    ownerRef = ada,
  ) {
    releaseNumber += 1;
    await knex('multivac_releases').insert({
      id: `REL${releaseNumber}`,
      number: releaseNumber,
      entity_ref: entityRef,
      title: `Release ${releaseNumber}`,
      environment,
      start_at: start,
      end_at: end,
      status,
      owner_ref: ownerRef,
      links: '[]',
      created_by: ada,
      created_at: '2026-03-01T00:00:00.000Z',
      updated_at: '2026-03-01T00:00:00.000Z',
      status_history: '[]',
    });
  }
  await release(
    paymentsApi,
    'production',
    '2026-03-11T10:00:00.000Z',
    '2026-03-11T11:00:00.000Z',
    'planned',
  ); // REL-1
  await release(
    cart,
    'staging',
    '2026-03-11T07:00:00.000Z',
    '2026-03-11T09:00:00.000Z',
    'in_progress',
  ); // REL-2, already started
  await release(
    cart,
    'production',
    '2026-03-11T12:00:00.000Z',
    '2026-03-11T13:00:00.000Z',
    'cancelled',
  ); // REL-3
  await release(
    ledger,
    'production',
    '2026-03-12T09:00:00.000Z',
    '2026-03-12T10:00:00.000Z',
    'planned',
  ); // REL-4, the day after
  await release(
    orphan,
    'production',
    '2026-03-11T20:00:00.000Z',
    '2026-03-11T21:00:00.000Z',
    'planned',
    storefront,
  ); // REL-5: the storefront's by its owner, although orphan has no owner
}

describe.each(databases.eachSupportedId())('DatabaseDigestStore on %s', id => {
  let knex: Knex;
  let store: DatabaseDigestStore;

  beforeAll(async () => {
    knex = await databases.init(id);
    await migrateDatabase(knex);
    store = new DatabaseDigestStore(knex);
    await insertFixture(knex);
  });

  it('names the entities whose owner is not known yet', async () => {
    expect(
      await store.entitiesToRefresh(day, ahead, new Date('2026-03-01')),
    ).toEqual([cart, ledger, orphan, paymentsApi]);
    await new DatabaseInsightsStore(knex).setOwners([
      { entityRef: paymentsApi, ownerRef: payments },
      { entityRef: ledger, ownerRef: payments },
      { entityRef: cart, ownerRef: storefront },
      { entityRef: orphan, ownerRef: '' },
    ]);
    expect(
      await store.entitiesToRefresh(day, ahead, new Date('2026-03-01')),
    ).toEqual([]);
  });

  it('lists the incidents declared, resolved with durations, and open', async () => {
    const declared = await store.declared(day, 50);
    expect(declared.count).toBe(2);
    expect(declared.items).toEqual([
      {
        id: 'C',
        reference: 'INC-3',
        title: 'Incident C',
        severity: 'SEV3',
        status: 'investigating',
        entityRefs: [ledger],
        declaredAt: '2026-03-10T12:00:00.000Z',
      },
      {
        id: 'A',
        reference: 'INC-1',
        title: 'Incident A',
        severity: 'SEV2',
        status: 'resolved',
        entityRefs: [paymentsApi],
        declaredAt: '2026-03-10T09:00:00.000Z',
        resolvedAt: '2026-03-10T09:45:00.000Z',
        durationSeconds: 2700,
      },
    ]);

    const resolved = await store.resolved(day, 50);
    expect(resolved.count).toBe(2);
    expect(
      resolved.items.map(i => [i.reference, i.resolvedAt, i.durationSeconds]),
    ).toEqual([
      ['INC-2', '2026-03-10T10:00:00.000Z', 50400],
      ['INC-1', '2026-03-10T09:45:00.000Z', 2700],
    ]);

    const open = await store.open(day, 50);
    expect(open.count).toBe(2);
    expect(open.items.map(i => [i.reference, i.status])).toEqual([
      ['INC-4', 'identified'],
      ['INC-3', 'investigating'],
    ]);
  });

  it('counts everything but lists at most the limit', async () => {
    const declared = await store.declared(day, 1);
    expect(declared.count).toBe(2);
    expect(declared.items.map(i => i.reference)).toEqual(['INC-3']);
  });

  it("keeps a team's incidents, by the owners of their entities", async () => {
    const team = { ...day, team: storefront };
    expect((await store.declared(team, 50)).items).toEqual([]);
    expect(
      (await store.resolved(team, 50)).items.map(i => i.reference),
    ).toEqual(['INC-2']);
    expect((await store.open(team, 50)).items.map(i => i.reference)).toEqual([
      'INC-4',
    ]);
    const paymentsDay = { ...day, team: payments };
    expect(
      (await store.declared(paymentsDay, 50)).items.map(i => i.reference),
    ).toEqual(['INC-3', 'INC-1']);
    expect(
      (await store.open(paymentsDay, 50)).items.map(i => i.reference),
    ).toEqual(['INC-3']);
  });

  it('lists the reports of the period with the incidents they became', async () => {
    const reports = await store.reports(day, 50);
    expect(reports.count).toBe(2);
    expect(reports.items).toEqual([
      {
        reference: 'RPT-3',
        title: 'Report 3',
        severity: 'SEV3',
        entityRef: cart,
        reportedBy: ada,
        createdAt: '2026-03-10T15:00:00.000Z',
      },
      {
        reference: 'RPT-1',
        title: 'Report 1',
        severity: 'SEV3',
        entityRef: paymentsApi,
        reportedBy: ada,
        createdAt: '2026-03-10T08:30:00.000Z',
        incidentReference: 'INC-1',
      },
    ]);
    expect(
      (await store.reports({ ...day, team: payments }, 50)).items.map(
        r => r.reference,
      ),
    ).toEqual(['RPT-1']);
  });

  it('counts the pages of the period by team, acknowledged or not', async () => {
    expect(await store.pagesByTeam(day)).toEqual([
      { teamRef: payments, pages: 2, acknowledged: 1 },
      { teamRef: '', pages: 1, acknowledged: 0 },
      { teamRef: storefront, pages: 1, acknowledged: 1 },
    ]);
    expect(await store.pagesByTeam({ ...day, team: storefront })).toEqual([
      { teamRef: storefront, pages: 1, acknowledged: 1 },
    ]);
  });

  it('lists the unpublished post-mortems overdue or due by tomorrow', async () => {
    const due = await store.postmortemsDue(
      { dueBy: '2026-03-12', today: '2026-03-11' },
      50,
    );
    expect(due).toEqual({
      count: 2,
      items: [
        {
          reference: 'PM-1',
          title: 'Post-mortem A',
          status: 'draft',
          ownerRef: ada,
          dueDate: '2026-03-09',
          overdueDays: 2,
        },
        {
          reference: 'PM-2',
          title: 'Post-mortem B',
          status: 'in_review',
          ownerRef: ada,
          dueDate: '2026-03-12',
          overdueDays: -1,
        },
      ],
    });
    expect(
      (
        await store.postmortemsDue(
          { dueBy: '2026-03-12', today: '2026-03-11', team: storefront },
          50,
        )
      ).items.map(p => p.reference),
    ).toEqual(['PM-2']);
  });

  it('lists the releases of the next 24 hours, started ones too', async () => {
    const releases = await store.releases(ahead, 50);
    expect(releases.count).toBe(3);
    expect(releases.items).toEqual([
      {
        reference: 'REL-2',
        title: 'Release 2',
        entityRef: cart,
        environment: 'staging',
        status: 'in_progress',
        startAt: '2026-03-11T07:00:00.000Z',
        endAt: '2026-03-11T09:00:00.000Z',
      },
      expect.objectContaining({ reference: 'REL-1', status: 'planned' }),
      expect.objectContaining({ reference: 'REL-5', entityRef: orphan }),
    ]);
    expect(
      (await store.releases({ ...ahead, team: storefront }, 50)).items.map(
        r => r.reference,
      ),
    ).toEqual(['REL-2', 'REL-5']);
    expect(
      (await store.releases({ ...ahead, team: payments }, 50)).items.map(
        r => r.reference,
      ),
    ).toEqual(['REL-1']);
  });
});
