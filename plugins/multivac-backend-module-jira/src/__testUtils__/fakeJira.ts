import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { validateAdf } from './validateAdf';

const LABEL_QUERY =
  /^labels\s*=\s*"((?:[^"\\]|\\.)*)"(?:\s+ORDER\s+BY\s+created\s+(ASC|DESC))?$/i;
const KEY_QUERY = /^key\s+in\s*\(([^)]*)\)$/i;
const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Fields a project's create screen has whatever it is configured with. */
const ALWAYS_ON_SCREEN = ['project', 'issuetype', 'summary'];
const SEARCH_PROPERTIES = {
  cloud: [
    'jql',
    'fields',
    'maxResults',
    'nextPageToken',
    'expand',
    'properties',
    'fieldsByKeys',
    'failFast',
    'reconcileIssues',
  ],
  datacenter: [
    'jql',
    'fields',
    'maxResults',
    'startAt',
    'expand',
    'validateQuery',
    'properties',
    'fieldsByKeys',
  ],
};
/** Bodies of the failures `failNext` answers with. */
const FAILURE_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'You are not authenticated. Authentication required to perform this operation.',
  403: 'You do not have the permission to perform this operation.',
  404: 'Issue does not exist or you do not have permission to see it.',
  429: 'Rate limit exceeded.',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export interface FakeJiraProject {
  key: string;
  /** Issue type names, e.g. `['Task', 'Bug']`. */
  issueTypes: string[];
  /**
   * Optional fields on the project's create screen. Default: all of
   * description, labels, duedate and assignee.
   */
  screenFields?: string[];
}

export interface FakeJiraUser {
  /** Cloud: the `accountId`; Data Center: the user `name`. */
  id: string;
  displayName: string;
  emailAddress: string;
  /** Cloud: the profile hides the email from other users. */
  hideEmail?: boolean;
  active?: boolean;
  /** Has the Assignable user permission. Default true. */
  assignable?: boolean;
  /** Cloud: `atlassian` (default) or `app`. */
  accountType?: string;
}

export interface FakeJiraData {
  deployment: 'cloud' | 'datacenter';
  /** Cloud: the account and API token accepted as Basic credentials. */
  email?: string;
  apiToken?: string;
  /** Data Center: the only personal access token accepted. */
  personalAccessToken?: string;
  projects: FakeJiraProject[];
  users?: FakeJiraUser[];
  /** Issue link type names. Default `Relates` and `Blocks`. */
  linkTypes?: string[];
}

export interface FakeJiraIssueLink {
  type: string;
  outwardKey: string;
  inwardKey: string;
}

export interface FakeJiraRemoteLink {
  id: number;
  globalId?: string;
  url: string;
  title: string;
}

export interface FakeJiraIssue {
  id: string;
  key: string;
  created: number;
  fields: {
    project: { key: string };
    issuetype: { name: string };
    summary: string;
    /** ADF (Cloud) or wiki markup (Data Center), as received. */
    description?: unknown;
    labels: string[];
    duedate?: string;
    /** `{ accountId }` (Cloud) or `{ name }` (Data Center). */
    assignee?: Record<string, string>;
    status: { name: string; statusCategory: { key: string; name: string } };
  };
  remoteLinks: FakeJiraRemoteLink[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, if any. */
  body?: any;
}

export interface FakeJira {
  url: string;
  /** Every request received, failed and rejected ones included. */
  requests: RecordedRequest[];
  /** Every issue, in creation order. */
  issues(): FakeJiraIssue[];
  links(): FakeJiraIssueLink[];
  /** Files an issue directly, as if created earlier. */
  addIssue(
    projectKey: string,
    summary: string,
    options?: { labels?: string[] },
  ): FakeJiraIssue;
  /** Moves the issue to a status of the category (`new`, `indeterminate`, `done`). */
  setStatus(key: string, name: string, categoryKey: string): void;
  deleteIssue(key: string): void;
  /**
   * Answers the next `count` requests (to `path` only, when given) with
   * `status` and `Retry-After` when given, before checking credentials.
   */
  failNext(
    count: number,
    status: number,
    options?: { retryAfterSeconds?: number; path?: string },
  ): void;
  close(): Promise<void>;
}

type Answer = { status: number; body?: unknown };

/**
 * A strict stand-in for one Jira site on 127.0.0.1: Cloud (REST API v3,
 * Basic auth with email and API token, descriptions in ADF) or Data Center
 * (REST API v2, Bearer personal access token, wiki markup). It serves the
 * JQL search (by label, `key in`), issue create and read, user search,
 * issue links and remote links, validates bodies and answers errors with
 * Jira's `errorMessages` and field `errors`.
 */
export async function startFakeJira(data: FakeJiraData): Promise<FakeJira> {
  const cloud = data.deployment === 'cloud';
  const apiPath = cloud ? '/rest/api/3' : '/rest/api/2';
  const linkTypes = data.linkTypes ?? ['Relates', 'Blocks'];
  const requests: RecordedRequest[] = [];
  const issues: FakeJiraIssue[] = [];
  const links: FakeJiraIssueLink[] = [];
  const counters = new Map<string, number>();
  let failures: {
    remaining: number;
    status: number;
    retryAfterSeconds?: number;
    path?: string;
  } = { remaining: 0, status: 500 };
  let clock = 0;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readText(req);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text ? parseJson(text) : undefined,
    };
    requests.push(request);

    if (
      failures.remaining > 0 &&
      (failures.path === undefined || failures.path === request.path)
    ) {
      failures.remaining--;
      if (failures.retryAfterSeconds !== undefined) {
        res.setHeader('Retry-After', String(failures.retryAfterSeconds));
      }
      send(
        res,
        failure(failures.status, FAILURE_MESSAGES[failures.status] ?? 'Failed'),
      );
      return;
    }
    if (!authenticated(request.headers.authorization)) {
      send(res, failure(401, FAILURE_MESSAGES[401]));
      return;
    }
    if (
      text &&
      (!request.headers['content-type']?.startsWith('application/json') ||
        request.body === undefined)
    ) {
      send(res, {
        status: request.headers['content-type']?.startsWith('application/json')
          ? 400
          : 415,
        body: {
          errorMessages: ['Unexpected or malformed JSON body'],
          errors: {},
        },
      });
      return;
    }
    send(res, route(request));
  });

  function authenticated(authorization: string | undefined): boolean {
    if (cloud) {
      const expected = Buffer.from(`${data.email}:${data.apiToken}`).toString(
        'base64',
      );
      return authorization === `Basic ${expected}`;
    }
    return authorization === `Bearer ${data.personalAccessToken}`;
  }

  function route(request: RecordedRequest): Answer {
    const { method, path } = request;
    if (cloud && path === '/rest/api/3/search') {
      return failure(
        410,
        'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.',
      );
    }
    if (!path.startsWith(`${apiPath}/`)) {
      return failure(404, 'Not found');
    }
    const resource = path.slice(apiPath.length);
    const issuePath = /^\/issue\/([^/]+)(\/remotelink)?$/.exec(resource);
    if (method === 'POST' && resource === (cloud ? '/search/jql' : '/search')) {
      return search(request.body);
    }
    if (method === 'POST' && resource === '/issue') {
      return createIssue(request.body);
    }
    if (method === 'GET' && issuePath && !issuePath[2]) {
      return getIssue(decodeURIComponent(issuePath[1]), request.query);
    }
    if (method === 'POST' && issuePath?.[2]) {
      return addRemoteLink(decodeURIComponent(issuePath[1]), request.body);
    }
    if (method === 'GET' && resource === '/user/search') {
      return searchUsers(request.query);
    }
    if (method === 'POST' && resource === '/issueLink') {
      return linkIssues(request.body);
    }
    return failure(404, 'Not found');
  }

  function search(body: any): Answer {
    const unknown = Object.keys(body ?? {}).filter(
      key => !SEARCH_PROPERTIES[data.deployment].includes(key),
    );
    const maxResults = body?.maxResults ?? 50;
    if (
      unknown.length > 0 ||
      typeof body?.jql !== 'string' ||
      !Number.isInteger(maxResults) ||
      maxResults < 1 ||
      (body.fields !== undefined &&
        (!Array.isArray(body.fields) ||
          !body.fields.every((f: unknown) => typeof f === 'string')))
    ) {
      return failure(
        400,
        'Invalid request payload. Refer to the REST API documentation and try again.',
      );
    }
    const found = runJql(body.jql.trim());
    if ('errorMessages' in found) {
      return {
        status: 400,
        body: { errorMessages: found.errorMessages, errors: {} },
      };
    }
    const page = found.issues.slice(0, maxResults);
    const fields: string[] = body.fields ?? ['*navigable'];
    return {
      status: 200,
      body: cloud
        ? {
            issues: page.map(issue => represent(issue, fields)),
            isLast: page.length === found.issues.length,
            ...(page.length < found.issues.length && {
              nextPageToken: `page-${maxResults}`,
            }),
          }
        : {
            startAt: 0,
            maxResults,
            total: found.issues.length,
            issues: page.map(issue => represent(issue, fields)),
          },
    };
  }

  /** The JQL the fake understands: by label, and `key in (...)`. */
  function runJql(
    jql: string,
  ): { issues: FakeJiraIssue[] } | { errorMessages: string[] } {
    const byLabel = LABEL_QUERY.exec(jql);
    if (byLabel) {
      const label = byLabel[1].replace(/\\(.)/g, '$1');
      const matching = issues
        .filter(issue => issue.fields.labels.includes(label))
        .sort((a, b) => a.created - b.created);
      return {
        issues:
          byLabel[2]?.toUpperCase() === 'DESC' ? matching.reverse() : matching,
      };
    }
    const byKey = KEY_QUERY.exec(jql);
    if (byKey) {
      const keys = byKey[1].split(',').map(key =>
        key
          .trim()
          .replace(/^"(.*)"$/, '$1')
          .toUpperCase(),
      );
      // Strict validation, Jira's default: every key must exist.
      const errorMessages = keys.flatMap(key => {
        if (!ISSUE_KEY.test(key)) {
          return [`The issue key '${key}' for field 'key' is invalid.`];
        }
        return issues.some(issue => issue.key === key)
          ? []
          : [`An issue with key '${key}' does not exist for field 'key'.`];
      });
      return errorMessages.length > 0
        ? { errorMessages }
        : { issues: issues.filter(issue => keys.includes(issue.key)) };
    }
    return {
      errorMessages: [
        `Error in the JQL Query: the fake Jira does not understand '${jql}'`,
      ],
    };
  }

  function createIssue(body: any): Answer {
    const fields = body?.fields;
    if (typeof fields !== 'object' || fields === null) {
      return failure(400, 'Issue must have fields');
    }
    const project = data.projects.find(p => p.key === fields.project?.key);
    const onScreen = [
      ...ALWAYS_ON_SCREEN,
      ...(project?.screenFields ?? [
        'description',
        'labels',
        'duedate',
        'assignee',
      ]),
    ];
    const errors: Record<string, string> = {};
    for (const field of Object.keys(fields)) {
      if (!onScreen.includes(field)) {
        errors[
          field
        ] = `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
      }
    }
    if (!project) {
      errors.project = 'Specify a valid project ID or key';
    } else if (typeof fields.issuetype?.name !== 'string') {
      errors.issuetype = 'Specify an issue type';
    } else if (!project.issueTypes.includes(fields.issuetype.name)) {
      errors.issuetype = 'The issue type selected is invalid.';
    }
    const summary = fields.summary;
    if (typeof summary !== 'string' || summary.trim() === '') {
      errors.summary = 'You must specify a summary of the issue.';
    } else if (summary.length > 255) {
      errors.summary = 'Summary must be less than 255 characters.';
    } else if (/[\r\n]/.test(summary)) {
      errors.summary =
        'The summary is invalid because it contains newline characters.';
    }
    if (fields.description !== undefined && !errors.description) {
      const problem = describeInvalid(fields.description);
      if (problem) {
        errors.description = problem;
      }
    }
    if (fields.labels !== undefined && !errors.labels) {
      const invalid = Array.isArray(fields.labels)
        ? fields.labels.find(
            (label: unknown) =>
              typeof label !== 'string' ||
              label === '' ||
              /\s/.test(label) ||
              label.length > 255,
          )
        : fields.labels;
      if (invalid !== undefined) {
        errors.labels = `The label '${invalid}' contains spaces which is invalid.`;
      }
    }
    if (fields.duedate !== undefined && !errors.duedate) {
      if (
        typeof fields.duedate !== 'string' ||
        !DATE.test(fields.duedate) ||
        Number.isNaN(Date.parse(fields.duedate))
      ) {
        errors.duedate = `Error parsing date string: ${fields.duedate}`;
      }
    }
    if (fields.assignee !== undefined && !errors.assignee) {
      const id = cloud ? fields.assignee?.accountId : fields.assignee?.name;
      const user = (data.users ?? []).find(u => u.id === id);
      if (!user) {
        errors.assignee = 'Specify a valid value for assignee';
      } else if (user.assignable === false) {
        errors.assignee = `User '${user.displayName}' cannot be assigned issues.`;
      }
    }
    if (Object.keys(errors).length > 0) {
      return { status: 400, body: { errorMessages: [], errors } };
    }
    const issue = fileIssue(project!.key, summary, {
      issuetype: { name: fields.issuetype.name },
      description: fields.description,
      labels: fields.labels ?? [],
      duedate: fields.duedate,
      assignee: fields.assignee,
    });
    return {
      status: 201,
      body: { id: issue.id, key: issue.key, self: selfOf(issue) },
    };
  }

  /** Why Jira would refuse the description, if it would. */
  function describeInvalid(description: unknown): string | undefined {
    if (!cloud) {
      return typeof description === 'string'
        ? undefined
        : 'Operation value must be a string';
    }
    if (typeof description !== 'object' || description === null) {
      return 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
    }
    const problems = validateAdf(description);
    return problems.length > 0
      ? `Invalid Atlassian Document: ${problems.join('; ')}`
      : undefined;
  }

  function getIssue(key: string, query: URLSearchParams): Answer {
    const issue = issues.find(i => i.key === key.toUpperCase());
    if (!issue) {
      return failure(404, FAILURE_MESSAGES[404]);
    }
    const fields = query.get('fields')?.split(',') ?? ['*all'];
    return { status: 200, body: represent(issue, fields) };
  }

  function searchUsers(query: URLSearchParams): Answer {
    const parameter = cloud ? 'query' : 'username';
    const wanted = query.get(parameter)?.toLowerCase();
    if (!wanted) {
      return failure(400, `The ${parameter} query parameter was not provided`);
    }
    const matching = (data.users ?? []).filter(
      user =>
        user.emailAddress.toLowerCase().startsWith(wanted) ||
        user.displayName
          .toLowerCase()
          .split(' ')
          .some(w => w.startsWith(wanted)) ||
        (!cloud && user.id.toLowerCase().startsWith(wanted)),
    );
    return {
      status: 200,
      body: matching.map(user =>
        cloud
          ? {
              accountId: user.id,
              accountType: user.accountType ?? 'atlassian',
              displayName: user.displayName,
              active: user.active ?? true,
              ...(!user.hideEmail && { emailAddress: user.emailAddress }),
            }
          : {
              name: user.id,
              key: `JIRAUSER${user.id}`,
              displayName: user.displayName,
              emailAddress: user.emailAddress,
              active: user.active ?? true,
            },
      ),
    };
  }

  function linkIssues(body: any): Answer {
    const type = linkTypes.find(t => t === body?.type?.name);
    if (!type) {
      return failure(
        404,
        `No issue link type with name '${body?.type?.name}' found.`,
      );
    }
    const outward = issues.find(i => i.key === body?.outwardIssue?.key);
    const inward = issues.find(i => i.key === body?.inwardIssue?.key);
    if (!outward || !inward) {
      return failure(404, 'Issue Does Not Exist');
    }
    links.push({ type, outwardKey: outward.key, inwardKey: inward.key });
    return { status: 201 };
  }

  function addRemoteLink(key: string, body: any): Answer {
    const issue = issues.find(i => i.key === key.toUpperCase());
    if (!issue) {
      return failure(404, FAILURE_MESSAGES[404]);
    }
    const { url, title } = body?.object ?? {};
    const errors: Record<string, string> = {
      ...(typeof url === 'string' && URL.canParse(url)
        ? {}
        : { url: "'url' is required and must be a valid URL." }),
      ...(typeof title === 'string' && title
        ? {}
        : { title: "'title' is required." }),
    };
    if (Object.keys(errors).length > 0) {
      return { status: 400, body: { errorMessages: [], errors } };
    }
    const existing = issue.remoteLinks.find(
      link => body.globalId !== undefined && link.globalId === body.globalId,
    );
    if (existing) {
      Object.assign(existing, { url, title });
      return {
        status: 200,
        body: { id: existing.id, self: remoteSelf(issue, existing) },
      };
    }
    const link: FakeJiraRemoteLink = {
      id: 10_000 + issues.flatMap(i => i.remoteLinks).length,
      globalId: body.globalId,
      url,
      title,
    };
    issue.remoteLinks.push(link);
    return {
      status: 201,
      body: { id: link.id, self: remoteSelf(issue, link) },
    };
  }

  /** The issue as the REST API shows it, with the asked-for fields. */
  function represent(issue: FakeJiraIssue, fields: string[]) {
    const all: Record<string, unknown> = {
      ...issue.fields,
      issuelinks: links
        .filter(l => l.outwardKey === issue.key || l.inwardKey === issue.key)
        .map(l => ({
          type: { name: l.type },
          // Seen from one end, the link names the other.
          ...(l.outwardKey === issue.key
            ? { inwardIssue: { key: l.inwardKey } }
            : { outwardIssue: { key: l.outwardKey } }),
        })),
    };
    const everything = fields.some(f => f === '*all' || f === '*navigable');
    return {
      id: issue.id,
      key: issue.key,
      self: selfOf(issue),
      fields: Object.fromEntries(
        Object.entries(all).filter(
          ([name, value]) =>
            value !== undefined && (everything || fields.includes(name)),
        ),
      ),
    };
  }

  function fileIssue(
    projectKey: string,
    summary: string,
    fields: Partial<FakeJiraIssue['fields']>,
  ): FakeJiraIssue {
    const number = (counters.get(projectKey) ?? 0) + 1;
    counters.set(projectKey, number);
    const issue: FakeJiraIssue = {
      id: String(10_000 + issues.length),
      key: `${projectKey}-${number}`,
      created: ++clock,
      fields: {
        project: { key: projectKey },
        issuetype: { name: 'Task' },
        summary,
        labels: [],
        ...fields,
        status: {
          name: 'To Do',
          statusCategory: { key: 'new', name: 'To Do' },
        },
      },
      remoteLinks: [],
    };
    issues.push(issue);
    return issue;
  }

  function selfOf(issue: FakeJiraIssue) {
    return `${base()}${apiPath}/issue/${issue.id}`;
  }

  function remoteSelf(issue: FakeJiraIssue, link: FakeJiraRemoteLink) {
    return `${selfOf(issue)}/remotelink/${link.id}`;
  }

  function base() {
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: base(),
    requests,
    issues: () => [...issues],
    links: () => [...links],
    addIssue: (projectKey, summary, options = {}) =>
      fileIssue(projectKey, summary, { labels: options.labels ?? [] }),
    setStatus(key, name, categoryKey) {
      const issue = issues.find(i => i.key === key);
      if (!issue) {
        throw new Error(`No issue ${key}`);
      }
      issue.fields.status = {
        name,
        statusCategory: { key: categoryKey, name },
      };
    },
    deleteIssue(key) {
      const index = issues.findIndex(i => i.key === key);
      if (index < 0) {
        throw new Error(`No issue ${key}`);
      }
      issues.splice(index, 1);
    },
    failNext(count, status, options = {}) {
      failures = { remaining: count, status, ...options };
    },
    close() {
      // fetch keeps connections alive; close() would wait for them.
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close(error => (error ? reject(error) : resolve())),
      );
    },
  };
}

function failure(status: number, message: string): Answer {
  return { status, body: { errorMessages: [message], errors: {} } };
}

function send(res: ServerResponse, answer: Answer) {
  if (answer.body === undefined) {
    res.writeHead(answer.status);
    res.end();
    return;
  }
  res.writeHead(answer.status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(answer.body));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
