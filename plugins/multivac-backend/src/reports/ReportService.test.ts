import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DEFAULT_SEVERITY_RUBRIC } from '@multivac/plugin-multivac-common';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import { Duration } from 'luxon';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  catalogEntities,
  delegatingProvider,
  schedule,
} from '../__testUtils__/paging';
import { DatabaseIncidentStore } from '../database/DatabaseIncidentStore';
import { DatabasePageStore } from '../database/DatabasePageStore';
import { DatabaseReportStore } from '../database/DatabaseReportStore';
import {
  DatabaseJobQueue,
  DEFAULT_JOB_QUEUE_OPTIONS,
} from '../jobs/DatabaseJobQueue';
import { BuiltinOnCallProvider } from '../oncall/BuiltinOnCallProvider';
import { OnCallService } from '../oncall/OnCallService';
import { PageUpdates } from '../oncall/PageUpdates';
import { PagingService } from '../oncall/PagingService';
import { PeopleDirectory } from '../oncall/PeopleDirectory';
import { IncidentService } from '../incidents/IncidentService';
import { CatalogEntities } from '../service/CatalogEntities';
import { ReportInput, ReportService } from './ReportService';
import { pageDeliveries, reportDeliveries } from '../deliveries/kinds';
import { PageChangeDeliveries } from '../oncall/deliverPageChange';
import { migrateDatabase } from '../database/migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace';

const platform = {
  ...schedule,
  id: 'platform',
  name: 'Platform',
  layers: [{ ...schedule.layers[0], members: ['user:default/ken'] }],
};

const report = (overrides: Partial<ReportInput> = {}): ReportInput => ({
  title: 'Card payments fail',
  description: 'Every card payment ends in "declined".',
  entityRef: 'component:default/payments-api',
  usersAffected: 'dozens',
  scope: 'region',
  region: 'eu-west-1',
  customerFacing: true,
  links: ['https://status.example.com/1'],
  ...overrides,
});

describe.each(databases.eachSupportedId())('ReportService on %s', id => {
  let knex: Knex;
  let jobs: DatabaseJobQueue;
  let incidents: DatabaseIncidentStore;
  let incidentService: IncidentService;
  let pages: DatabasePageStore;
  let provider: ReturnType<typeof delegatingProvider>;
  let paging: PagingService;
  let deliveries: PageChangeDeliveries;
  let changes: string[];
  let people: PeopleDirectory;

  async function createService(fallbackScheduleId?: string) {
    return new ReportService({
      reports: new DatabaseReportStore(knex, pages),
      paging,
      incidents: incidentService,
      jobs,
      deliveries: deliveries.reports,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      rubric: DEFAULT_SEVERITY_RUBRIC,
      fallbackScheduleId,
      reportUrl: reference => `http://portal/multivac/reports/${reference}`,
      people,
    });
  }

  /** Makes every pending job due now and runs them. */
  async function timePasses() {
    await knex('multivac_jobs')
      .where({ status: 'pending' })
      .update({ run_after: new Date(Date.now() - 1000).toISOString() });
    await jobs.runDueJobs();
  }

  beforeEach(async () => {
    knex = await databases.init(id);
    await migrateDatabase(knex);
    incidents = new DatabaseIncidentStore(knex);
    const catalog = catalogServiceMock({
      entities: [
        ...catalogEntities,
        entity('Component', 'legacy-batch'),
        user('ada.lovelace', { displayName: 'Ada Lovelace' }),
      ],
    });
    const auth = mockServices.auth();
    people = new PeopleDirectory(catalog, auth);
    incidentService = new IncidentService({
      store: incidents,
      entities: new CatalogEntities(catalog, auth),
      auth,
    });
    jobs = new DatabaseJobQueue(knex, mockServices.logger.mock(), {
      ...DEFAULT_JOB_QUEUE_OPTIONS,
      maxAttempts: 3,
      initialBackoff: Duration.fromMillis(0),
    });
    provider = delegatingProvider();
    const builtin = new BuiltinOnCallProvider(
      [schedule, platform],
      new PeopleDirectory(catalog, auth),
    );
    pages = new DatabasePageStore(knex);
    changes = [];
    const reportStore = new DatabaseReportStore(knex, pages);
    deliveries = {
      reports: reportDeliveries(
        jobs,
        [
          {
            id: 'triage',
            async onReportChange({ report: current, change }) {
              changes.push(`${current.reference} ${change}`);
            },
          },
        ],
        reportId => reportStore.mustGet(reportId),
      ),
      pages: pageDeliveries(
        jobs,
        [
          {
            id: 'chat',
            async onPageChange({ page, change }) {
              changes.push(`page ${change} ${page.status}`);
            },
          },
        ],
        pageId => pages.get(pageId),
      ),
    };
    paging = new PagingService({
      store: pages,
      onCall: new OnCallService(catalog, auth, [provider, builtin]),
      jobs,
      catalog,
      auth,
      builtin,
      people: new PeopleDirectory(catalog, auth),
      deliveries,
    });
  });

  it('stores the report and pages the on-call person with everything the reporter said', async () => {
    const reports = await createService();
    const stored = await reports.submit(report(), ada);
    expect(stored).toMatchObject({
      reference: 'RPT-1',
      severity: 'SEV2',
      rubricSeverity: 'SEV2',
      status: 'open',
      reportedBy: ada,
      region: 'eu-west-1',
      links: ['https://status.example.com/1'],
      paging: 'Paged grace (Payments, level 1)',
    });
    expect(stored.pages).toHaveLength(1);
    expect(stored.pages[0]).toMatchObject({
      reportId: stored.id,
      fallback: false,
      urgency: 'high',
      summary: 'SEV2 payments-api: Card payments fail',
      targets: [{ userRef: grace }],
      details: {
        report: 'RPT-1',
        link: 'http://portal/multivac/reports/RPT-1',
        description: 'Every card payment ends in "declined".',
        usersAffected: '11–100 users',
        where: 'One region (eu-west-1)',
        customerFacing: true,
        links: ['https://status.example.com/1'],
      },
    });

    await paging.acknowledge(stored.pages[0].id, grace);
    expect((await reports.get('RPT-1')).status).toBe('acknowledged');
    // The safety-net job finds the page and sends no second one.
    await timePasses();
    expect((await reports.get('RPT-1')).pages).toHaveLength(1);
  });

  it('refuses a severity below the rubric without a reason, and stores nothing', async () => {
    const reports = await createService();
    await expect(
      reports.submit(report({ severity: 'SEV4' }), ada),
    ).rejects.toThrow(
      new InputError(
        "severity: SEV4 is lower than the rubric's SEV2 (11–100 users, one region: SEV2 by the severity rubric); give a reason to lower it (severityReason)",
      ),
    );
    expect((await reports.list({ limit: 10, offset: 0 })).totalCount).toBe(0);

    const lowered = await reports.submit(
      report({ severity: 'SEV3', severityReason: 'only test cards fail' }),
      ada,
    );
    expect(lowered).toMatchObject({
      severity: 'SEV3',
      rubricSeverity: 'SEV2',
      severityReason: 'only test cards fail',
    });
    const raised = await reports.submit(
      report({ severity: 'SEV1', severityReason: 'ignored when raising' }),
      ada,
    );
    expect(raised.severity).toBe('SEV1');
    expect(raised.severityReason).toBeUndefined();
    expect(raised.pages[0].urgency).toBe('high');
  });

  it('pages the fallback schedule when nobody is on call for the entity, and keeps trying', async () => {
    const reports = await createService('platform');
    const stored = await reports.submit(
      report({ entityRef: 'component:default/legacy-batch' }),
      ada,
    );
    expect(stored.status).toBe('open');
    expect(stored.paging).toBe(
      'Could not page the on-call person for legacy-batch: Nobody is on call for ' +
        'component:default/legacy-batch: none of component:default/legacy-batch has an ' +
        'on-call annotation (multivac.io/oncall-schedule or pagerduty.com/service-id). ' +
        'Paged ken (Platform, level 1), from the fallback schedule, instead. ' +
        'Your report is saved and Multivac keeps trying.',
    );
    expect(stored.pages).toMatchObject([
      { fallback: true, scheduleId: 'platform', targets: [{ name: 'ken' }] },
    ]);
    const [retry] = await knex('multivac_jobs').where({ type: 'report.page' });
    expect(retry.status).toBe('pending');

    // Retries fail the same way but do not page the fallback again.
    await timePasses();
    const [escalation] = (await reports.get(stored.id)).pages;
    expect((await reports.get(stored.id)).pages).toHaveLength(1);
    expect(escalation.history[0].text).toBe(
      'paged level 1 of the fallback schedule: ken',
    );
  });

  it('says plainly when the provider is down and no fallback is configured, then pages once it is back', async () => {
    let down = true;
    const getOnCall = provider.getOnCall;
    provider.getOnCall = async (...args) => {
      if (down) {
        throw new Error('PagerDuty answered 503 Service Unavailable');
      }
      return getOnCall(...args);
    };
    const reports = await createService();
    const stored = await reports.submit(
      report({ entityRef: 'component:default/checkout' }),
      ada,
    );
    expect(stored.paging).toBe(
      'Could not page the on-call person for checkout: PagerDuty answered 503 Service Unavailable. ' +
        'No fallback schedule is configured (multivac.onCall.fallbackSchedule). ' +
        'Your report is saved and Multivac keeps trying.',
    );
    expect(stored.pages).toEqual([]);

    down = false;
    await timePasses(); // the retry pages and hands the page to the provider
    await jobs.runDueJobs();
    const paged = await reports.get(stored.id);
    expect(paged.paging).toBe('Paged Checkout policy through fakepd');
    expect(paged.pages).toMatchObject([{ provider: 'fakepd' }]);
    expect(provider.calls).toEqual([
      `page ${paged.pages[0].dedupKey} high SEV2 checkout: Card payments fail`,
    ]);
  });

  it("lists a reporter's own reports in every state, newest first, with their incidents", async () => {
    const reports = await createService();
    await reports.submit(report({ title: 'Ada one' }), ada);
    await reports.submit(report({ title: 'Grace one' }), grace);
    await reports.submit(report({ title: 'Ada two' }), ada);
    const incident = await reports.startIncident('RPT-1', {
      ref: grace,
      isUser: true,
    });

    const mine = await reports.list({ reportedBy: ada, limit: 10, offset: 0 });
    expect(mine.totalCount).toBe(2);
    expect(
      mine.items.map(r => [r.reference, r.status, r.incidentReference]),
    ).toEqual([
      ['RPT-3', 'open', undefined],
      ['RPT-1', 'incident', incident.reference],
    ]);
    const myOpen = await reports.list({
      reportedBy: ada,
      state: 'open',
      limit: 10,
      offset: 0,
    });
    expect(myOpen.items.map(r => r.reference)).toEqual(['RPT-3']);
    expect(
      (await reports.list({ reportedBy: ada, limit: 1, offset: 1 })).items.map(
        r => r.reference,
      ),
    ).toEqual(['RPT-1']);
    expect(
      (
        await reports.list({
          reportedBy: 'user:default/ken',
          limit: 10,
          offset: 0,
        })
      ).totalCount,
    ).toBe(0);
  });

  it('starts an incident from a report: reporter, responder, severity and impact carried over, once', async () => {
    const reports = await createService();
    const stored = await reports.submit(
      report({
        severity: 'SEV3',
        severityReason: 'one card type only',
        startedAt: '2026-11-27T14:40:00.000Z',
      }),
      ada,
    );
    await paging.acknowledge(stored.pages[0].id, grace);

    const incident = await reports.startIncident('rpt-1', {
      ref: grace,
      isUser: true,
    });
    expect(incident).toMatchObject({
      title: 'Card payments fail',
      severity: 'SEV3',
      entityRefs: ['component:default/payments-api'],
      // When it started with the zone named, not an ISO time.
      impact:
        '11–100 users, One region (eu-west-1), customer-facing, since Nov 27, 2026, 2:40 PM UTC',
      createdBy: grace,
    });
    expect(incident.description).toContain('Every card payment ends');
    expect(incident.description).toContain('- https://status.example.com/1');
    expect(incident.description).toContain(
      'Severity lowered from SEV2: one card type only',
    );
    // The reporter by display name, not by ref.
    expect(incident.description).toContain(
      'From triage report RPT-1 by Ada Lovelace.',
    );
    expect(incident.roles.map(r => [r.role, r.userRef])).toEqual(
      expect.arrayContaining([
        ['controller', grace],
        ['reporter', ada],
        ['responder', grace],
      ]),
    );
    const [declared] = await incidents.getTimeline(incident.id);
    expect(declared.payload.fromReport).toBe('RPT-1');

    const handled = await reports.get('RPT-1');
    expect(handled).toMatchObject({
      status: 'incident',
      incidentId: incident.id,
      incidentReference: incident.reference,
    });
    expect(handled.pages[0].incidentId).toBe(incident.id);
    expect(
      (await reports.list({ state: 'handled', limit: 5, offset: 0 })).items,
    ).toHaveLength(1);
    expect(
      (await reports.list({ state: 'open', limit: 5, offset: 0 })).totalCount,
    ).toBe(0);

    await expect(
      reports.startIncident(stored.id, { ref: grace, isUser: true }),
    ).rejects.toThrow(
      new ConflictError(`RPT-1 is already ${incident.reference}`),
    );
    expect(
      (await incidents.listIncidents({ limit: 10, offset: 0 })).totalCount,
    ).toBe(1);

    // the triage channel and the paged person's chat hear of each step
    await jobs.runDueJobs();
    expect(changes.sort()).toEqual([
      'RPT-1 acknowledged',
      'RPT-1 incident',
      'RPT-1 paged',
      'RPT-1 submitted',
      'page acknowledged acknowledged',
      'page triggered acknowledged',
    ]);
  });

  it('lets only one of two simultaneous starts declare the incident', async () => {
    const reports = await createService();
    const stored = await reports.submit(report(), ada);
    const results = await Promise.allSettled([
      reports.startIncident(stored.id, { ref: ada, isUser: true }),
      reports.startIncident(stored.id, { ref: grace, isUser: true }),
    ]);
    const started = results.filter(r => r.status === 'fulfilled');
    const refused = results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    expect(started).toHaveLength(1);
    expect(refused.map(r => r.reason.name)).toEqual(['ConflictError']);
    expect(
      (await incidents.listIncidents({ limit: 10, offset: 0 })).totalCount,
    ).toBe(1);
  });

  it('carries acknowledge and resolve from the provider into the page and its incident', async () => {
    const reports = await createService();
    const stored = await reports.submit(report(), ada);
    const page = stored.pages[0];
    const incident = await reports.startIncident(stored.id, {
      ref: ada,
      isUser: true,
    });
    const updates = new PageUpdates(pages, incidentService, deliveries);

    const acknowledged = {
      dedupKey: page.dedupKey,
      status: 'acknowledged' as const,
      by: 'Grace Hopper',
      source: 'PagerDuty',
    };
    expect(await updates.record(acknowledged)).toBe(true);
    expect(await updates.record(acknowledged)).toBe(true); // a redelivery
    expect(await paging.get(page.id)).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'Grace Hopper in PagerDuty',
    });
    expect((await incidents.getIncident(incident.id))!.status).toBe(
      'acknowledged',
    );

    expect(await updates.record({ ...acknowledged, status: 'resolved' })).toBe(
      true,
    );
    expect((await paging.get(page.id))!.status).toBe('resolved');
    const resolved = (await incidents.getIncident(incident.id))!;
    expect(resolved.status).toBe('resolved');
    const timeline = await incidents.getTimeline(incident.id);
    expect(timeline.at(-1)).toMatchObject({
      actor: 'service:builtin',
      payload: {
        to: 'resolved',
        note: 'page resolved by Grace Hopper in PagerDuty',
      },
    });

    expect(
      await updates.record({
        ...acknowledged,
        dedupKey: 'raised-in-pagerduty',
      }),
    ).toBe(false);
  });
});
