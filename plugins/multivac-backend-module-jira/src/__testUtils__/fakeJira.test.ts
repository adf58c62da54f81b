import { FakeJira, startFakeJira } from './fakeJira';
import { CLOUD_API_TOKEN, CLOUD_EMAIL, DC_TOKEN, nimbusSite } from './fixtures';

const basic = (email: string, token: string) =>
  `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

describe('fake Jira', () => {
  let fake: FakeJira;
  afterEach(() => fake.close());

  async function call(
    method: string,
    path: string,
    authorization: string,
    body?: unknown,
  ) {
    const response = await fetch(`${fake.url}${path}`, {
      method,
      headers: {
        Authorization: authorization,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
    };
  }

  describe('Cloud', () => {
    const auth = basic(CLOUD_EMAIL, CLOUD_API_TOKEN);
    beforeEach(async () => {
      fake = await startFakeJira(nimbusSite('cloud'));
    });

    it.each([
      ['no credentials', ''],
      ['a wrong token', basic(CLOUD_EMAIL, 'wrong')],
      ['a bearer token', `Bearer ${CLOUD_API_TOKEN}`],
    ])('answers 401 to %s', async (_, authorization) => {
      await expect(
        call('POST', '/rest/api/3/search/jql', authorization, {
          jql: 'key in (OPS-1)',
        }),
      ).resolves.toMatchObject({
        status: 401,
        body: { errorMessages: [expect.any(String)] },
      });
    });

    it('serves only REST API v3, and no longer the old search', async () => {
      await expect(
        call('POST', '/rest/api/2/search', auth, { jql: 'labels = "x"' }),
      ).resolves.toMatchObject({ status: 404 });
      await expect(
        call('POST', '/rest/api/3/search', auth, { jql: 'labels = "x"' }),
      ).resolves.toMatchObject({ status: 410 });
    });

    it('validates keys strictly, as Jira does by default', async () => {
      fake.addIssue('OPS', 'Existing');

      await expect(
        call('POST', '/rest/api/3/search/jql', auth, {
          jql: 'key in (OPS-1, OPS-7, "nope")',
          fields: ['status'],
        }),
      ).resolves.toEqual({
        status: 400,
        body: {
          errorMessages: [
            "An issue with key 'OPS-7' does not exist for field 'key'.",
            "The issue key 'NOPE' for field 'key' is invalid.",
          ],
          errors: {},
        },
      });
    });

    it('rejects JQL it does not understand and unknown search properties', async () => {
      await expect(
        call('POST', '/rest/api/3/search/jql', auth, { jql: 'project = OPS' }),
      ).resolves.toMatchObject({ status: 400 });
      await expect(
        call('POST', '/rest/api/3/search/jql', auth, {
          jql: 'labels = "x"',
          startAt: 0,
        }),
      ).resolves.toMatchObject({
        status: 400,
        body: {
          errorMessages: [expect.stringContaining('Invalid request payload')],
        },
      });
    });

    it('returns only the fields asked for, with the search page shape of Cloud', async () => {
      fake.addIssue('OPS', 'Existing', { labels: ['l1'] });

      await expect(
        call('POST', '/rest/api/3/search/jql', auth, {
          jql: 'labels = "l1"',
          fields: ['status'],
        }),
      ).resolves.toEqual({
        status: 200,
        body: {
          isLast: true,
          issues: [
            {
              id: expect.any(String),
              key: 'OPS-1',
              self: expect.stringContaining('/rest/api/3/issue/'),
              fields: {
                status: {
                  name: 'To Do',
                  statusCategory: { key: 'new', name: 'To Do' },
                },
              },
            },
          ],
        },
      });
    });

    it("answers an invalid issue with Jira's field errors", async () => {
      await expect(
        call('POST', '/rest/api/3/issue', auth, {
          fields: {
            project: { key: 'NOPE' },
            summary: 'two\nlines',
            description: 'plain text',
            labels: ['has space'],
            priority: { name: 'High' },
          },
        }),
      ).resolves.toEqual({
        status: 400,
        body: {
          errorMessages: [],
          errors: {
            project: 'Specify a valid project ID or key',
            summary:
              'The summary is invalid because it contains newline characters.',
            description: expect.stringContaining(
              'must be an Atlassian Document',
            ),
            labels: "The label 'has space' contains spaces which is invalid.",
            priority:
              "Field 'priority' cannot be set. It is not on the appropriate screen, or unknown.",
          },
        },
      });
      expect(fake.issues()).toEqual([]);
    });

    it('names what makes a description invalid ADF', async () => {
      const { status, body } = await call('POST', '/rest/api/3/issue', auth, {
        fields: {
          project: { key: 'OPS' },
          issuetype: { name: 'Task' },
          summary: 'x',
          description: {
            version: 1,
            type: 'doc',
            content: [
              { type: 'paragraph', content: [{ type: 'text', text: '' }] },
            ],
          },
        },
      });

      expect(status).toBe(400);
      expect(body.errors.description).toContain(
        'content[0].content[0].text: must be a non-empty string',
      );
    });

    it('updates a remote link with the same globalId instead of adding one', async () => {
      const issue = fake.addIssue('OPS', 'Existing');
      const link = (title: string) =>
        call('POST', '/rest/api/3/issue/OPS-1/remotelink', auth, {
          globalId: 'g1',
          object: { url: 'https://portal.example/pm/1', title },
        });

      await expect(link('first')).resolves.toMatchObject({ status: 201 });
      await expect(link('second')).resolves.toMatchObject({ status: 200 });
      expect(fake.issues()[0].remoteLinks).toEqual([
        {
          id: expect.any(Number),
          globalId: 'g1',
          url: 'https://portal.example/pm/1',
          title: 'second',
        },
      ]);
      expect(issue.key).toBe('OPS-1');
    });

    it('fails the next calls as told, to one path if given', async () => {
      fake.failNext(1, 429, {
        retryAfterSeconds: 7,
        path: '/rest/api/3/issueLink',
      });

      await expect(
        call('GET', '/rest/api/3/user/search?query=ada', auth),
      ).resolves.toMatchObject({ status: 200 });
      const response = await fetch(`${fake.url}/rest/api/3/issueLink`, {
        method: 'POST',
        headers: { Authorization: auth },
      });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
    });
  });

  describe('Data Center', () => {
    const auth = `Bearer ${DC_TOKEN}`;
    beforeEach(async () => {
      fake = await startFakeJira(nimbusSite('datacenter'));
    });

    it('accepts only the personal access token as Bearer', async () => {
      await expect(
        call(
          'GET',
          '/rest/api/2/user/search?username=ada',
          basic('ada', DC_TOKEN),
        ),
      ).resolves.toMatchObject({ status: 401 });
      await expect(
        call('GET', '/rest/api/2/user/search?username=ada', auth),
      ).resolves.toMatchObject({
        status: 200,
        body: [
          { name: 'ada', emailAddress: 'ada@nimbus.example', active: true },
        ],
      });
    });

    it('wants descriptions as wiki markup strings', async () => {
      const { status, body } = await call('POST', '/rest/api/2/issue', auth, {
        fields: {
          project: { key: 'OPS' },
          issuetype: { name: 'Task' },
          summary: 'x',
          description: { version: 1, type: 'doc', content: [] },
        },
      });

      expect(status).toBe(400);
      expect(body.errors).toEqual({
        description: 'Operation value must be a string',
      });
    });

    it('pages search answers the Data Center way', async () => {
      fake.addIssue('OPS', 'One', { labels: ['l'] });
      fake.addIssue('OPS', 'Two', { labels: ['l'] });

      await expect(
        call('POST', '/rest/api/2/search', auth, {
          jql: 'labels = "l" ORDER BY created DESC',
          fields: ['summary'],
          maxResults: 1,
        }),
      ).resolves.toMatchObject({
        status: 200,
        body: {
          startAt: 0,
          maxResults: 1,
          total: 2,
          issues: [{ key: 'OPS-2', fields: { summary: 'Two' } }],
        },
      });
    });
  });
});
