import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  AlertGroupChange,
  MultivacWorkflow,
  multivacWorkflowExtensionPoint,
} from '@multivac/plugin-multivac-node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { startBackend } from '../__testUtils__/testBackend';
import { eventually } from '../__testUtils__/waitFor';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const SECRET = 'workflow-alerts-secret-0123';
const ADA = 'user:default/ada.lovelace';

const config = {
  jobs: { pollIntervalSeconds: 0.1, initialBackoffSeconds: 0.1 },
  alerts: {
    integrations: [
      {
        id: 'cron',
        name: 'Cron jobs',
        vendor: 'generic',
        secrets: [SECRET],
        defaultEntityRef: 'payments-api',
      },
    ],
  },
};

const alert = (dedupKey: string, extra: object = {}) => ({
  summary: `${dedupKey} is failing`,
  dedupKey,
  severity: 'critical',
  links: ['https://grafana.example.com/d/payments'],
  ...extra,
});

/** A module that keeps the workflow and hears about alert groups. */
function testModule() {
  const seen = {
    workflow: undefined as MultivacWorkflow | undefined,
    changes: [] as AlertGroupChange[],
  };
  const module = createBackendModule({
    pluginId: 'multivac',
    moduleId: 'test-alert-groups',
    register(reg) {
      reg.registerInit({
        deps: { workflowPoint: multivacWorkflowExtensionPoint },
        async init({ workflowPoint }) {
          workflowPoint.addAlertGroupSubscriber({
            id: 'test',
            connect: workflow => {
              seen.workflow = workflow;
            },
            onAlertGroupChange: async change => {
              seen.changes.push(change);
            },
          });
        },
      });
    },
  });
  return { module, seen };
}

describe.each(databases.eachSupportedId())(
  'the workflow for alerts, on %s',
  id => {
    it('lists what fires on a service or team, tells subscribers once per paging group, acknowledges and starts an incident', async () => {
      const { module, seen } = testModule();
      const knex = await databases.init(id);
      const { server } = await startBackend(undefined, config, [
        module,
        mockServices.database.factory({ knex }),
      ]);
      const deliver = (alerts: object[]) =>
        request(server)
          .post('/api/multivac/alerts/integrations/cron')
          .set('Authorization', `Bearer ${SECRET}`)
          .send({ alerts })
          .expect(202);

      // Two high alerts on payments-api (one group), one on cart, one low
      // alert on ledger; then the same delivery again.
      const alerts = [
        alert('payments-5xx'),
        alert('payments-latency'),
        alert('cart-down', { entityRef: 'component:default/cart' }),
        alert('ledger-lag', {
          entityRef: 'component:default/ledger',
          severity: 'warning',
        }),
      ];
      await deliver(alerts);
      await deliver(alerts);

      const workflow = seen.workflow!;
      const all = await eventually(
        () => workflow.alerts.firing({ limit: 10 }),
        firing => firing.totalCount === 4 && firing.items.every(a => a.groupId),
      );
      expect(all.entityRefs).toEqual([]);
      expect(all.items.map(a => a.dedupKey).sort()).toEqual([
        'cart-down',
        'ledger-lag',
        'payments-5xx',
        'payments-latency',
      ]);

      await eventually(
        async () => seen.changes.length,
        count => count >= 2,
      );
      // Anything more would have been delivered by now.
      await new Promise(resolve => setTimeout(resolve, 1000));
      expect(
        seen.changes.map(c => [c.change, c.group.entityRef]).sort(),
      ).toEqual([
        ['opened', 'component:default/cart'],
        ['opened', 'component:default/payments-api'],
      ]);
      const opened = seen.changes.find(
        c => c.group.entityRef === 'component:default/payments-api',
      )!;
      expect(opened.group).toMatchObject({ urgency: 'high', status: 'firing' });
      expect(opened.group.alerts.map(a => a.dedupKey)).toContain(
        'payments-5xx',
      );

      // A team: what the Group owns (payments-api and ledger).
      const team = await workflow.alerts.firing({
        entities: ['payments'],
        limit: 10,
      });
      expect(team.entityRefs).toEqual(['group:default/payments']);
      expect(team.totalCount).toBe(3);
      expect(team.items.map(a => a.entityRef).sort()).toEqual([
        'component:default/ledger',
        'component:default/payments-api',
        'component:default/payments-api',
      ]);
      const service = await workflow.alerts.firing({
        entities: ['cart'],
        limit: 1,
      });
      expect(service).toMatchObject({
        entityRefs: ['component:default/cart'],
        totalCount: 1,
        items: [{ dedupKey: 'cart-down' }],
      });
      await expect(
        workflow.alerts.firing({ entities: ['payments-apx'], limit: 10 }),
      ).rejects.toThrow(
        "There is no service or team 'payments-apx' in the catalog (looked for component:default/payments-apx, group:default/payments-apx, system:default/payments-apx)",
      );
      await expect(workflow.alerts.firing({ limit: 500 })).rejects.toThrow(
        /limit/,
      );

      // The group's page, acknowledged; then its incident.
      const groupId = opened.group.id;
      const paged = await eventually(
        () => workflow.alerts.getGroup(groupId),
        group => Boolean(group?.page),
      );
      expect(paged?.page).toMatchObject({
        status: 'triggered',
        entityRef: 'component:default/payments-api',
      });
      const acknowledged = await workflow.alerts.acknowledge(groupId, ADA);
      expect(acknowledged).toMatchObject({
        id: paged!.page!.id,
        status: 'acknowledged',
        acknowledgedBy: ADA,
      });

      const incident = await workflow.alerts.startIncident(groupId, ADA);
      expect(incident).toMatchObject({
        entityRefs: ['component:default/payments-api'],
        severity: 'SEV2',
      });
      expect(await workflow.alerts.getGroup(groupId)).toMatchObject({
        incidentId: incident.id,
        incidentReference: incident.reference,
        page: { status: 'acknowledged' },
      });
      await expect(workflow.alerts.startIncident(groupId, ADA)).rejects.toThrow(
        /already has/,
      );
      expect(await workflow.alerts.getGroup('no-such-group')).toBeUndefined();
      expect(workflow.urls.alertGroup(groupId)).toBe(
        `/multivac/alerts/groups/${groupId}`,
      );
    });
  },
);
