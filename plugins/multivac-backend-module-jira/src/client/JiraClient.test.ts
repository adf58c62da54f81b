import {
  FakeJira,
  FakeJiraUser,
  startFakeJira,
} from '../__testUtils__/fakeJira';
import {
  CLOUD_API_TOKEN,
  CLOUD_EMAIL,
  DC_TOKEN,
  nimbusSite,
} from '../__testUtils__/fixtures';
import { JiraClient, JiraCredentials, JiraError, quoteJql } from './JiraClient';

const CLOUD: JiraCredentials = {
  deployment: 'cloud',
  email: CLOUD_EMAIL,
  apiToken: CLOUD_API_TOKEN,
};
const DATA_CENTER: JiraCredentials = {
  deployment: 'datacenter',
  personalAccessToken: DC_TOKEN,
};

describe('JiraClient', () => {
  let fake: FakeJira;
  let sleeps: number[];

  afterEach(() => fake.close());

  async function start(
    credentials: JiraCredentials,
    options: { baseUrl?: string; users?: FakeJiraUser[] } = {},
  ) {
    fake = await startFakeJira({
      ...nimbusSite(credentials.deployment),
      ...(options.users && { users: options.users }),
    });
    sleeps = [];
    return new JiraClient({
      baseUrl: options.baseUrl ?? fake.url,
      credentials,
      sleep: async ms => {
        sleeps.push(ms);
      },
    });
  }

  describe('Cloud', () => {
    it('searches with the enhanced search of REST API v3, Basic auth', async () => {
      const client = await start(CLOUD);
      fake.addIssue('OPS', 'Labelled', { labels: ['multivac-x'] });

      const issues = await client.search('labels = "multivac-x"', {
        fields: ['status'],
        maxResults: 1,
      });

      expect(issues).toEqual([
        {
          key: 'OPS-1',
          fields: {
            status: { name: 'To Do', statusCategory: { key: 'new' } },
          },
        },
      ]);
      const [request] = fake.requests;
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/rest/api/3/search/jql');
      expect(request.body).toEqual({
        jql: 'labels = "multivac-x"',
        fields: ['status'],
        maxResults: 1,
      });
      expect(request.headers).toMatchObject({
        authorization: `Basic ${Buffer.from(
          `${CLOUD_EMAIL}:${CLOUD_API_TOKEN}`,
        ).toString('base64')}`,
        accept: 'application/json',
        'content-type': 'application/json',
      });
    });

    it('finds a user by email as an accountId, among several matches', async () => {
      const client = await start(CLOUD);

      await expect(client.findUser('Ada@Nimbus.example')).resolves.toEqual({
        accountId: '5b10a2844c20165700ede21g',
      });
      expect(fake.requests[0].path).toBe('/rest/api/3/user/search');
      expect(fake.requests[0].query.get('query')).toBe('Ada@Nimbus.example');
    });

    it('takes the only match when the profile hides the email', async () => {
      const client = await start(CLOUD);

      await expect(client.findUser('grace@nimbus.example')).resolves.toEqual({
        accountId: '5b10ac8d82e05b22cc7d4ef5',
      });
    });

    it('finds nobody for an unknown email, an app or an inactive user', async () => {
      const client = await start(CLOUD, {
        users: [
          {
            id: 'app-1',
            displayName: 'Bot',
            emailAddress: 'bot@nimbus.example',
            accountType: 'app',
          },
          {
            id: 'gone-1',
            displayName: 'Gone',
            emailAddress: 'gone@nimbus.example',
            active: false,
          },
        ],
      });

      for (const email of [
        'nobody@nimbus.example',
        'bot@nimbus.example',
        'gone@nimbus.example',
      ]) {
        await expect(client.findUser(email)).resolves.toBeUndefined();
      }
      expect(fake.requests).toHaveLength(3);
    });

    it('links issues and upserts remote links under REST API v3', async () => {
      const client = await start(CLOUD);
      fake.addIssue('OPS', 'Post-mortem');
      fake.addIssue('OPS', 'Action item');

      await client.linkIssues({
        type: 'Relates',
        outwardKey: 'OPS-2',
        inwardKey: 'OPS-1',
      });
      const link = {
        globalId: 'g',
        url: 'https://portal.example/pm',
        title: 'PM',
      };
      await client.upsertRemoteLink('OPS-1', link);
      await client.upsertRemoteLink('OPS-1', { ...link, title: 'PM 2' });

      expect(fake.links()).toEqual([
        { type: 'Relates', outwardKey: 'OPS-2', inwardKey: 'OPS-1' },
      ]);
      expect(fake.issues()[0].remoteLinks).toEqual([
        expect.objectContaining({ globalId: 'g', title: 'PM 2' }),
      ]);
      expect(fake.requests.map(r => `${r.method} ${r.path}`)).toEqual([
        'POST /rest/api/3/issueLink',
        'POST /rest/api/3/issue/OPS-1/remotelink',
        'POST /rest/api/3/issue/OPS-1/remotelink',
      ]);
    });
  });

  describe('Data Center', () => {
    it('searches with REST API v2 and the personal access token as Bearer', async () => {
      const client = await start(DATA_CENTER);
      fake.addIssue('OPS', 'Labelled', { labels: ['multivac-x'] });

      await expect(
        client.search('labels = "multivac-x"', {
          fields: ['status'],
          maxResults: 1,
        }),
      ).resolves.toEqual([expect.objectContaining({ key: 'OPS-1' })]);
      expect(fake.requests[0].path).toBe('/rest/api/2/search');
      expect(fake.requests[0].headers.authorization).toBe(`Bearer ${DC_TOKEN}`);
    });

    it('finds a user by email as a user name', async () => {
      const client = await start(DATA_CENTER);

      await expect(client.findUser('ada@nimbus.example')).resolves.toEqual({
        name: 'ada',
      });
      expect(fake.requests[0].path).toBe('/rest/api/2/user/search');
      expect(fake.requests[0].query.get('username')).toBe('ada@nimbus.example');
    });

    it('creates and reads an issue under REST API v2', async () => {
      const client = await start(DATA_CENTER);

      const key = await client.createIssue({
        project: { key: 'OPS' },
        issuetype: { name: 'Task' },
        summary: 'Post-mortem',
        description: 'h2. Summary',
      });
      const issue = await client.getIssue(key, ['status']);

      expect(key).toBe('OPS-1');
      expect(issue.fields.status.name).toBe('To Do');
      expect(fake.requests.map(r => `${r.method} ${r.path}`)).toEqual([
        'POST /rest/api/2/issue',
        'GET /rest/api/2/issue/OPS-1',
      ]);
      expect(fake.requests[1].query.get('fields')).toBe('status');
    });
  });

  describe('findIssuesByKeys', () => {
    it('asks for at most 50 keys per search', async () => {
      const client = await start(CLOUD);
      const keys = Array.from({ length: 120 }, (_, i) => {
        fake.addIssue('OPS', `Issue ${i}`);
        return `OPS-${i + 1}`;
      });

      const issues = await client.findIssuesByKeys(keys, ['status']);

      expect(issues.map(i => i.key)).toEqual(keys);
      expect(
        fake.requests.map(r => [
          r.body.maxResults,
          r.body.jql.split(',').length,
        ]),
      ).toEqual([
        [50, 50],
        [50, 50],
        [20, 20],
      ]);
      expect(fake.requests[0].body.jql).toMatch(/^key in \("OPS-1", "OPS-2", /);
    });

    it('leaves out keys Jira no longer knows, asking again without them', async () => {
      const client = await start(CLOUD);
      fake.addIssue('OPS', 'Kept');
      fake.addIssue('OPS', 'Deleted');
      fake.addIssue('OPS', 'Kept too');
      fake.deleteIssue('OPS-2');

      const issues = await client.findIssuesByKeys(
        ['OPS-1', 'OPS-2', 'GONE-5', 'OPS-3'],
        ['status'],
      );

      expect(issues.map(i => i.key)).toEqual(['OPS-1', 'OPS-3']);
      expect(fake.requests.map(r => r.body.jql)).toEqual([
        'key in ("OPS-1", "OPS-2", "GONE-5", "OPS-3")',
        'key in ("OPS-1", "OPS-3")',
      ]);
    });

    it('answers nothing, without a second search, when no key is known', async () => {
      const client = await start(DATA_CENTER);

      await expect(
        client.findIssuesByKeys(['OPS-8', 'OPS-9'], ['status']),
      ).resolves.toEqual([]);
      expect(fake.requests).toHaveLength(1);
    });

    it('still fails on other JQL errors', async () => {
      const client = await start(CLOUD);

      await expect(
        client.findIssuesByKeys(['OPS-1) OR (project = OPS'], ['status']),
      ).rejects.toMatchObject({ name: 'InputError' });
    });
  });

  describe('errors', () => {
    it("turns a 400 into an InputError carrying Jira's reasons", async () => {
      const client = await start(CLOUD);

      const error = await client
        .createIssue({
          project: { key: 'NOPE' },
          issuetype: { name: 'Task' },
          summary: 'x',
        })
        .catch(e => e);

      expect(error.name).toBe('InputError');
      expect(error.message).toBe(
        'Jira POST /rest/api/3/issue answered 400; caused by JiraError: ' +
          'project: Specify a valid project ID or key',
      );
      expect(error.cause).toBeInstanceOf(JiraError);
      expect(error.cause).toMatchObject({
        status: 400,
        errorMessages: [],
        errors: { project: 'Specify a valid project ID or key' },
      });
    });

    it('turns a 401 into an AuthenticationError naming the Cloud keys, never the token', async () => {
      const client = await start({ ...CLOUD, apiToken: 'wrong-token' });

      const error = await client.getIssue('OPS-1', ['status']).catch(e => e);

      expect(error.name).toBe('AuthenticationError');
      expect(error.message).toContain(
        'Jira GET /rest/api/3/issue/OPS-1 answered 401: check multivac.jira.email and multivac.jira.apiToken',
      );
      expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(
        /wrong-token|d3JvbmctdG9rZW4/,
      );
    });

    it('turns a 401 into an AuthenticationError naming the Data Center key', async () => {
      const client = await start({
        ...DATA_CENTER,
        personalAccessToken: 'expired',
      });

      await expect(client.findUser('ada@nimbus.example')).rejects.toMatchObject(
        {
          name: 'AuthenticationError',
          message: expect.stringContaining(
            'check multivac.jira.personalAccessToken',
          ),
        },
      );
    });

    it('turns a 403 into a NotAllowedError naming the permissions', async () => {
      const client = await start(CLOUD);
      fake.failNext(1, 403);

      await expect(
        client.search('labels = "x"', { fields: ['status'], maxResults: 1 }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringMatching(
          /answered 403: the Jira account of multivac.jira.email lacks a permission \(Browse projects, Create issues/,
        ),
      });
    });

    it('turns a 404 into a NotFoundError', async () => {
      const client = await start(CLOUD);
      fake.addIssue('OPS', 'Action item');

      await expect(
        client.linkIssues({
          type: 'Relates',
          outwardKey: 'OPS-1',
          inwardKey: 'OPS-99',
        }),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: expect.stringContaining('Issue Does Not Exist'),
      });
    });

    it('turns other failures into a ServiceUnavailableError', async () => {
      const client = await start(DATA_CENTER);
      fake.failNext(1, 500);

      await expect(client.getIssue('OPS-1', ['status'])).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining(
          'GET /rest/api/2/issue/OPS-1 answered 500',
        ),
      });
    });

    it('turns network failures into a ServiceUnavailableError', async () => {
      const client = await start(CLOUD, { baseUrl: 'http://127.0.0.1:1' });

      await expect(client.getIssue('OPS-1', ['status'])).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining(
          'Jira GET /rest/api/3/issue/OPS-1 failed',
        ),
      });
    });

    it('rejects an answer of the wrong shape', async () => {
      const client = await start(CLOUD);
      fake.addIssue('OPS', 'x');

      await expect(client.getIssue('OPS-1', ['summary'])).rejects.toMatchObject(
        {
          name: 'ServiceUnavailableError',
          message: expect.stringContaining(
            'answered an unexpected body (fields.status',
          ),
        },
      );
    });
  });

  describe('rate limits and outages', () => {
    it('waits Retry-After seconds after a 429, then succeeds', async () => {
      const client = await start(CLOUD);
      fake.addIssue('OPS', 'x');
      fake.failNext(2, 429, { retryAfterSeconds: 5 });

      await expect(client.getIssue('OPS-1', ['status'])).resolves.toMatchObject(
        {
          key: 'OPS-1',
        },
      );
      expect(sleeps).toEqual([5000, 5000]);
      expect(fake.requests).toHaveLength(3);
    });

    it('waits out a 503 too, one second without Retry-After', async () => {
      const client = await start(DATA_CENTER);
      fake.addIssue('OPS', 'x');
      fake.failNext(1, 503);

      await client.getIssue('OPS-1', ['status']);

      expect(sleeps).toEqual([1000]);
    });

    it('really waits without an injected sleep', async () => {
      fake = await startFakeJira(nimbusSite('cloud'));
      fake.addIssue('OPS', 'x');
      fake.failNext(1, 429, { retryAfterSeconds: 0.2 });
      const client = new JiraClient({ baseUrl: fake.url, credentials: CLOUD });

      const started = Date.now();
      await client.getIssue('OPS-1', ['status']);

      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    });

    it('gives up with a clear error after the last retry', async () => {
      const client = await start(CLOUD);
      fake.failNext(10, 429, { retryAfterSeconds: 2 });

      await expect(client.getIssue('OPS-1', ['status'])).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message:
          'Jira GET /rest/api/3/issue/OPS-1 answered 429 Too Many Requests ' +
          'after 3 retries, Retry-After 2s; try again later',
      });
      expect(fake.requests).toHaveLength(4);
    });

    it('fails at once when Retry-After is too long to wait', async () => {
      const client = await start(CLOUD);
      fake.failNext(1, 503, { retryAfterSeconds: 120 });

      await expect(client.getIssue('OPS-1', ['status'])).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining(
          '503 Service Unavailable after 0 retries, Retry-After 120s',
        ),
      });
      expect(sleeps).toEqual([]);
    });
  });
});

describe('quoteJql', () => {
  it('quotes and escapes JQL strings', () => {
    expect(quoteJql('multivac-postmortem-1')).toBe('"multivac-postmortem-1"');
    expect(quoteJql('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});
