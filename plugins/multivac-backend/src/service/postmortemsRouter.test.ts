import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  postmortemPublishPermission,
  Postmortem,
} from '@multivac/plugin-multivac-common';
import {
  multivacIssueTrackerExtensionPoint,
  multivacWorkflowExtensionPoint,
  MultivacWorkflow,
} from '@multivac/plugin-multivac-node';
import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';
import { fakeTracker } from '../postmortems/__testUtils__/postmortemHarness';
import { eventually } from '../__testUtils__/waitFor';

jest.setTimeout(60_000);

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const ken = 'user:default/ken.thompson';
const asGrace = { Authorization: mockCredentials.user.header(grace) };
const asKen = { Authorization: mockCredentials.user.header(ken) };

/** Everyone may do everything, except that Ken may not publish. */
const kenMayNotPublish = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => {
    const decide = async (
      requests: Array<{ permission: { name: string } }>,
      options: { credentials: { principal: unknown } },
    ): Promise<
      Array<{ result: AuthorizeResult.ALLOW | AuthorizeResult.DENY }>
    > => {
      const principal = options.credentials.principal as {
        userEntityRef?: string;
      };
      return requests.map(r => ({
        result:
          r.permission.name === postmortemPublishPermission.name &&
          principal.userEntityRef === ken
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    };
    return { authorize: decide, authorizeConditional: decide };
  },
});

async function resolvedIncident(server: any, title = 'Card payments fail') {
  const declared = await request(server)
    .post('/api/multivac/incidents')
    .set(asAda)
    .send({ title, severity: 'SEV2', entityRefs: ['payments-api'] });
  expect(declared.status).toBe(201);
  const resolved = await request(server)
    .post(`/api/multivac/incidents/${declared.body.reference}/transitions`)
    .set(asGrace)
    .send({ to: 'resolved', note: 'Rolled back' });
  expect(resolved.status).toBe(200);
  return declared.body.reference as string;
}

describe('/api/multivac/postmortems', () => {
  it('creates, edits, reviews and publishes a post-mortem', async () => {
    const { server } = await startBackend(undefined, {}, [kenMayNotPublish]);
    const api = (headers: Record<string, string> = asAda) => ({
      get: (path: string) =>
        request(server).get(`/api/multivac${path}`).set(headers),
      post: (path: string, body: object = {}) =>
        request(server).post(`/api/multivac${path}`).set(headers).send(body),
      patch: (path: string, body: object) =>
        request(server).patch(`/api/multivac${path}`).set(headers).send(body),
      delete: (path: string) =>
        request(server).delete(`/api/multivac${path}`).set(headers),
    });

    const declared = await api().post('/incidents', {
      title: 'Card payments fail',
      severity: 'SEV2',
      entityRefs: ['payments-api'],
    });
    const early = await api().post('/incidents/INC-1/postmortem');
    expect(early.status).toBe(409);
    expect(early.body.error).toEqual({
      name: 'ConflictError',
      message:
        'INC-1 is triggered: its post-mortem can be written once it is resolved',
    });
    // None yet: no error status, and the body is empty.
    const none = await api().get('/incidents/INC-1/postmortem');
    expect(none.status).toBe(204);
    expect(none.text).toBe('');
    expect((await api().get('/incidents/INC-9/postmortem')).status).toBe(404);
    expect((await api().post('/incidents/INC-9/postmortem')).status).toBe(404);
    await api(asGrace).post('/incidents/INC-1/transitions', {
      to: 'resolved',
    });

    const created = await api(asKen).post(
      `/incidents/${declared.body.id}/postmortem`,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      reference: 'PM-1',
      incidentReference: 'INC-1',
      title: 'Post-mortem: Card payments fail',
      status: 'draft',
      ownerRef: ada,
      createdBy: ken,
      facts: { controllerRef: ada, participantRefs: [ada, grace] },
    });
    const again = await api().post('/incidents/INC-1/postmortem');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    expect((await api().get('/incidents/inc-1/postmortem')).body.id).toBe(
      created.body.id,
    );
    expect((await api().get(`/postmortems/${created.body.id}`)).status).toBe(
      200,
    );
    expect((await api().get('/postmortems/PM-2')).status).toBe(404);

    const edited = await api(asKen).patch('/postmortems/PM-1', {
      sections: { summary: 'Visa payments were **declined**.' },
      ownerRef: 'ken.thompson',
      reviewerRefs: ['grace.hopper', 'user:default/ada.lovelace'],
      dueDate: '2026-12-10',
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      ownerRef: ken,
      reviewerRefs: [grace, ada],
      dueDate: '2026-12-10',
    });
    expect(edited.body.sections[0]).toMatchObject({
      id: 'summary',
      text: 'Visa payments were **declined**.',
    });

    const bad = async (body: object) => {
      const res = await api().patch('/postmortems/PM-1', body);
      expect(res.status).toBe(400);
      return res.body.error.message;
    };
    expect(await bad({ sections: { postmortem: 'x' } })).toBe(
      "sections: PM-1 has no section 'postmortem'; its sections are summary, trigger, impact, detection, resolution, went-well, went-wrong, lucky",
    );
    expect(await bad({ ownerRef: 'nobody' })).toContain('user:default/nobody');
    expect(await bad({ reviewerRefs: ['payments-api', 'component:x'] })).toBe(
      'reviewerRefs: not a catalog User: component:default/x',
    );
    expect(await bad({ dueDate: '2026-13-01' })).toBe(
      'Invalid post-mortem: dueDate: is not a calendar day',
    );
    expect(await bad({})).toBe(
      'Invalid post-mortem: name at least one field to change',
    );
    expect(await bad({ sections: { summary: 'x'.repeat(20001) } })).toMatch(
      /^Invalid post-mortem: sections.summary: String must contain at most 20000/,
    );

    const item = await api(asGrace).post('/postmortems/PM-1/action-items', {
      title: 'Alert on declined payments',
      ownerRef: 'ken.thompson',
      dueDate: '2026-12-11',
    });
    expect(item.status).toBe(201);
    expect(item.body).toMatchObject({
      title: 'Alert on declined payments',
      ownerRef: ken,
      status: 'open',
      createdBy: grace,
    });
    expect(item.body.tracking).toBeUndefined();
    expect(
      (await api().post('/postmortems/PM-1/action-items', { title: '' })).body
        .error.message,
    ).toBe('Invalid action item: title: say what needs doing');
    expect(
      (
        await api().post('/postmortems/PM-1/action-items', {
          title: 'x',
          ownerRef: 'nobody',
        })
      ).status,
    ).toBe(400);
    const itemPath = `/postmortems/PM-1/action-items/${item.body.id}`;
    const done = await api().patch(itemPath, { status: 'done', dueDate: null });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', ownerRef: ken });
    expect(done.body.dueDate).toBeUndefined();
    expect(
      (await api().patch('/postmortems/PM-1/action-items/nope', { title: 'x' }))
        .status,
    ).toBe(404);
    const second = await api().post('/postmortems/PM-1/action-items', {
      title: 'Delete me',
    });
    expect(
      (await api().delete(`/postmortems/PM-1/action-items/${second.body.id}`))
        .status,
    ).toBe(204);
    expect(
      (await api().delete(`/postmortems/PM-1/action-items/${second.body.id}`))
        .status,
    ).toBe(404);

    // Ken may edit and ask for review, but not publish.
    const review = await api(asKen).post('/postmortems/PM-1/status', {
      status: 'in_review',
    });
    expect(review.body.status).toBe('in_review');
    const refused = await api(asKen).post('/postmortems/PM-1/status', {
      status: 'published',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'You are not allowed to multivac.postmortem.publish',
    );
    // Not a rubber stamp: the required sections and an approval first.
    const unready = await api(asGrace).post('/postmortems/PM-1/status', {
      status: 'published',
    });
    expect(unready.status).toBe(409);
    expect(unready.body.error).toEqual({
      name: 'ConflictError',
      message:
        'PM-1 cannot be published yet: the required sections Trigger, Impact are empty; no reviewer has approved it (Grace Hopper, Ada Lovelace)',
    });
    const inReview = await api().get('/postmortems/PM-1');
    expect(inReview.body.review).toEqual({
      requiredSections: ['summary', 'trigger', 'impact'],
      actionItemsRequired: true,
      missing: ['Trigger', 'Impact'],
      approvals: [],
      blockers: [
        'the required sections Trigger, Impact are empty',
        'no reviewer has approved it (Grace Hopper, Ada Lovelace)',
      ],
    });
    await api(asKen).patch('/postmortems/PM-1', {
      sections: { trigger: 'A DNS change', impact: 'Visa payments, 1 hour' },
    });
    const notReviewer = await api(asKen).post('/postmortems/PM-1/approve');
    expect(notReviewer.status).toBe(403);
    expect(notReviewer.body.error.message).toBe(
      'You are not a reviewer of PM-1; its reviewers are Grace Hopper, Ada Lovelace',
    );
    const approved = await api(asGrace).post('/postmortems/PM-1/approve');
    expect(approved.status).toBe(200);
    expect(approved.body.review).toMatchObject({
      approvals: [{ reviewerRef: grace, approvedAt: expect.any(String) }],
      blockers: [],
    });
    const published = await api(asGrace).post('/postmortems/PM-1/status', {
      status: 'published',
    });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      status: 'published',
      publishedBy: grace,
      publishedAt: expect.any(String),
    });
    const backwards = await api().post('/postmortems/PM-1/status', {
      status: 'draft',
    });
    expect(backwards.status).toBe(409);
    expect(backwards.body.error.message).toBe(
      'PM-1 cannot move from published to draft; a published post-mortem changes only when reopened with a reason',
    );
    // Read-only while published.
    const locked = await api(asGrace).patch('/postmortems/PM-1', {
      sections: { lucky: 'x' },
    });
    expect(locked.status).toBe(409);
    expect(locked.body.error.message).toBe(
      'PM-1 is published, so it cannot change; reopen it (with a reason) first',
    );
    expect(
      (await api().post('/postmortems/PM-1/action-items', { title: 'More' }))
        .status,
    ).toBe(409);
    expect(
      (await api().post('/postmortems/PM-1/status', { status: 'done' })).status,
    ).toBe(400);

    const markdown = await api().get('/postmortems/PM-1/markdown');
    expect(markdown.status).toBe(200);
    expect(markdown.headers['content-type']).toBe(
      'text/markdown; charset=utf-8',
    );
    expect(markdown.headers['content-disposition']).toBe(
      'attachment; filename="PM-1.md"',
    );
    expect(markdown.text).toMatch(/^# Post-mortem: Card payments fail\n/);
    expect(markdown.text).toContain(
      '## Summary\n\nVisa payments were **declined**.\n',
    );
    expect(markdown.text).toContain(
      '| Alert on declined payments | Ken Thompson |  | done |  |',
    );
    // People by display name everywhere, also in the timeline's texts.
    expect(markdown.text).not.toMatch(/user:default\/|ken\.thompson/);
    expect(markdown.text.indexOf('## What went well')).toBeLessThan(
      markdown.text.indexOf('## What went wrong'),
    );
    expect(markdown.text).toContain('moved it from triggered to resolved');

    // Reopening needs the publish permission and a reason.
    expect(
      (await api(asKen).post('/postmortems/PM-1/reopen', { reason: 'Typo' }))
        .status,
    ).toBe(403);
    for (const body of [{}, { reason: '  ' }, { reason: 'x', extra: 1 }]) {
      const noReason = await api(asGrace).post(
        '/postmortems/PM-1/reopen',
        body,
      );
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toMatch(/^Invalid reopening: /);
    }
    expect(
      (await api(asGrace).post('/postmortems/PM-1/reopen', {})).body.error
        .message,
    ).toBe('Invalid reopening: reason: say why it is reopened');
    const reopened = await api(asGrace).post('/postmortems/PM-1/reopen', {
      reason: 'The trigger was a certificate, not DNS',
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({
      status: 'draft',
      review: { approvals: [] },
    });
    expect(reopened.body.publishedAt).toBeUndefined();
    expect(reopened.body.history.at(-1)).toMatchObject({
      type: 'reopened',
      actor: grace,
      reason: 'The trigger was a certificate, not DNS',
    });
    expect(reopened.body.history.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'reviewers_changed',
      'review_requested',
      'approved',
      'published',
      'reopened',
    ]);
    expect(
      (await api(asGrace).post('/postmortems/PM-1/reopen', { reason: 'again' }))
        .status,
    ).toBe(409);
    expect(
      (
        await api(asKen).patch('/postmortems/PM-1', {
          sections: { trigger: 'A certificate expired' },
        })
      ).status,
    ).toBe(200);
  });

  it('lists post-mortems by words, team, owner, status and overdue', async () => {
    const { server } = await startBackend();
    await resolvedIncident(server, 'Card payments fail');
    await resolvedIncident(server, 'Cart is slow');
    for (const incident of ['INC-1', 'INC-2']) {
      await request(server)
        .post(`/api/multivac/incidents/${incident}/postmortem`)
        .set(asAda);
    }
    await request(server)
      .patch('/api/multivac/incidents/INC-2')
      .set(asAda)
      .send({ entityRefs: ['cart'] });
    await request(server)
      .patch('/api/multivac/postmortems/PM-1')
      .set(asAda)
      .send({ sections: { trigger: 'A DNS change' }, dueDate: '2026-01-05' });
    const list = async (query: string) => {
      const res = await request(server)
        .get(`/api/multivac/postmortems?${query}`)
        .set(asAda);
      expect(res.status).toBe(200);
      return res.body;
    };

    expect(await list('')).toMatchObject({
      totalCount: 2,
      items: [{ reference: 'PM-2' }, { reference: 'PM-1', overdue: true }],
    });
    const refs = async (query: string) =>
      (await list(query)).items.map((p: Postmortem) => p.reference);
    expect(await refs('q=dns')).toEqual(['PM-1']);
    expect(await refs('q=CART')).toEqual(['PM-2']);
    await request(server)
      .post('/api/multivac/postmortems/PM-2/action-items')
      .set(asAda)
      .send({ title: 'Cache the basket totals' });
    // The list's search also reads the action items.
    expect(await refs('q=basket')).toEqual(['PM-2']);
    // A team's post-mortems are those of the entities it owns.
    expect(await refs('entityRef=group:default/payments')).toEqual(['PM-1']);
    expect(await refs('entityRef=group:default/storefront')).toEqual(['PM-2']);
    expect(await refs('owner=ada.lovelace')).toEqual(['PM-2', 'PM-1']);
    expect(await refs('owner=ken.thompson')).toEqual([]);
    expect(await refs('overdue=true')).toEqual(['PM-1']);
    expect(await refs('status=draft&severity=SEV2&limit=1&offset=1')).toEqual([
      'PM-1',
    ]);
    const bad = await request(server)
      .get('/api/multivac/postmortems?limit=500')
      .set(asAda);
    expect(bad.status).toBe(400);
  });

  it('checks the post-mortem permissions on every route', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY);
    const calls = [
      request(server).post('/api/multivac/incidents/INC-1/postmortem'),
      request(server).get('/api/multivac/incidents/INC-1/postmortem'),
      request(server).get('/api/multivac/postmortems'),
      request(server).get('/api/multivac/postmortems/PM-1'),
      request(server).get('/api/multivac/postmortems/PM-1/markdown'),
      request(server).patch('/api/multivac/postmortems/PM-1').send({}),
      request(server)
        .post('/api/multivac/postmortems/PM-1/status')
        .send({ status: 'in_review' }),
      request(server)
        .post('/api/multivac/postmortems/PM-1/status')
        .send({ status: 'published' }),
      request(server).post('/api/multivac/postmortems/PM-1/approve'),
      request(server)
        .post('/api/multivac/postmortems/PM-1/reopen')
        .send({ reason: 'x' }),
      request(server).post('/api/multivac/postmortems/PM-1/action-items'),
      request(server)
        .patch('/api/multivac/postmortems/PM-1/action-items/1')
        .send({}),
      request(server).delete('/api/multivac/postmortems/PM-1/action-items/1'),
    ];
    for (const call of calls) {
      const res = await call.set(asAda);
      expect(res.status).toBe(403);
    }
    const anonymous = await request(server)
      .get('/api/multivac/postmortems')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });

  it('gives modules the post-mortem workflow, subscribers and an issue tracker', async () => {
    const fake = fakeTracker();
    let workflow: MultivacWorkflow | undefined;
    const changes: string[] = [];
    const chatModule = createBackendModule({
      pluginId: 'multivac',
      moduleId: 'test-chat',
      register(reg) {
        reg.registerInit({
          deps: { workflowPoint: multivacWorkflowExtensionPoint },
          async init({ workflowPoint }) {
            workflowPoint.addClient({
              id: 'test-chat',
              connect: connected => {
                workflow = connected;
              },
            });
            workflowPoint.addPostmortemSubscriber({
              id: 'test-chat',
              async onPostmortemChange({ postmortem, change }) {
                changes.push(`${postmortem.reference} ${change}`);
              },
            });
          },
        });
      },
    });
    const trackerModule = createBackendModule({
      pluginId: 'multivac',
      moduleId: 'test-tracker',
      register(reg) {
        reg.registerInit({
          deps: { trackers: multivacIssueTrackerExtensionPoint },
          async init({ trackers }) {
            trackers.setIssueTracker(fake.tracker);
          },
        });
      },
    });
    const { server } = await startBackend(undefined, {}, [
      chatModule,
      trackerModule,
    ]);
    await resolvedIncident(server);

    const first = await workflow!.postmortems.create('INC-1', ada);
    expect(first).toMatchObject({
      created: true,
      postmortem: { reference: 'PM-1', tracking: { state: 'pending' } },
    });
    expect((await workflow!.postmortems.create('INC-1', grace)).created).toBe(
      false,
    );
    expect((await workflow!.postmortems.get('INC-1'))?.id).toBe(
      first.postmortem.id,
    );
    expect(await workflow!.postmortems.get('INC-2')).toBeUndefined();
    expect(workflow!.urls.postmortem('PM-1')).toBe(
      '/multivac/postmortems/PM-1',
    );

    const tracked = await eventually(
      async () =>
        (
          await request(server).get('/api/multivac/postmortems/PM-1').set(asAda)
        ).body as Postmortem,
      pm => pm.tracking?.state === 'done',
    );
    expect(tracked.tracking).toMatchObject({ state: 'done', key: 'OPS-1' });
    expect(fake.requests[0].entities.map(e => e.metadata.name)).toEqual([
      'payments-api',
      'payments',
      'shop',
    ]);
    expect(fake.requests[0].assigneeEmail).toBe('ada.lovelace@nimbus.example');
    await eventually(
      async () => changes,
      c => c.length > 0,
    );
    expect(changes).toEqual(['PM-1 created']);
    const incident = await request(server)
      .get('/api/multivac/incidents/INC-1')
      .set(asAda);
    expect(incident.body.jobs.map((j: { type: string }) => j.type)).toEqual(
      expect.arrayContaining([
        'postmortem.track',
        'postmortem-subscriber:test-chat',
      ]),
    );
  });

  it('refuses a second issue tracker at start-up', async () => {
    const trackerModule = (moduleId: string) =>
      createBackendModule({
        pluginId: 'multivac',
        moduleId,
        register(reg) {
          reg.registerInit({
            deps: { trackers: multivacIssueTrackerExtensionPoint },
            async init({ trackers }) {
              trackers.setIssueTracker({
                ...fakeTracker().tracker,
                id: moduleId,
              });
            },
          });
        },
      });
    await expect(
      startBackend(undefined, {}, [
        trackerModule('jira'),
        trackerModule('linear'),
      ]),
    ).rejects.toThrow(
      "Cannot add issue tracker 'linear': 'jira' is already registered, and Multivac tracks post-mortems in one tracker",
    );
  });
});
