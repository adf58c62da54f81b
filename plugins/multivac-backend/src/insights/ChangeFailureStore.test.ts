import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import {
  ChangeFailureFilter,
  DatabaseChangeFailureStore,
} from './ChangeFailureStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const paymentsApi = 'component:default/payments-api';
const checkout = 'component:default/checkout';
const cart = 'component:default/cart';

/**
 * The fixture (March 2026, UTC; window 24 h unless said otherwise).
 * checkout depends on payments-api; cart stands alone.
 *
 * Production releases:
 * - REL-1 payments-api 1 Mar 10:00–11:00 done; INC-1 on checkout 1 Mar
 *   20:00 and INC-2 on payments-api 1 Mar 22:00 follow → failed, INC-1.
 * - REL-2 payments-api 5 Mar 10:00–11:00 done; INC-3 on payments-api at
 *   6 Mar 11:00, exactly 24 h after the end → not failed.
 * - REL-3 payments-api 10 Mar 10:00–11:00 rolled back, no incident → failed.
 * - REL-4 payments-api 15 Mar 10:00–11:00 done; INC-4 at 09:59 (before it)
 *   and a cancelled incident at 12:00 → not failed.
 * - REL-5 cart 2 Mar 10:00–10:30 done; INC-6 on cart 12:00 and INC-5 on cart
 *   11:00 → failed, INC-5 (the first).
 * - REL-6 cart 8 Mar 10:00–11:00 done; INC-7 on payments-api 12:00 (cart does
 *   not depend on it) → not failed.
 * - REL-7 checkout 3 Mar 10:00–11:00 done; INC-8 on payments-api 12:00
 *   (payments-api does not depend on checkout) → not failed.
 * Not counted: REL-8 payments-api staging 20 Mar (INC-9 after it),
 * REL-9 planned and REL-10 cancelled payments-api 22 Mar (INC-10 after them),
 * REL-11 payments-api 28 Feb (before the period).
 *
 * payments-api: 4 releases, 2 failed (REL-1 INC-1, REL-3 rollback);
 * cart: 2 releases, 1 failed (REL-5 INC-5); checkout: 1 release, 0 failed.
 */
async function insertFixture(knex: Knex) {
  let releaseNumber = 0;
  async function release(
    entityRef: string,
    start: string,
    end: string,
    status: string,
    environment = 'production',
  ) {
    releaseNumber += 1;
    await knex('multivac_releases').insert({
      id: `rel-${releaseNumber}`,
      number: releaseNumber,
      entity_ref: entityRef,
      title: `Release ${releaseNumber}`,
      environment,
      start_at: start,
      end_at: end,
      status,
      owner_ref: 'user:default/ada.lovelace',
      links: '[]',
      notes: '',
      created_by: 'user:default/ada.lovelace',
      created_at: start,
      updated_at: start,
      status_history: '[]',
    });
  }
  let incidentNumber = 0;
  async function incident(
    entityRef: string,
    declared: string,
    status = 'resolved',
  ) {
    incidentNumber += 1;
    const id = `inc-${incidentNumber}`;
    await knex('multivac_incidents').insert({
      id,
      number: incidentNumber,
      title: `Incident ${incidentNumber}`,
      severity: 'SEV2',
      status,
      created_by: 'user:default/ada.lovelace',
      created_at: declared,
      updated_at: declared,
      state_timestamps: JSON.stringify({ triggered: declared }),
    });
    await knex('multivac_incident_entities').insert({
      incident_id: id,
      entity_ref: entityRef,
    });
  }
  const at = (day: string, time: string) =>
    new Date(`2026-03-${day}T${time}:00Z`).toISOString();

  await release(paymentsApi, at('01', '10:00'), at('01', '11:00'), 'done');
  await release(paymentsApi, at('05', '10:00'), at('05', '11:00'), 'done');
  await release(
    paymentsApi,
    at('10', '10:00'),
    at('10', '11:00'),
    'rolled_back',
  );
  await release(paymentsApi, at('15', '10:00'), at('15', '11:00'), 'done');
  await release(cart, at('02', '10:00'), at('02', '10:30'), 'done');
  await release(cart, at('08', '10:00'), at('08', '11:00'), 'done');
  await release(checkout, at('03', '10:00'), at('03', '11:00'), 'done');
  await release(
    paymentsApi,
    at('20', '10:00'),
    at('20', '11:00'),
    'done',
    'staging',
  );
  await release(paymentsApi, at('22', '10:00'), at('22', '11:00'), 'planned');
  await release(paymentsApi, at('22', '10:00'), at('22', '11:00'), 'cancelled');
  await release(
    paymentsApi,
    new Date('2026-02-28T10:00:00Z').toISOString(),
    new Date('2026-02-28T11:00:00Z').toISOString(),
    'done',
  );

  await incident(checkout, at('01', '20:00'));
  await incident(paymentsApi, at('01', '22:00'));
  await incident(paymentsApi, at('06', '11:00'));
  await incident(paymentsApi, at('15', '09:59'));
  await incident(cart, at('02', '11:00')); // INC-5
  await incident(cart, at('02', '12:00')); // INC-6
  await incident(paymentsApi, at('08', '12:00'));
  await incident(paymentsApi, at('03', '12:00'));
  await incident(paymentsApi, at('20', '12:00'));
  await incident(paymentsApi, at('22', '12:00'));
  // A cancelled incident after REL-4.
  await incident(paymentsApi, at('15', '12:00'), 'cancelled');
}

const march = {
  from: new Date('2026-03-01T00:00:00Z'),
  to: new Date('2026-03-31T00:00:00Z'),
};

const affected = new Map([
  [paymentsApi, [paymentsApi, checkout]],
  [cart, [cart]],
  [checkout, [checkout]],
]);

describe.each(databases.eachSupportedId())(
  'DatabaseChangeFailureStore on %s',
  databaseId => {
    let store: DatabaseChangeFailureStore;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      await insertFixture(knex);
      store = new DatabaseChangeFailureStore(knex);
    });

    const filter = (
      changes: Partial<ChangeFailureFilter> = {},
    ): ChangeFailureFilter => ({
      ...march,
      environment: 'production',
      windowSeconds: 24 * 3600,
      affected,
      ...changes,
    });

    it('lists the entities released to an environment in the period', async () => {
      expect(
        await store.releasedEntities(march.from, march.to, 'production'),
      ).toEqual([cart, checkout, paymentsApi]);
      expect(
        await store.releasedEntities(march.from, march.to, 'staging'),
      ).toEqual([paymentsApi]);
    });

    it('counts releases and names each failed one with its first incident', async () => {
      const rows = await store.changeFailure(filter());
      expect(rows.map(r => [r.entityRef, r.releases, r.failed])).toEqual([
        [cart, 2, 1],
        [checkout, 1, 0],
        [paymentsApi, 4, 2],
      ]);
      const byRef = new Map(rows.map(r => [r.entityRef, r]));
      expect(byRef.get(paymentsApi)!.failedReleases).toEqual([
        {
          id: 'rel-1',
          reference: 'REL-1',
          title: 'Release 1',
          entityRef: paymentsApi,
          start: '2026-03-01T10:00:00.000Z',
          end: '2026-03-01T11:00:00.000Z',
          status: 'done',
          rolledBack: false,
          incident: {
            id: 'inc-1',
            reference: 'INC-1',
            title: 'Incident 1',
            severity: 'SEV2',
            declaredAt: '2026-03-01T20:00:00.000Z',
            entityRef: checkout,
          },
        },
        {
          id: 'rel-3',
          reference: 'REL-3',
          title: 'Release 3',
          entityRef: paymentsApi,
          start: '2026-03-10T10:00:00.000Z',
          end: '2026-03-10T11:00:00.000Z',
          status: 'rolled_back',
          rolledBack: true,
        },
      ]);
      expect(
        byRef
          .get(cart)!
          .failedReleases.map(r => [r.reference, r.incident?.reference]),
      ).toEqual([['REL-5', 'INC-5']]);
      expect(byRef.get(checkout)!.failedReleases).toEqual([]);
    });

    it('applies the window and the scope it is given', async () => {
      // 3 h: INC-1 (9 h after REL-1's end) no longer counts; INC-5 does.
      const short = await store.changeFailure(
        filter({ windowSeconds: 3 * 3600 }),
      );
      expect(short.map(r => [r.entityRef, r.releases, r.failed])).toEqual([
        [cart, 2, 1],
        [checkout, 1, 0],
        [paymentsApi, 4, 1],
      ]);
      // Without checkout among its dependents, INC-2 names REL-1's failure.
      const alone = await store.changeFailure(
        filter({ affected: new Map([[paymentsApi, [paymentsApi]]]) }),
      );
      expect(alone).toHaveLength(1);
      expect(
        alone[0].failedReleases.map(r => [r.reference, r.incident?.reference]),
      ).toEqual([
        ['REL-1', 'INC-2'],
        ['REL-3', undefined],
      ]);
      expect(
        await store.changeFailure(filter({ affected: new Map() })),
      ).toEqual([]);
      // Staging has its own releases: REL-8, failed by INC-9.
      const staging = await store.changeFailure(
        filter({ environment: 'staging' }),
      );
      expect(staging.map(r => [r.entityRef, r.releases, r.failed])).toEqual([
        [paymentsApi, 1, 1],
      ]);
    });
  },
);

/**
 * A release's first incident found through the incidents' facts per entity
 * (migration 20261206030000_insights_rollups), as the incidents change.
 */
describe.each(databases.eachSupportedId())(
  'DatabaseChangeFailureStore first incident on %s',
  databaseId => {
    it('names the lowest number among incidents declared at once, whatever the letter case, and follows entities and cancellation', async () => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const store = new DatabaseChangeFailureStore(knex);
      await knex('multivac_releases').insert({
        id: 'rel-1',
        number: 1,
        entity_ref: cart,
        title: 'Release 1',
        environment: 'production',
        start_at: '2026-04-01T10:00:00.000Z',
        end_at: '2026-04-01T11:00:00.000Z',
        status: 'done',
        owner_ref: 'user:default/ada.lovelace',
        links: '[]',
        notes: '',
        created_by: 'user:default/ada.lovelace',
        created_at: '2026-04-01T10:00:00.000Z',
        updated_at: '2026-04-01T10:00:00.000Z',
        status_history: '[]',
      });
      const incident = async (
        number: number,
        declared: string,
        entityRef?: string,
      ) => {
        await knex('multivac_incidents').insert({
          id: `inc-${number}`,
          number,
          title: `Incident ${number}`,
          severity: 'SEV2',
          status: 'investigating',
          created_by: 'user:default/ada.lovelace',
          created_at: declared,
          updated_at: declared,
          state_timestamps: JSON.stringify({ triggered: declared }),
        });
        if (entityRef) {
          await knex('multivac_incident_entities').insert({
            incident_id: `inc-${number}`,
            entity_ref: entityRef,
          });
        }
      };
      await incident(12, '2026-04-01T12:00:00.000Z', 'component:default/Cart');
      await incident(11, '2026-04-01T12:00:00.000Z', cart);
      await incident(10, '2026-04-01T12:30:00.000Z', cart);
      // No entity yet.
      await incident(9, '2026-04-01T11:30:00.000Z');
      const first = async () => {
        const [row] = await store.changeFailure({
          from: new Date('2026-04-01T00:00:00Z'),
          to: new Date('2026-05-01T00:00:00Z'),
          environment: 'production',
          windowSeconds: 24 * 3600,
          affected: new Map([[cart, [cart]]]),
        });
        return [
          row.releases,
          row.failed,
          row.failedReleases[0]?.incident?.reference,
          row.failedReleases[0]?.incident?.entityRef,
        ];
      };
      expect(await first()).toEqual([1, 1, 'INC-11', cart]);

      await knex('multivac_incident_entities').insert({
        incident_id: 'inc-9',
        entity_ref: 'component:default/CART',
      });
      expect(await first()).toEqual([1, 1, 'INC-9', 'component:default/CART']);

      await knex('multivac_incidents')
        .where({ id: 'inc-9' })
        .update({ status: 'cancelled' });
      await knex('multivac_incidents')
        .where({ id: 'inc-11' })
        .update({ status: 'cancelled' });
      expect(await first()).toEqual([1, 1, 'INC-12', 'component:default/Cart']);
    });
  },
);
