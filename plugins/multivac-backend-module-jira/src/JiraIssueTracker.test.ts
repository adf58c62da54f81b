import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { FakeJira, startFakeJira } from './__testUtils__/fakeJira';
import {
  CLOUD_API_TOKEN,
  CLOUD_EMAIL,
  component,
  DC_TOKEN,
  nimbusSite,
  postmortemRequest,
} from './__testUtils__/fixtures';
import { validateAdf } from './__testUtils__/validateAdf';
import { JiraIssueTracker } from './JiraIssueTracker';

type Deployment = 'cloud' | 'datacenter';

describe('JiraIssueTracker', () => {
  let fake: FakeJira;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let sleeps: number[];

  afterEach(() => fake.close());

  async function start(
    deployment: Deployment = 'cloud',
    jira: Record<string, unknown> = {},
  ) {
    fake = await startFakeJira(nimbusSite(deployment));
    logger = mockServices.logger.mock();
    sleeps = [];
    return JiraIssueTracker.fromConfig(
      new ConfigReader({
        multivac: {
          jira: {
            baseUrl: `${fake.url}/`,
            deployment,
            ...(deployment === 'cloud'
              ? { email: CLOUD_EMAIL, apiToken: CLOUD_API_TOKEN }
              : { personalAccessToken: DC_TOKEN }),
            ...jira,
          },
        },
      }),
      {
        logger,
        sleep: async ms => {
          sleeps.push(ms);
        },
      },
    );
  }

  const calls = () => fake.requests.map(r => `${r.method} ${r.path}`);

  describe('createIssue on Jira Cloud', () => {
    it('files the post-mortem in the entity project, with an ADF description, labels and a link back', async () => {
      const tracker = await start('cloud', {
        labels: ['postmortem'],
        issueTypes: { postmortem: 'Task' },
      });
      const request = postmortemRequest();

      const issue = await tracker.createIssue(request);

      expect(issue).toEqual({
        key: 'PAY-1',
        url: `${fake.url}/browse/PAY-1`,
        status: 'To Do',
        done: false,
      });
      const [filed] = fake.issues();
      expect(filed.fields).toMatchObject({
        project: { key: 'PAY' },
        issuetype: { name: 'Task' },
        summary: 'Post-mortem INC-42: Payments API returns 502',
        labels: [request.externalId, 'postmortem'],
      });
      expect(validateAdf(filed.fields.description)).toEqual([]);
      expect(filed.fields.description).toMatchObject({
        version: 1,
        type: 'doc',
        content: expect.arrayContaining([
          expect.objectContaining({ type: 'heading' }),
          expect.objectContaining({ type: 'bulletList' }),
        ]),
      });
      expect(filed.remoteLinks).toEqual([
        {
          id: expect.any(Number),
          globalId: request.externalId,
          url: 'https://portal.nimbus.example/multivac/postmortems/42',
          title: 'Post-mortem INC-42 in Multivac',
        },
      ]);
      expect(calls()).toEqual([
        'POST /rest/api/3/search/jql',
        'POST /rest/api/3/issue',
        'GET /rest/api/3/issue/PAY-1',
        'POST /rest/api/3/issue/PAY-1/remotelink',
      ]);
      expect(fake.requests[0].body).toEqual({
        jql: `labels = "${request.externalId}" ORDER BY created ASC`,
        fields: ['status', 'issuelinks'],
        maxResults: 1,
      });
      expect(logger.info).toHaveBeenCalledWith(
        `Filed Jira issue PAY-1 for ${request.externalId}`,
      );
    });

    it('files an issue once: a retried request finds it by its label', async () => {
      const tracker = await start();
      const request = postmortemRequest();

      const first = await tracker.createIssue(request);
      fake.setStatus('PAY-1', 'In Progress', 'indeterminate');
      const again = await tracker.createIssue(request);

      expect(again).toEqual({ ...first, status: 'In Progress' });
      expect(fake.issues()).toHaveLength(1);
      expect(fake.issues()[0].remoteLinks).toHaveLength(1);
      expect(
        fake.requests.filter(r => r.path === '/rest/api/3/issue'),
      ).toHaveLength(1);
    });

    it('finds an issue filed before the job failed, without filing another', async () => {
      const tracker = await start();
      const request = postmortemRequest();
      fake.addIssue('OPS', 'Filed by an earlier attempt', {
        labels: [request.externalId],
      });
      fake.setStatus('OPS-1', 'Done', 'done');

      await expect(tracker.createIssue(request)).resolves.toEqual({
        key: 'OPS-1',
        url: `${fake.url}/browse/OPS-1`,
        status: 'Done',
        done: true,
      });
      expect(calls()).toEqual([
        'POST /rest/api/3/search/jql',
        'POST /rest/api/3/issue/OPS-1/remotelink',
      ]);
    });

    it('cuts the summary to one line of 255 characters', async () => {
      const tracker = await start();

      await tracker.createIssue(
        postmortemRequest({ title: `Post-mortem\n${'x'.repeat(300)}` }),
      );

      const { summary } = fake.issues()[0].fields;
      expect(summary).toHaveLength(255);
      expect(summary).toMatch(/^Post-mortem x+…$/);
    });

    it('leaves the description out when there is nothing to write', async () => {
      const tracker = await start();

      await tracker.createIssue(postmortemRequest({ description: [] }));

      expect(fake.issues()[0].fields.description).toBeUndefined();
    });

    it('assigns the owner found by email, with the due date', async () => {
      const tracker = await start();

      await tracker.createIssue(
        postmortemRequest({
          assigneeEmail: 'ada@nimbus.example',
          dueDate: '2026-03-20',
        }),
      );

      expect(fake.issues()[0].fields).toMatchObject({
        assignee: { accountId: '5b10a2844c20165700ede21g' },
        duedate: '2026-03-20',
      });
      expect(
        fake.requests
          .find(r => r.path === '/rest/api/3/user/search')!
          .query.get('query'),
      ).toBe('ada@nimbus.example');
    });

    it('files unassigned when no Jira user has the email', async () => {
      const tracker = await start();

      await tracker.createIssue(
        postmortemRequest({ assigneeEmail: 'nobody@nimbus.example' }),
      );

      const body = fake.requests.find(
        r => r.path === '/rest/api/3/issue',
      )!.body;
      expect(body.fields).not.toHaveProperty('assignee');
      expect(fake.issues()).toHaveLength(1);
    });

    it('files unassigned when the account may not look up users', async () => {
      const tracker = await start();
      fake.failNext(1, 403, { path: '/rest/api/3/user/search' });

      await tracker.createIssue(
        postmortemRequest({ assigneeEmail: 'ada@nimbus.example' }),
      );

      expect(fake.issues()[0].fields.assignee).toBeUndefined();
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('Cannot look up Jira users'),
      );
    });

    it('files without the assignee and due date Jira refuses, and says so', async () => {
      const tracker = await start();

      const issue = await tracker.createIssue(
        postmortemRequest({
          entities: [component('legacy', { 'jira/project-key': 'LEGACY' })],
          assigneeEmail: 'linus@nimbus.example',
          dueDate: '2026-03-20',
        }),
      );

      expect(issue.key).toBe('LEGACY-1');
      const creates = fake.requests.filter(r => r.path === '/rest/api/3/issue');
      expect(creates.map(r => Object.keys(r.body.fields).sort())).toEqual([
        [
          'assignee',
          'description',
          'duedate',
          'issuetype',
          'labels',
          'project',
          'summary',
        ],
        ['description', 'issuetype', 'labels', 'project', 'summary'],
      ]);
      expect(fake.issues()).toHaveLength(1);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Jira refused duedate and assignee for multivac-postmortem-.* \(duedate: Field 'duedate' cannot be set.*; assignee: User 'Linus Torvalds' cannot be assigned issues\.\); filing the issue without$/,
        ),
      );
    });

    it("fails with Jira's reasons when the project or issue type is wrong", async () => {
      const tracker = await start('cloud', {
        issueTypes: { postmortem: 'Post-mortem' },
      });

      await expect(
        tracker.createIssue(
          postmortemRequest({
            assigneeEmail: 'linus@nimbus.example',
          }),
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(
          'issuetype: The issue type selected is invalid.',
        ),
      });
      expect(fake.issues()).toEqual([]);
    });

    it('retries a rate-limited create after Retry-After', async () => {
      const tracker = await start();
      fake.failNext(1, 429, {
        retryAfterSeconds: 3,
        path: '/rest/api/3/issue',
      });

      await expect(
        tracker.createIssue(postmortemRequest()),
      ).resolves.toMatchObject({ key: 'PAY-1' });
      expect(sleeps).toEqual([3000]);
      expect(fake.issues()).toHaveLength(1);
    });
  });

  describe('action items', () => {
    const actionItem = (parentKey: string) =>
      postmortemRequest({
        externalId: 'multivac-action-7c1e',
        kind: 'action-item',
        title: 'Alert on 502 rate',
        parentKey,
      });

    it('files the action item with its issue type and links it to the post-mortem', async () => {
      const tracker = await start('cloud', {
        issueTypes: { actionItem: 'Bug' },
        linkType: 'Blocks',
        defaultProjectKey: 'OPS',
      });
      const postmortem = await tracker.createIssue(
        postmortemRequest({ entities: [] }),
      );

      const item = await tracker.createIssue({
        ...actionItem(postmortem.key),
        entities: [],
      });

      expect(item.key).toBe('OPS-2');
      expect(fake.issues()[1].fields.issuetype).toEqual({ name: 'Bug' });
      expect(fake.links()).toEqual([
        { type: 'Blocks', outwardKey: 'OPS-2', inwardKey: 'OPS-1' },
      ]);
      expect(
        fake.requests.find(r => r.path === '/rest/api/3/issueLink')!.body,
      ).toEqual({
        type: { name: 'Blocks' },
        outwardIssue: { key: 'OPS-2' },
        inwardIssue: { key: 'OPS-1' },
      });
    });

    it('links an item filed before a failed link when retried, and only once', async () => {
      const tracker = await start();
      fake.addIssue('PAY', 'Post-mortem');
      fake.failNext(1, 500, { path: '/rest/api/3/issueLink' });

      await expect(
        tracker.createIssue(actionItem('PAY-1')),
      ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
      expect(fake.links()).toEqual([]);

      await tracker.createIssue(actionItem('PAY-1'));
      await tracker.createIssue(actionItem('PAY-1'));

      expect(fake.issues().map(i => i.key)).toEqual(['PAY-1', 'PAY-2']);
      expect(fake.links()).toEqual([
        { type: 'Relates', outwardKey: 'PAY-2', inwardKey: 'PAY-1' },
      ]);
    });
  });

  describe('project', () => {
    it('comes from the first entity with jira/project-key', async () => {
      const tracker = await start('cloud', { defaultProjectKey: 'OPS' });

      const issue = await tracker.createIssue(
        postmortemRequest({
          entities: [
            component('frontend'),
            component('payments-api', { 'jira/project-key': ' PAY ' }),
            component('ledger', { 'jira/project-key': 'OPS' }),
          ],
        }),
      );

      expect(issue.key).toBe('PAY-1');
    });

    it('falls back to the default project', async () => {
      const tracker = await start('cloud', { defaultProjectKey: 'OPS' });

      const issue = await tracker.createIssue(
        postmortemRequest({ entities: [component('frontend')] }),
      );

      expect(issue.key).toBe('OPS-1');
    });

    it('is an InputError saying what to set, before any call to Jira', async () => {
      const tracker = await start();

      await expect(
        tracker.createIssue(
          postmortemRequest({
            entities: [component('frontend'), component('ledger')],
          }),
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message:
          'No Jira project for multivac-postmortem-0b9f3c2e-5d1a-4c47-9a41-2f8e6c1d7a10: ' +
          'none of component:default/frontend, component:default/ledger has the ' +
          'annotation jira/project-key; add it, or set multivac.jira.defaultProjectKey',
      });
      await expect(
        tracker.createIssue(postmortemRequest({ entities: [] })),
      ).rejects.toThrow('there is no catalog entity with the annotation');
      expect(fake.requests).toEqual([]);
    });
  });

  it('refuses an externalId that cannot be a label', async () => {
    const tracker = await start();

    await expect(
      tracker.createIssue(postmortemRequest({ externalId: 'post mortem 1' })),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('cannot be a Jira label'),
    });
    expect(fake.requests).toEqual([]);
  });

  describe('on Jira Data Center', () => {
    it('files with a wiki markup description, assigns by user name, and links', async () => {
      const tracker = await start('datacenter');

      const postmortem = await tracker.createIssue(
        postmortemRequest({ assigneeEmail: 'ada@nimbus.example' }),
      );
      await tracker.createIssue(
        postmortemRequest({
          externalId: 'multivac-action-1',
          kind: 'action-item',
          parentKey: postmortem.key,
        }),
      );

      const [filed] = fake.issues();
      expect(filed.fields.description).toBe(
        [
          'h2. Summary',
          'Checkout failed for 7 minutes.',
          '* *Severity:* SEV2\n* *Duration:* 7 minutes 50.2 seconds',
          '* Ada Lovelace (controller)\n* Grace Hopper',
          '[Incident INC\\-42|https://portal.nimbus.example/multivac/incidents/42]',
        ].join('\n\n'),
      );
      expect(filed.fields.assignee).toEqual({ name: 'ada' });
      expect(postmortem).toEqual({
        key: 'PAY-1',
        url: `${fake.url}/browse/PAY-1`,
        status: 'To Do',
        done: false,
      });
      expect(fake.links()).toEqual([
        { type: 'Relates', outwardKey: 'PAY-2', inwardKey: 'PAY-1' },
      ]);
      expect(fake.requests.every(r => r.path.startsWith('/rest/api/2/'))).toBe(
        true,
      );
      expect(calls()).toContain('POST /rest/api/2/search');
    });
  });

  describe('getIssues', () => {
    it.each<Deployment>(['cloud', 'datacenter'])(
      'reports status and done of known issues, leaving unknown ones out (%s)',
      async deployment => {
        const tracker = await start(deployment);
        fake.addIssue('OPS', 'One');
        fake.addIssue('OPS', 'Two');
        fake.setStatus('OPS-2', 'Closed', 'done');

        await expect(
          tracker.getIssues(['OPS-1', 'OPS-2', 'OPS-3', 'OPS-2']),
        ).resolves.toEqual([
          {
            key: 'OPS-1',
            url: `${fake.url}/browse/OPS-1`,
            status: 'To Do',
            done: false,
          },
          {
            key: 'OPS-2',
            url: `${fake.url}/browse/OPS-2`,
            status: 'Closed',
            done: true,
          },
        ]);
      },
    );

    it('asks in searches of at most 50 keys', async () => {
      const tracker = await start();
      const keys = Array.from({ length: 60 }, (_, i) => {
        fake.addIssue('OPS', `Issue ${i}`);
        return `OPS-${i + 1}`;
      });

      const issues = await tracker.getIssues([...keys, 'OPS-404']);

      expect(issues.map(i => i.key)).toEqual(keys);
      expect(fake.requests.map(r => r.body.jql.split(',').length)).toEqual([
        50, 11, 10,
      ]);
    });

    it('never puts what is not a key into JQL', async () => {
      const tracker = await start();

      await expect(
        tracker.getIssues(['OPS-1" OR project = "PAY', '', 'ops 1']),
      ).resolves.toEqual([]);
      expect(fake.requests).toEqual([]);
    });
  });
});
