import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { Duration } from 'luxon';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { catalogEntities, schedule } from '../__testUtils__/paging';
import { DatabaseIncidentStore } from '../database/DatabaseIncidentStore';
import { DatabasePageStore } from '../database/DatabasePageStore';
import { migrateDatabase } from '../database/migrations';
import { pageDeliveries, reportDeliveries } from '../deliveries/kinds';
import {
  DatabaseJobQueue,
  DEFAULT_JOB_QUEUE_OPTIONS,
} from '../jobs/DatabaseJobQueue';
import { BuiltinOnCallProvider } from '../oncall/BuiltinOnCallProvider';
import { OnCallService } from '../oncall/OnCallService';
import { PagingService } from '../oncall/PagingService';
import { PeopleDirectory } from '../oncall/PeopleDirectory';
import { CatalogEntities } from '../service/CatalogEntities';
import { PortalUrls } from '../service/PortalUrls';
import { IncidentPaging } from './IncidentPaging';
import { IncidentActor, IncidentService } from './IncidentService';
import { DEFAULT_DECLARE_PAGING } from './pagingPolicy';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ada: IncidentActor = { ref: 'user:default/ada', isUser: true };
const grace = 'user:default/grace';

// checkout shares the payments schedule; legacy-batch has no on-call.
const catalog = [
  ...catalogEntities,
  entity('Component', 'ledger', {
    annotations: { 'multivac.io/oncall-schedule': 'payments' },
  }),
  entity('Component', 'legacy-batch'),
  entity('User', 'ada'),
];

describe.each(databases.eachSupportedId())('IncidentPaging on %s', id => {
  let knex: Knex;
  let jobs: DatabaseJobQueue;
  let pages: DatabasePageStore;
  let store: DatabaseIncidentStore;
  let incidents: IncidentService;
  let paging: PagingService;

  beforeEach(async () => {
    knex = await databases.init(id);
    await migrateDatabase(knex);
    const catalogService = catalogServiceMock({ entities: catalog });
    const auth = mockServices.auth();
    jobs = new DatabaseJobQueue(knex, mockServices.logger.mock(), {
      ...DEFAULT_JOB_QUEUE_OPTIONS,
      maxAttempts: 2,
      initialBackoff: Duration.fromMillis(0),
    });
    store = new DatabaseIncidentStore(knex);
    pages = new DatabasePageStore(knex);
    const people = new PeopleDirectory(catalogService, auth);
    const builtin = new BuiltinOnCallProvider([schedule], people);
    const onCall = new OnCallService(catalogService, auth, [builtin]);
    paging = new PagingService({
      store: pages,
      onCall,
      jobs,
      catalog: catalogService,
      auth,
      builtin,
      people,
      deliveries: {
        pages: pageDeliveries(jobs, [], pageId => pages.get(pageId)),
        reports: reportDeliveries(jobs, [], () => Promise.resolve(undefined)),
      },
    });
    incidents = new IncidentService({
      store,
      entities: new CatalogEntities(catalogService, auth),
      auth,
      paging: new IncidentPaging({
        store,
        onCall,
        paging,
        pages,
        jobs,
        auth,
        logger: mockServices.logger.mock(),
        policy: { ...DEFAULT_DECLARE_PAGING, SEV3: 'none' },
        urls: new PortalUrls('http://portal'),
      }),
    });
  });

  /** Runs every job that is due, including the ones the jobs enqueue. */
  async function runJobs() {
    while ((await jobs.runDueJobs()) > 0) {
      // the planning job enqueues one job per schedule
    }
  }

  const declare = (entityRefs: string[], severity: 'SEV2' | 'SEV3' = 'SEV2') =>
    incidents.declare(
      { title: 'Card payments fail', severity, entityRefs },
      ada,
    );

  const notes = async (incidentId: string) =>
    (await store.getTimeline(incidentId))
      .filter(e => e.type === 'note')
      .map(e => [e.actor, e.payload.text]);

  it('pages the on-call of the affected entity and makes them responder', async () => {
    const incident = await declare(['payments-api']);
    await runJobs();

    const [page] = await pages.listForIncident(incident.id);
    expect(page).toMatchObject({
      scheduleId: 'payments',
      urgency: 'high',
      summary: 'SEV2 payments-api: Card payments fail',
      targets: [{ userRef: grace }],
      createdBy: ada.ref,
      details: {
        incident: 'INC-1',
        link: 'http://portal/multivac/incidents/INC-1',
      },
    });
    const current = (await store.getIncident(incident.id))!;
    expect(current.roles.map(r => [r.role, r.userRef])).toEqual([
      ['controller', ada.ref],
      ['responder', grace],
    ]);
    expect(await notes(incident.id)).toEqual([
      ['service:multivac', 'Paged grace (Payments, high urgency)'],
    ]);
  });

  it('pages a schedule once when several affected entities share it, and says who has no on-call', async () => {
    const incident = await declare(['payments-api', 'ledger', 'legacy-batch']);
    await runJobs();
    // Running the jobs again (a retry after a crash) changes nothing.
    await knex('multivac_jobs')
      .where('type', 'like', 'incident.page%')
      .update({ status: 'pending', run_after: new Date(0).toISOString() });
    await runJobs();

    expect(await pages.listForIncident(incident.id)).toHaveLength(1);
    expect(await notes(incident.id)).toEqual([
      [
        'service:multivac',
        'Nobody paged for legacy-batch: no on-call schedule found',
      ],
      ['service:multivac', 'Paged grace (Payments, high urgency)'],
    ]);
  });

  it('pages nobody for a severity the policy does not page', async () => {
    const incident = await declare(['payments-api'], 'SEV3');
    await runJobs();
    expect(await pages.listForIncident(incident.id)).toEqual([]);
    expect(await notes(incident.id)).toEqual([]);
  });

  it('does not page a schedule again that was paged for the incident already (e.g. by its report)', async () => {
    const incident = await declare(['payments-api']);
    await paging.page(
      {
        entityRef: 'component:default/payments-api',
        summary: 'SEV2 payments-api: from the report',
        urgency: 'high',
        incidentId: incident.id,
      },
      await mockServices.auth().getOwnServiceCredentials(),
      grace,
    );
    await runJobs();
    const all = await pages.listForIncident(incident.id);
    expect(all.map(p => p.summary)).toEqual([
      'SEV2 payments-api: from the report',
    ]);
    expect(
      (await store.getIncident(incident.id))!.roles.map(r => r.role),
    ).toEqual(['controller', 'responder']);
  });
});
