import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Incident, TriageReport } from '@multivac/plugin-multivac-common';
import {
  IssueTracker,
  TrackerIssue,
  TrackerIssueRequest,
} from '@multivac/plugin-multivac-node';
import {
  entity,
  TestEntityRelation,
  user,
} from '@multivac/plugin-multivac-node/testUtils';
import { Knex } from 'knex';
import { Duration } from 'luxon';
import { DatabaseIncidentStore } from '../../database/DatabaseIncidentStore';
import { DatabasePageStore } from '../../database/DatabasePageStore';
import { DatabaseReportStore } from '../../database/DatabaseReportStore';
import {
  DatabaseJobQueue,
  DEFAULT_JOB_QUEUE_OPTIONS,
} from '../../jobs/DatabaseJobQueue';
import { postmortemDeliveries } from '../../deliveries/kinds';
import { PortalUrls } from '../../service/PortalUrls';
import { createPostmortems } from '..';
import { migrateDatabase } from '../../database/migrations';

export const ada = 'user:default/ada.lovelace';
export const grace = 'user:default/grace.hopper';
export const ken = 'user:default/ken.thompson';

const ownedByPayments: TestEntityRelation[] = [
  ['ownedBy', 'group:default/payments'],
  ['partOf', 'system:default/shop'],
];

export const catalogEntities = [
  entity('Component', 'payments-api', { relations: ownedByPayments }),
  entity('Component', 'ledger', { relations: ownedByPayments }),
  // Ada and Grace are the Payments team: the default reviewers.
  entity('Group', 'payments', {
    relations: [
      ['hasMember', 'user:default/ada.lovelace'],
      ['hasMember', 'user:default/grace.hopper'],
    ],
  }),
  entity('System', 'shop'),
  user('ada.lovelace', {
    displayName: 'Ada Lovelace',
    email: 'ada@nimbus.example',
  }),
  user('grace.hopper', {
    displayName: 'Grace Hopper',
    email: 'grace@nimbus.example',
  }),
  user('ken.thompson', { displayName: 'Ken Thompson' }),
];

/** When the incidents made here started and were resolved (a Friday). */
export const STARTED_AT = '2026-11-27T14:55:00.000Z';
export const RESOLVED_AT = '2026-11-27T16:00:00.000Z';
/** "Today" for what is overdue: the Monday after. */
export const TODAY = '2026-11-30';

/**
 * The post-mortem service wired as the plugin wires it, on a real database,
 * with a post-mortem subscriber that writes down what it receives.
 */
export async function postmortemHarness(
  knex: Knex,
  options: { tracker?: IssueTracker; config?: object } = {},
) {
  await migrateDatabase(knex);
  const incidents = new DatabaseIncidentStore(knex);
  const jobs = new DatabaseJobQueue(knex, mockServices.logger.mock(), {
    ...DEFAULT_JOB_QUEUE_OPTIONS,
    maxAttempts: 5,
    initialBackoff: Duration.fromMillis(0),
  });
  const pages = new DatabasePageStore(knex);
  const reports = new DatabaseReportStore(knex, pages);
  const changes: string[] = [];
  // Read when a delivery runs, after the service below exists.
  const deliveries = postmortemDeliveries(
    jobs,
    [
      {
        id: 'chat',
        async onPostmortemChange({ postmortem, change }) {
          changes.push(
            `${postmortem.reference} ${change} ${postmortem.status}`,
          );
        },
      },
    ],
    // Read when a delivery runs, after the service below exists.
    // eslint-disable-next-line @typescript-eslint/no-use-before-define
    id => postmortems.get(id),
  );
  const scheduler = mockServices.scheduler();
  const postmortems = await createPostmortems({
    db: knex,
    config: new ConfigReader({
      multivac: { postmortems: options.config ?? {} },
    }),
    urls: new PortalUrls('http://portal'),
    incidents,
    reports,
    pages,
    jobs,
    deliveries,
    catalog: catalogServiceMock({ entities: catalogEntities }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    scheduler,
    tracker: options.tracker,
    today: () => TODAY,
  });

  /** Makes every pending job due now and runs them. */
  async function timePasses(): Promise<number> {
    await knex('multivac_jobs')
      .where({ status: 'pending' })
      .update({ run_after: new Date(Date.now() - 1000).toISOString() });
    return jobs.runDueJobs();
  }

  /**
   * An incident started from a triage report (whose page was acknowledged),
   * worked with notes, a role hand-over and a second page, then resolved;
   * its start and resolution moved to STARTED_AT and RESOLVED_AT.
   */
  async function resolvedIncident(
    title = 'Card payments fail',
  ): Promise<{ incident: Incident; report: TriageReport }> {
    const created = await reports.create(
      {
        title,
        description: 'Every Visa payment is declined.',
        entityRef: 'component:default/payments-api',
        usersAffected: 'hundreds',
        scope: 'region',
        region: 'eu-west-1',
        customerFacing: true,
        startedAt: '2026-11-27T14:40:00.000Z',
        links: [],
        severity: 'SEV2',
        rubricSeverity: 'SEV2',
        paging: 'Paged Ken Thompson',
        reportedBy: grace,
      },
      async () => {},
    );
    const page = (summary: string, extra: object) =>
      pages.create(
        {
          entityRef: 'component:default/payments-api',
          resolvedFrom: 'component:default/payments-api',
          provider: 'builtin',
          scheduleId: 'payments',
          scheduleName: 'Payments primary',
          fallback: false,
          summary,
          details: {},
          urgency: 'high',
          targets: [{ userRef: ken, name: 'Ken Thompson' }],
          delivery: 'sent to Ken Thompson',
          createdBy: grace,
          ...extra,
        },
        async () => {},
      );
    const reportPage = await page(`SEV2 payments-api: ${title}`, {
      reportId: created.id,
    });
    await pages.acknowledge(reportPage.id, ken, async () => {});
    const declared = await incidents.createIncident(
      {
        title,
        severity: 'SEV2',
        entityRefs: [
          'component:default/payments-api',
          'component:default/ledger',
        ],
        impact: 'Visa payments declined in eu-west-1',
      },
      ada,
      {
        roles: [
          { role: 'controller', userRef: ada },
          { role: 'reporter', userRef: grace },
        ],
        fromReport: created.reference,
        andThen: (tx, incidentId) =>
          reports.markIncident(tx, created.id, incidentId),
      },
    );
    await incidents.transitionIncident(declared.id, 'investigating', ken);
    await incidents.addNote(
      declared.id,
      'Rolled back | release 42\nfor now',
      ken,
    );
    await page('Need the database team', { incidentId: declared.id });
    await incidents.changeRole(
      declared.id,
      { role: 'controller', userRef: grace, action: 'assign' },
      ada,
    );
    await incidents.transitionIncident(
      declared.id,
      'resolved',
      grace,
      'Fixed by the rollback',
    );
    const resolved = (await incidents.getIncident(declared.id))!;
    await knex('multivac_incidents')
      .where({ id: declared.id })
      .update({
        created_at: STARTED_AT,
        state_timestamps: JSON.stringify({
          ...resolved.stateTimestamps,
          triggered: STARTED_AT,
          resolved: RESOLVED_AT,
        }),
      });
    return {
      incident: (await incidents.getIncident(declared.id))!,
      report: (await reports.get(created.id))!,
    };
  }

  return {
    incidents,
    jobs,
    postmortems,
    scheduler,
    changes,
    timePasses,
    resolvedIncident,
  };
}

/**
 * An issue tracker that files issues in memory, finds the issue it already
 * filed for an external id (as the IssueTracker contract asks), and can be
 * made to fail.
 */
export function fakeTracker() {
  const requests: TrackerIssueRequest[] = [];
  const issues = new Map<string, TrackerIssue>();
  const state = { down: undefined as Error | undefined };
  const tracker: IssueTracker = {
    id: 'faketracker',
    async createIssue(request) {
      requests.push(request);
      if (state.down) {
        throw state.down;
      }
      const existing = issues.get(request.externalId);
      if (existing) {
        return existing;
      }
      const key = `OPS-${issues.size + 1}`;
      const issue = {
        key,
        url: `https://jira.example/browse/${key}`,
        status: 'To Do',
        done: false,
      };
      issues.set(request.externalId, issue);
      return issue;
    },
    async getIssues(keys) {
      return [...issues.values()].filter(i => keys.includes(i.key));
    },
  };
  return {
    tracker,
    requests,
    /** Every call fails with `error` until `recover()`. */
    goDown(error: Error) {
      state.down = error;
    },
    recover() {
      state.down = undefined;
    },
    setStatus(key: string, status: string, done: boolean) {
      for (const [externalId, issue] of issues) {
        if (issue.key === key) {
          issues.set(externalId, { ...issue, status, done });
        }
      }
    },
  };
}
