import { ServiceUnavailableError } from '@backstage/errors';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ada,
  fakeTracker,
  grace,
  ken,
  postmortemHarness,
} from './__testUtils__/postmortemHarness';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('PostmortemTracking on %s', id => {
  let knex: Knex;
  let fake: ReturnType<typeof fakeTracker>;
  let harness: Awaited<ReturnType<typeof postmortemHarness>>;

  beforeEach(async () => {
    knex = await databases.init(id);
    fake = fakeTracker();
    harness = await postmortemHarness(knex, { tracker: fake.tracker });
  });

  const jobsOf = async (type: string) =>
    knex('multivac_jobs')
      .where({ type })
      .select('status', 'attempts', 'last_error', 'incident_id');

  it('files the post-mortem issue with the facts and stores where it is', async () => {
    const { postmortems, resolvedIncident, timePasses } = harness;
    const { incident } = await resolvedIncident();
    const { postmortem } = await postmortems.create(incident.id, ada);
    expect(postmortem.tracking).toEqual({ state: 'pending', attempts: 0 });
    expect(fake.requests).toEqual([]);

    await timePasses();

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({
      externalId: `multivac-postmortem-${postmortem.id}`,
      kind: 'postmortem',
      title: 'Post-mortem: Card payments fail',
      link: {
        href: `http://portal/multivac/postmortems/${postmortem.reference}`,
        text: `${postmortem.reference} in Multivac`,
      },
      dueDate: '2026-12-04',
      // The owner is the last controller, Grace.
      assigneeEmail: 'grace@nimbus.example',
    });
    expect(request.parentKey).toBeUndefined();
    // Then where a tracker looks when they have no project: owner, System.
    expect(request.entities.map(e => e.metadata.name)).toEqual([
      'ledger',
      'payments-api',
      'payments',
      'shop',
    ]);
    expect(request.description).toEqual([
      {
        type: 'paragraph',
        text: `Post-mortem of ${incident.reference}: Card payments fail`,
      },
      {
        type: 'facts',
        items: [
          { label: 'Severity', value: 'SEV2' },
          { label: 'Started', value: '2026-11-27 14:55 UTC' },
          { label: 'Resolved', value: '2026-11-27 16:00 UTC' },
          { label: 'Duration', value: '1 hour 5 minutes' },
          { label: 'Controller', value: 'Grace Hopper' },
          { label: 'Affected', value: 'ledger, payments-api' },
          { label: 'Owner', value: 'Grace Hopper' },
          { label: 'Due', value: '2026-12-04' },
        ],
      },
      { type: 'heading', text: 'Impact' },
      { type: 'paragraph', text: postmortem.facts.impact },
      {
        type: 'link',
        text: `Write the post-mortem in Multivac (${postmortem.reference})`,
        href: `http://portal/multivac/postmortems/${postmortem.reference}`,
      },
      {
        type: 'link',
        text: `Incident ${incident.reference}`,
        href: `http://portal/multivac/incidents/${incident.reference}`,
      },
    ]);
    expect((await postmortems.get(postmortem.id)).tracking).toEqual({
      state: 'done',
      attempts: 1,
      key: 'OPS-1',
      url: 'https://jira.example/browse/OPS-1',
      status: 'To Do',
    });
    // The job shows on the incident, and a second run files nothing.
    expect(await jobsOf('postmortem.track')).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        incident_id: incident.id,
      }),
    ]);
    expect(await postmortems.create(incident.id, ada)).toMatchObject({
      created: false,
    });
    await timePasses();
    expect(fake.requests).toHaveLength(1);
  });

  it('stores a failure on the post-mortem and retries until the tracker is back', async () => {
    const { postmortems, resolvedIncident, timePasses } = harness;
    const { incident } = await resolvedIncident();
    fake.goDown(new ServiceUnavailableError('Jira answered 503'));

    const { postmortem } = await postmortems.create(incident.id, ada);
    expect(postmortem.status).toBe('draft');
    await timePasses();

    expect((await postmortems.get(postmortem.id)).tracking).toEqual({
      state: 'failed',
      attempts: 1,
      error: 'ServiceUnavailableError: Jira answered 503',
    });
    expect(await jobsOf('postmortem.track')).toEqual([
      expect.objectContaining({
        status: 'pending',
        attempts: 1,
        last_error: 'ServiceUnavailableError: Jira answered 503',
      }),
    ]);
    await timePasses();
    expect((await postmortems.get(postmortem.id)).tracking).toMatchObject({
      state: 'failed',
      attempts: 2,
    });

    fake.recover();
    await timePasses();
    expect((await postmortems.get(postmortem.id)).tracking).toEqual({
      state: 'done',
      attempts: 3,
      key: 'OPS-1',
      url: 'https://jira.example/browse/OPS-1',
      status: 'To Do',
    });
    expect(fake.requests).toHaveLength(3);
  });

  it('files action items under the post-mortem issue, waiting for it', async () => {
    const { postmortems, resolvedIncident, timePasses } = harness;
    const { incident } = await resolvedIncident();
    fake.goDown(new Error('Jira is down'));
    const { postmortem } = await postmortems.create(incident.id, ada);
    const item = await postmortems.addActionItem(
      postmortem.id,
      { title: 'Alert on declines', ownerRef: ken, dueDate: '2026-12-11' },
      grace,
    );
    expect(item.tracking).toEqual({ state: 'pending', attempts: 0 });

    await timePasses();
    fake.recover();
    // Only the post-mortem was asked for: the item waits for its parent.
    expect(fake.requests.map(r => r.kind)).toEqual(['postmortem']);
    const waiting = (await postmortems.get(postmortem.id)).actionItems[0];
    expect(waiting.tracking).toEqual({
      state: 'pending',
      attempts: 1,
      error: `Waiting for the issue of ${postmortem.reference}, which it is filed under`,
    });
    expect(await jobsOf('postmortem.action.track')).toEqual([
      expect.objectContaining({ status: 'pending', attempts: 1 }),
    ]);

    await timePasses();
    await timePasses();
    const filed = (await postmortems.get(postmortem.id)).actionItems[0];
    expect(filed.tracking).toMatchObject({
      state: 'done',
      key: 'OPS-2',
      url: 'https://jira.example/browse/OPS-2',
    });
    const itemRequests = fake.requests.filter(r => r.kind === 'action-item');
    // The retry and the run started by the parent's issue may both ask; the
    // tracker files one issue per external id.
    expect(itemRequests.length).toBeGreaterThanOrEqual(1);
    expect(itemRequests[0]).toMatchObject({
      externalId: `multivac-action-${item.id}`,
      title: 'Alert on declines',
      parentKey: 'OPS-1',
      dueDate: '2026-12-11',
      // Ken has no email in the catalog.
      assigneeEmail: undefined,
    });
    expect(itemRequests[0].entities.map(e => e.metadata.name)).toEqual([
      'ledger',
      'payments-api',
      'payments',
      'shop',
    ]);

    // Later items go straight to the tracker.
    const later = await postmortems.addActionItem(
      postmortem.id,
      { title: 'Load test the ledger', ownerRef: ada },
      grace,
    );
    await timePasses();
    expect(
      (await postmortems.get(postmortem.id)).actionItems.find(
        i => i.id === later.id,
      )?.tracking,
    ).toEqual({
      state: 'done',
      attempts: 1,
      key: 'OPS-3',
      url: 'https://jira.example/browse/OPS-3',
      status: 'To Do',
    });
    expect(fake.requests.at(-1)?.assigneeEmail).toBe('ada@nimbus.example');
  });

  it('syncs the status of open issues from the tracker', async () => {
    const { postmortems, resolvedIncident, timePasses, scheduler } = harness;
    const { incident } = await resolvedIncident();
    const { postmortem } = await postmortems.create(incident.id, ada);
    await timePasses();
    const [first, second] = [
      await postmortems.addActionItem(postmortem.id, { title: 'One' }, ada),
      await postmortems.addActionItem(postmortem.id, { title: 'Two' }, ada),
    ];
    await timePasses();
    const keyOf = async (itemId: string) =>
      (await postmortems.get(postmortem.id)).actionItems.find(
        i => i.id === itemId,
      )!.tracking!.key!;

    fake.setStatus(await keyOf(first.id), 'Done', true);
    fake.setStatus(await keyOf(second.id), 'In Progress', false);
    fake.setStatus('OPS-1', 'In Review', false);
    await scheduler.triggerTask('multivac-postmortem-tracker-sync');

    const synced = await postmortems.get(postmortem.id);
    expect(synced.tracking?.status).toBe('In Review');
    expect(
      synced.actionItems.map(i => [i.title, i.status, i.tracking?.status]),
    ).toEqual([
      ['One', 'done', 'Done'],
      ['Two', 'open', 'In Progress'],
    ]);
  });
});

describe.each(databases.eachSupportedId())('Without a tracker on %s', id => {
  it('tracks nothing and says so by leaving tracking out', async () => {
    const knex = await databases.init(id);
    const { postmortems, resolvedIncident, timePasses, scheduler } =
      await postmortemHarness(knex);
    const { incident } = await resolvedIncident();
    const { postmortem } = await postmortems.create(incident.id, ada);
    const item = await postmortems.addActionItem(
      postmortem.id,
      { title: 'One' },
      ada,
    );
    await timePasses();
    expect((await postmortems.get(postmortem.id)).tracking).toBeUndefined();
    expect(item.tracking).toBeUndefined();
    expect(
      await knex('multivac_jobs').where('type', 'like', 'postmortem.%'),
    ).toEqual([]);
    expect((await scheduler.getScheduledTasks()).map(task => task.id)).toEqual([
      'multivac-postmortem-reminders',
    ]);
  });
});
