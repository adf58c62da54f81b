import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { DatabaseReportCardStore } from './ReportCardStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const payments = 'group:default/payments';
const storefront = 'group:default/storefront';
const ada = 'user:default/ada.lovelace';

/**
 * Today is 2026-03-20; the period's due dates are 2026-03-13 .. 03-19.
 * Payments' post-mortems (incidents on payments-api, owned by payments):
 * - PM-1 due 03-10, still draft → overdue (before the period).
 * - PM-2 due 03-14, published 03-14 → due in the period, on time.
 * - PM-3 due 03-15, published 03-17 → due in the period, late.
 * - PM-4 due 03-16, in review → due in the period, overdue.
 * - PM-5 due 03-25, draft → not due yet, left out.
 * - PM-6 due 03-01, published → before the period, left out.
 * - PM-7 on cart (storefront) due 03-14, draft → another team's.
 * Action items: PM-2 "Add retries" due 03-18 open (overdue), PM-2 "Alert on
 * lag" due 03-19 done, PM-3 "Runbook" due 03-21 open (not yet), PM-4
 * "Rotate keys" due 03-02 open (overdue), PM-4 "No date" open without a due
 * date, PM-7 "Cart item" due 03-01 open (storefront's).
 */
async function insertFixture(knex: Knex) {
  const now = '2026-03-20T12:00:00.000Z';
  await knex('multivac_entity_owners').insert([
    {
      entity_ref: 'component:default/payments-api',
      owner_ref: payments,
      refreshed_at: now,
    },
    {
      entity_ref: 'component:default/cart',
      owner_ref: storefront,
      refreshed_at: now,
    },
  ]);
  const postmortem = async (
    number: number,
    entityRef: string,
    dueDate: string,
    status: string,
    publishedAt?: string,
  ) => {
    await knex('multivac_incidents').insert({
      id: `inc-${number}`,
      number,
      title: `Incident ${number}`,
      severity: 'SEV2',
      status: 'resolved',
      created_by: ada,
      created_at: now,
      updated_at: now,
      state_timestamps: '{}',
    });
    await knex('multivac_incident_entities').insert({
      incident_id: `inc-${number}`,
      entity_ref: entityRef,
    });
    await knex('multivac_postmortems').insert({
      id: `pm-${number}`,
      incident_id: `inc-${number}`,
      title: `Post-mortem ${number}`,
      severity: 'SEV2',
      status,
      owner_ref: ada,
      reviewer_refs: '[]',
      due_date: dueDate,
      facts: '{}',
      created_by: ada,
      created_at: now,
      updated_at: now,
      published_at: publishedAt ?? null,
    });
  };
  const api = 'component:default/payments-api';
  await postmortem(1, api, '2026-03-10', 'draft');
  await postmortem(
    2,
    api,
    '2026-03-14',
    'published',
    '2026-03-14T16:00:00.000Z',
  );
  await postmortem(
    3,
    api,
    '2026-03-15',
    'published',
    '2026-03-17T09:00:00.000Z',
  );
  await postmortem(4, api, '2026-03-16', 'in_review');
  await postmortem(5, api, '2026-03-25', 'draft');
  await postmortem(
    6,
    api,
    '2026-03-01',
    'published',
    '2026-03-01T09:00:00.000Z',
  );
  await postmortem(7, 'component:default/cart', '2026-03-14', 'draft');
  let id = 0;
  const item = async (
    pm: number,
    title: string,
    dueDate: string | null,
    status: string,
  ) => {
    id += 1;
    await knex('multivac_postmortem_action_items').insert({
      id: `ai-${id}`,
      postmortem_id: `pm-${pm}`,
      title,
      due_date: dueDate,
      status,
      created_by: ada,
      created_at: now,
      updated_at: now,
    });
  };
  await item(2, 'Add retries', '2026-03-18', 'open');
  await item(2, 'Alert on lag', '2026-03-19', 'done');
  await item(3, 'Runbook', '2026-03-21', 'open');
  await item(4, 'Rotate keys', '2026-03-02', 'open');
  await item(4, 'No date', null, 'open');
  await item(7, 'Cart item', '2026-03-01', 'open');
}

describe.each(databases.eachSupportedId())(
  'DatabaseReportCardStore on %s',
  databaseId => {
    let store: DatabaseReportCardStore;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      await insertFixture(knex);
      store = new DatabaseReportCardStore(knex);
    });

    it('lists the team’s post-mortems due in the period or overdue', async () => {
      expect(
        await store.postmortems(
          payments,
          '2026-03-13',
          '2026-03-20',
          '2026-03-20',
        ),
      ).toEqual([
        {
          reference: 'PM-1',
          dueDate: '2026-03-10',
          status: 'draft',
          publishedAt: undefined,
        },
        {
          reference: 'PM-2',
          dueDate: '2026-03-14',
          status: 'published',
          publishedAt: '2026-03-14T16:00:00.000Z',
        },
        {
          reference: 'PM-3',
          dueDate: '2026-03-15',
          status: 'published',
          publishedAt: '2026-03-17T09:00:00.000Z',
        },
        {
          reference: 'PM-4',
          dueDate: '2026-03-16',
          status: 'in_review',
          publishedAt: undefined,
        },
      ]);
      expect(
        (
          await store.postmortems(
            storefront,
            '2026-03-13',
            '2026-03-20',
            '2026-03-20',
          )
        ).map(p => p.reference),
      ).toEqual(['PM-7']);
    });

    it('counts and names the team’s overdue open action items', async () => {
      expect(await store.overdueActionItems(payments, '2026-03-20', 5)).toEqual(
        {
          total: 2,
          items: [
            { postmortem: 'PM-4', title: 'Rotate keys', dueDate: '2026-03-02' },
            { postmortem: 'PM-2', title: 'Add retries', dueDate: '2026-03-18' },
          ],
        },
      );
      expect(await store.overdueActionItems(payments, '2026-03-20', 1)).toEqual(
        {
          total: 2,
          items: [
            { postmortem: 'PM-4', title: 'Rotate keys', dueDate: '2026-03-02' },
          ],
        },
      );
    });
  },
);
