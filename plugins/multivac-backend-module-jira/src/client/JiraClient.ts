/*
 * A small typed Jira REST client over global fetch, for the few calls
 * Multivac makes: Cloud (REST API v3, Basic auth with an API token) and Data
 * Center (REST API v2, Bearer personal access token).
 */
import { isError, ServiceUnavailableError } from '@backstage/errors';
import { describeZodError } from '@multivac/plugin-multivac-common';
import {
  fetchFromVendor,
  parseJsonBody,
  vendorAnswerError,
} from '@multivac/plugin-multivac-node';
import { z } from 'zod';

export const JIRA_DEPLOYMENTS = ['cloud', 'datacenter'] as const;
export type JiraDeployment = (typeof JIRA_DEPLOYMENTS)[number];

export type JiraCredentials =
  | { deployment: 'cloud'; email: string; apiToken: string }
  | { deployment: 'datacenter'; personalAccessToken: string };

/** The most keys asked for in one `key in (...)` search. */
export const KEYS_PER_SEARCH = 50;
const DEFAULT_MAX_RETRIES = 3;
/** Answers that say "come back later" rather than "no". */
const RETRIED_STATUSES = [429, 503];
/** How Jira names keys it cannot find in a strictly validated JQL query. */
const MISSING_KEY_MESSAGE =
  /^(?:An issue with key '([^']+)' does not exist for field '(?:key|issuekey|issue)'|The issue key '([^']+)' for field '(?:key|issuekey|issue)' is invalid)/;

const statusSchema = z.object({
  name: z.string(),
  statusCategory: z.object({ key: z.string() }),
});

const linkedIssueSchema = z.object({ key: z.string() });

/** An issue link as seen from one of its issues: the other end is named. */
const issueLinkSchema = z.object({
  type: z.object({ name: z.string() }),
  inwardIssue: linkedIssueSchema.optional(),
  outwardIssue: linkedIssueSchema.optional(),
});

const issueSchema = z.object({
  key: z.string(),
  fields: z.object({
    status: statusSchema,
    issuelinks: z.array(issueLinkSchema).optional(),
  }),
});

const searchAnswerSchema = z.object({ issues: z.array(issueSchema) });
const createdIssueSchema = z.object({ key: z.string() });

const cloudUserSchema = z.object({
  accountId: z.string(),
  /** `atlassian` for people, `app` and `customer` for others. */
  accountType: z.string().optional(),
  /** Hidden by the user's profile visibility settings. */
  emailAddress: z.string().optional(),
  active: z.boolean().optional(),
});
const dataCenterUserSchema = z.object({
  name: z.string(),
  emailAddress: z.string().optional(),
  active: z.boolean().optional(),
});

/** Jira's error collection. */
const errorBodySchema = z.object({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
});

export type JiraIssue = z.infer<typeof issueSchema>;
export type JiraIssueLink = z.infer<typeof issueLinkSchema>;
/** How an issue's `assignee` field names a user. */
export type JiraUserReference = { accountId: string } | { name: string };

/**
 * What Jira answered to a rejected request (its `errorMessages` and field
 * `errors`), the `cause` of the `@backstage/errors` error thrown for it.
 */
export class JiraError extends Error {
  override name = 'JiraError';

  constructor(
    readonly status: number,
    readonly errorMessages: string[],
    /** By field id, e.g. `{ project: 'Specify a valid project ID or key' }`. */
    readonly errors: Record<string, string>,
    fallbackMessage: string,
  ) {
    super(
      [
        ...errorMessages,
        ...Object.entries(errors).map(([field, error]) => `${field}: ${error}`),
      ].join('; ') || fallbackMessage,
    );
  }
}

export interface JiraClientOptions {
  /** The site, absolute, without trailing slashes. */
  baseUrl: string;
  credentials: JiraCredentials;
  /** Retries after a 429 or 503 before failing. Default 3. */
  maxRetries?: number;
  /** How to wait out a `Retry-After`; tests replace it. */
  sleep?: (ms: number) => Promise<void>;
}

type Method = 'GET' | 'POST';

/** One Jira site. */
export class JiraClient {
  readonly deployment: JiraDeployment;
  private readonly apiPath: string;
  private readonly authorization: string;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: JiraClientOptions) {
    const { credentials } = options;
    this.deployment = credentials.deployment;
    this.apiPath =
      credentials.deployment === 'cloud' ? '/rest/api/3' : '/rest/api/2';
    this.authorization =
      credentials.deployment === 'cloud'
        ? `Basic ${Buffer.from(
            `${credentials.email}:${credentials.apiToken}`,
          ).toString('base64')}`
        : `Bearer ${credentials.personalAccessToken}`;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  /** The issue in Jira's web UI. */
  browseUrl(key: string): string {
    return `${this.options.baseUrl}/browse/${encodeURIComponent(key)}`;
  }

  /**
   * The first `maxResults` issues a JQL query finds, with the given fields.
   * Cloud: the enhanced search (`POST /search/jql`); Data Center:
   * `POST /search`.
   */
  async search(
    jql: string,
    options: { fields: string[]; maxResults: number },
  ): Promise<JiraIssue[]> {
    const answer = await this.call(
      'POST',
      this.deployment === 'cloud' ? '/search/jql' : '/search',
      searchAnswerSchema,
      { body: { jql, fields: options.fields, maxResults: options.maxResults } },
    );
    return answer.issues;
  }

  /**
   * The issues with these keys, one search per {@link KEYS_PER_SEARCH}
   * keys. Keys Jira does not know (deleted issues, a deleted project) are
   * left out: Jira rejects a query naming them, so they are dropped and the
   * query asked again.
   */
  async findIssuesByKeys(
    keys: string[],
    fields: string[],
  ): Promise<JiraIssue[]> {
    const found: JiraIssue[] = [];
    for (let start = 0; start < keys.length; start += KEYS_PER_SEARCH) {
      let chunk = keys.slice(start, start + KEYS_PER_SEARCH);
      while (chunk.length > 0) {
        try {
          found.push(
            ...(await this.search(
              `key in (${chunk.map(quoteJql).join(', ')})`,
              { fields, maxResults: chunk.length },
            )),
          );
          break;
        } catch (error) {
          const missing = missingKeys(error);
          const remaining = chunk.filter(key => !missing.has(key));
          if (remaining.length === chunk.length) {
            throw error;
          }
          chunk = remaining;
        }
      }
    }
    return found;
  }

  async getIssue(key: string, fields: string[]): Promise<JiraIssue> {
    return this.call('GET', `/issue/${encodeURIComponent(key)}`, issueSchema, {
      query: { fields: fields.join(',') },
    });
  }

  /** Creates an issue; `fields` as Jira's create screen names them. */
  async createIssue(fields: Record<string, unknown>): Promise<string> {
    const created = await this.call('POST', '/issue', createdIssueSchema, {
      body: { fields },
    });
    return created.key;
  }

  /**
   * The active user with that email, as an issue's `assignee` names it, or
   * `undefined` when there is none (or several and none shows that email).
   */
  async findUser(email: string): Promise<JiraUserReference | undefined> {
    const wanted = email.toLowerCase();
    const pick = <T extends { emailAddress?: string; active?: boolean }>(
      users: T[],
    ): T | undefined => {
      const active = users.filter(user => user.active !== false);
      return (
        active.find(user => user.emailAddress?.toLowerCase() === wanted) ??
        (active.length === 1 && active[0].emailAddress === undefined
          ? active[0]
          : undefined)
      );
    };
    if (this.deployment === 'cloud') {
      const users = await this.call(
        'GET',
        '/user/search',
        z.array(cloudUserSchema),
        { query: { query: email } },
      );
      const user = pick(
        users.filter(u => (u.accountType ?? 'atlassian') === 'atlassian'),
      );
      return user && { accountId: user.accountId };
    }
    const users = await this.call(
      'GET',
      '/user/search',
      z.array(dataCenterUserSchema),
      { query: { username: email } },
    );
    const user = pick(users);
    return user && { name: user.name };
  }

  /** Links two issues; `outwardKey` is the issue the link starts from. */
  async linkIssues(link: {
    type: string;
    outwardKey: string;
    inwardKey: string;
  }): Promise<void> {
    await this.call('POST', '/issueLink', z.unknown(), {
      body: {
        type: { name: link.type },
        outwardIssue: { key: link.outwardKey },
        inwardIssue: { key: link.inwardKey },
      },
    });
  }

  /**
   * Adds a web link to the issue, or updates the issue's link with the same
   * `globalId`, so asking twice leaves one link.
   */
  async upsertRemoteLink(
    key: string,
    link: { globalId: string; url: string; title: string },
  ): Promise<void> {
    await this.call(
      'POST',
      `/issue/${encodeURIComponent(key)}/remotelink`,
      z.unknown(),
      {
        body: {
          globalId: link.globalId,
          object: { url: link.url, title: link.title },
        },
      },
    );
  }

  /** A REST call under the deployment's API path; throws on non-2xx. */
  private async call<T extends z.ZodTypeAny>(
    method: Method,
    path: string,
    schema: T,
    request: { query?: Record<string, string>; body?: unknown } = {},
  ): Promise<z.infer<T>> {
    const call = `${method} ${this.apiPath}${path}`;
    const url = new URL(`${this.options.baseUrl}${this.apiPath}${path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      url.searchParams.set(name, value);
    }
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: this.authorization,
    };
    if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const { status, text } = await this.send(call, url.toString(), {
      method,
      headers,
      body:
        request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    const body = parseJsonBody(text);
    if (status < 200 || status >= 300) {
      throw this.failure(call, status, body, text);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ServiceUnavailableError(
        `Jira ${call} answered an unexpected body (${describeZodError(
          parsed.error,
        )})`,
      );
    }
    return parsed.data;
  }

  /** Sends the request, waiting out 429 and 503 answers within bounds. */
  private send(
    call: string,
    url: string,
    init: RequestInit,
  ): Promise<{ status: number; text: string }> {
    return fetchFromVendor({
      call: `Jira ${call}`,
      url,
      init,
      retriedStatuses: RETRIED_STATUSES,
      maxRetries: this.maxRetries,
      sleep: this.sleep,
    });
  }

  private failure(
    call: string,
    status: number,
    body: unknown,
    text: string,
  ): Error {
    const parsed = errorBodySchema.safeParse(body);
    const jira = new JiraError(
      status,
      parsed.success ? parsed.data.errorMessages ?? [] : [],
      parsed.success ? parsed.data.errors ?? {} : {},
      // Not JSON: a proxy's or the login page's answer; enough to recognise.
      text.replace(/\s+/g, ' ').trim().slice(0, 200) || `HTTP ${status}`,
    );
    const { credentials } = this.options;
    return vendorAnswerError({
      call: `Jira ${call}`,
      status,
      authenticationHint: `: check ${
        credentials.deployment === 'cloud'
          ? 'multivac.jira.email and multivac.jira.apiToken'
          : 'multivac.jira.personalAccessToken'
      }`,
      permissionHint:
        `: the Jira account of ${
          credentials.deployment === 'cloud'
            ? 'multivac.jira.email'
            : 'multivac.jira.personalAccessToken'
        } lacks a permission (Browse projects, Create issues, Assign ` +
        'issues or Link issues in the project)',
      cause: jira,
    });
  }
}

/** A JQL string literal. */
export function quoteJql(value: string): string {
  return `"${value.replace(/[\\"]/g, c => `\\${c}`)}"`;
}

/** What Jira answered, when the error is a request Jira rejected. */
export function jiraErrorOf(error: unknown): JiraError | undefined {
  const cause = isError(error) ? error.cause : undefined;
  return cause instanceof JiraError ? cause : undefined;
}

/** The keys a rejected `key in (...)` search names as unknown. */
function missingKeys(error: unknown): Set<string> {
  const jira = jiraErrorOf(error);
  if (jira?.status !== 400) {
    return new Set();
  }
  return new Set(
    jira.errorMessages.flatMap(message => {
      const match = MISSING_KEY_MESSAGE.exec(message);
      return match ? [match[1] ?? match[2]] : [];
    }),
  );
}
