import { mockCredentials } from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  multivacWorkflowExtensionPoint,
  PageUpdateReceiver,
} from '@multivac/plugin-multivac-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const asGrace = {
  Authorization: mockCredentials.user.header('user:default/grace.hopper'),
};

const report = {
  title: 'Card payments fail',
  description: 'Declined for every Visa card.',
  entityRef: 'payments-api',
  usersAffected: 'hundreds',
  scope: 'global',
  customerFacing: true,
  startedAt: '2026-11-23T08:15:00+01:00',
  links: ['https://grafana.example.com/d/payments'],
};

describe('/api/multivac/reports', () => {
  it('stores a report, pages on-call, and turns it into an incident once', async () => {
    const { server } = await startBackend(undefined, {
      severityRubric: { global: { hundreds: 'SEV2' } },
    });
    const rubric = await request(server)
      .get('/api/multivac/reports/rubric')
      .set(asAda);
    expect(rubric.body.rubric.global.hundreds).toBe('SEV2');
    expect(rubric.body.rubric.global.thousands).toBe('SEV1');

    const created = await request(server)
      .post('/api/multivac/reports')
      .set(asAda)
      .send(report);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      reference: 'RPT-1',
      entityRef: 'component:default/payments-api',
      severity: 'SEV2',
      startedAt: '2026-11-23T07:15:00.000Z',
      reportedBy: 'user:default/ada.lovelace',
      status: 'open',
    });
    const [page] = created.body.pages;
    expect(page.targets[0].phone).toMatch(/^\+49 30 100[12]$/);
    expect(created.body.paging).toMatch(
      /^Paged (Ada Lovelace|Grace Hopper) \(Payments primary, level 1\)$/,
    );

    const ack = await request(server)
      .post(`/api/multivac/pages/${page.id}/acknowledge`)
      .set(asGrace);
    expect(ack.status).toBe(200);
    const open = await request(server)
      .get('/api/multivac/reports?state=open')
      .set(asAda);
    expect(open.body).toMatchObject({
      totalCount: 1,
      items: [{ reference: 'RPT-1', status: 'acknowledged' }],
    });

    const incident = await request(server)
      .post('/api/multivac/reports/RPT-1/incident')
      .set(asGrace)
      .send({});
    expect(incident.status).toBe(201);
    expect(incident.body).toMatchObject({
      severity: 'SEV2',
      title: 'Card payments fail',
    });
    const again = await request(server)
      .post('/api/multivac/reports/RPT-1/incident')
      .set(asGrace)
      .send({});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      `RPT-1 is already ${incident.body.reference}`,
    );
    const handled = await request(server)
      .get('/api/multivac/reports/rpt-1')
      .set(asAda);
    expect(handled.body).toMatchObject({
      status: 'incident',
      incidentReference: incident.body.reference,
    });

    // The reporter's own reports, the one that became an incident included.
    const mine = await request(server)
      .get('/api/multivac/reports?mine=true')
      .set(asAda);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      totalCount: 1,
      items: [
        {
          reference: 'RPT-1',
          status: 'incident',
          incidentReference: incident.body.reference,
        },
      ],
    });
    const gracesOwn = await request(server)
      .get('/api/multivac/reports?mine=true&state=handled')
      .set(asGrace);
    expect(gracesOwn.body.totalCount).toBe(0);
    const everyone = await request(server)
      .get('/api/multivac/reports?mine=false')
      .set(asGrace);
    expect(everyone.body.totalCount).toBe(1);
    const bad = await request(server)
      .get('/api/multivac/reports?mine=yes')
      .set(asAda);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      "Invalid query: mine: must be 'true' or 'false'",
    );
  });

  it('answers 400 naming what is wrong, and stores nothing', async () => {
    const { server } = await startBackend();
    const post = (body: object) =>
      request(server).post('/api/multivac/reports').set(asAda).send(body);

    const lowered = await post({ ...report, severity: 'SEV4' });
    expect(lowered.status).toBe(400);
    expect(lowered.body.error.message).toBe(
      "severity: SEV4 is lower than the rubric's SEV1 (101–1,000 users, everywhere: SEV1 by the severity rubric); give a reason to lower it (severityReason)",
    );
    const noRegion = await post({ ...report, scope: 'region' });
    expect(noRegion.body.error.message).toBe(
      'Invalid report: region: say which region',
    );
    const unknown = await post({ ...report, entityRef: 'no-such-service' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(
      'component:default/no-such-service',
    );
    const badLink = await post({ ...report, links: ['see wiki'] });
    expect(badLink.body.error.message).toBe(
      'Invalid report: links.0: must be a full URL (https://...)',
    );
    const list = await request(server).get('/api/multivac/reports').set(asAda);
    expect(list.body.totalCount).toBe(0);
    expect(
      (await request(server).get('/api/multivac/reports/RPT-9').set(asAda))
        .status,
    ).toBe(404);
  });

  it('checks the report and incident permissions', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY);
    const calls = [
      request(server).get('/api/multivac/reports/rubric'),
      request(server).get('/api/multivac/reports'),
      request(server).get('/api/multivac/reports/RPT-1'),
      request(server).post('/api/multivac/reports').send(report),
      request(server).post('/api/multivac/reports/RPT-1/incident').send({}),
    ];
    for (const call of calls) {
      const res = await call.set(asAda);
      expect(res.status).toBe(403);
    }
  });

  it("gives modules a receiver for page updates from the provider's side", async () => {
    let receiver: PageUpdateReceiver | undefined;
    const webhookModule = createBackendModule({
      pluginId: 'multivac',
      moduleId: 'test-webhooks',
      register(reg) {
        reg.registerInit({
          deps: { workflowPoint: multivacWorkflowExtensionPoint },
          async init({ workflowPoint }) {
            workflowPoint.addClient({
              id: 'test-webhooks',
              connect: workflow => {
                receiver = workflow.onCall.pageUpdates;
              },
            });
          },
        });
      },
    });
    const { server } = await startBackend(undefined, {}, [webhookModule]);
    const created = await request(server)
      .post('/api/multivac/reports')
      .set(asAda)
      .send(report);
    const update = {
      dedupKey: created.body.pages[0].dedupKey,
      status: 'acknowledged' as const,
      by: 'Grace Hopper',
      source: 'PagerDuty',
    };
    expect(await receiver!.record(update)).toBe(true);
    expect(await receiver!.record({ ...update, dedupKey: 'other' })).toBe(
      false,
    );
    const read = await request(server)
      .get(`/api/multivac/reports/${created.body.id}`)
      .set(asAda);
    expect(read.body.status).toBe('acknowledged');
    expect(read.body.pages[0].acknowledgedBy).toBe('Grace Hopper in PagerDuty');
  });
});
