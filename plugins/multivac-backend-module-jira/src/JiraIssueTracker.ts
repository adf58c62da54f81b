import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError, isError } from '@backstage/errors';
import { ANNOTATION_JIRA_PROJECT_KEY } from '@multivac/plugin-multivac-common';
import {
  IssueTracker,
  TrackerIssue,
  TrackerIssueRequest,
} from '@multivac/plugin-multivac-node';
import { toAdf } from './adf';
import {
  JiraClient,
  JiraClientOptions,
  jiraErrorOf,
  JiraIssue,
  quoteJql,
} from './client/JiraClient';
import { JiraSettings, readJiraSettings } from './config';
import { toWikiMarkup } from './wiki';

/** Jira's limit on an issue's summary. */
const MAX_SUMMARY_LENGTH = 255;
/** Jira's limit on a label. */
const MAX_LABEL_LENGTH = 255;
/**
 * Fields Jira may refuse (not on the create screen, user not assignable)
 * without the issue losing its point.
 */
const DROPPABLE_FIELDS = ['assignee', 'duedate'];
const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/i;

export interface JiraIssueTrackerOptions
  extends Pick<JiraClientOptions, 'maxRetries' | 'sleep'> {
  logger: LoggerService;
}

/**
 * Files post-mortems and action items as Jira issues, once each: every issue
 * carries the request's `externalId` as a label, and a retried request finds
 * the issue by that label instead of filing a second one.
 */
export class JiraIssueTracker implements IssueTracker {
  readonly id = 'jira';
  private readonly client: JiraClient;
  private readonly logger: LoggerService;

  /** From `multivac.jira`; throws naming the key when it is invalid. */
  static fromConfig(
    config: Config,
    options: JiraIssueTrackerOptions,
  ): JiraIssueTracker {
    const settings = readJiraSettings(config);
    if (!settings) {
      throw new InputError('multivac.jira is not configured');
    }
    return new JiraIssueTracker(settings, options);
  }

  constructor(
    private readonly settings: JiraSettings,
    options: JiraIssueTrackerOptions,
  ) {
    this.logger = options.logger;
    this.client = new JiraClient({
      baseUrl: settings.baseUrl,
      credentials: settings.credentials,
      maxRetries: options.maxRetries,
      sleep: options.sleep,
    });
  }

  async createIssue(request: TrackerIssueRequest): Promise<TrackerIssue> {
    const labels = this.labelsFor(request.externalId);
    const projectKey = this.projectFor(request);
    const issue =
      (await this.findFiled(request.externalId)) ??
      (await this.file(request, projectKey, labels));
    if (request.parentKey) {
      await this.ensureLinked(issue, request.parentKey);
    }
    await this.client.upsertRemoteLink(issue.key, {
      globalId: request.externalId,
      url: request.link.href,
      title: request.link.text,
    });
    return this.toTrackerIssue(issue);
  }

  async getIssues(keys: string[]): Promise<TrackerIssue[]> {
    // Anything else is not a key, and must not reach the JQL.
    const valid = [...new Set(keys.filter(key => ISSUE_KEY.test(key)))];
    if (valid.length === 0) {
      return [];
    }
    const issues = await this.client.findIssuesByKeys(valid, ['status']);
    return issues.map(issue => this.toTrackerIssue(issue));
  }

  /** The oldest issue labelled with the id, should a race have filed two. */
  private async findFiled(externalId: string): Promise<JiraIssue | undefined> {
    const [issue] = await this.client.search(
      `labels = ${quoteJql(externalId)} ORDER BY created ASC`,
      { fields: ['status', 'issuelinks'], maxResults: 1 },
    );
    if (issue) {
      this.logger.info(`Jira issue ${issue.key} was filed for ${externalId}`);
    }
    return issue;
  }

  private async file(
    request: TrackerIssueRequest,
    projectKey: string,
    labels: string[],
  ): Promise<JiraIssue> {
    const assignee =
      request.assigneeEmail && (await this.findAssignee(request.assigneeEmail));
    const fields: Record<string, unknown> = {
      project: { key: projectKey },
      issuetype: {
        name:
          request.kind === 'postmortem'
            ? this.settings.issueTypes.postmortem
            : this.settings.issueTypes.actionItem,
      },
      summary: summaryOf(request.title),
      labels,
      ...this.descriptionOf(request),
      ...(request.dueDate && { duedate: request.dueDate }),
      ...(assignee && { assignee }),
    };
    const key = await this.createDroppingRefusedFields(
      request.externalId,
      fields,
    );
    this.logger.info(`Filed Jira issue ${key} for ${request.externalId}`);
    return this.client.getIssue(key, ['status']);
  }

  /**
   * Creates the issue; when Jira refuses only droppable fields (the assignee
   * cannot be assigned, the due date is not on the project's screen), files
   * it without them rather than not at all.
   */
  private async createDroppingRefusedFields(
    externalId: string,
    fields: Record<string, unknown>,
  ): Promise<string> {
    try {
      return await this.client.createIssue(fields);
    } catch (error) {
      const jira = jiraErrorOf(error);
      // Field errors only: a general error message may be about anything.
      const refused =
        jira?.status === 400 && jira.errorMessages.length === 0
          ? Object.keys(jira.errors)
          : [];
      if (
        refused.length === 0 ||
        !refused.every(
          field => DROPPABLE_FIELDS.includes(field) && field in fields,
        )
      ) {
        throw error;
      }
      this.logger.warn(
        `Jira refused ${refused.join(' and ')} for ${externalId} ` +
          `(${jira!.message}); filing the issue without`,
      );
      const kept = { ...fields };
      for (const field of refused) {
        delete kept[field];
      }
      return this.client.createIssue(kept);
    }
  }

  private descriptionOf(request: TrackerIssueRequest) {
    if (this.client.deployment === 'cloud') {
      const document = toAdf(request.description);
      return document.content.length > 0 ? { description: document } : {};
    }
    const markup = toWikiMarkup(request.description);
    return markup ? { description: markup } : {};
  }

  /**
   * The Jira user with that email; an unknown email, or an account without
   * the permission to browse users, files the issue unassigned.
   */
  private async findAssignee(email: string) {
    try {
      const user = await this.client.findUser(email);
      if (!user) {
        this.logger.info(`No Jira user has the email ${email}; unassigned`);
      }
      return user;
    } catch (error) {
      if (isError(error) && error.name === 'NotAllowedError') {
        this.logger.warn(
          `Cannot look up Jira users (${error.message}); unassigned`,
        );
        return undefined;
      }
      throw error;
    }
  }

  /** Links the issue to its parent unless a retry finds them linked. */
  private async ensureLinked(issue: JiraIssue, parentKey: string) {
    const type = this.settings.linkType.toLowerCase();
    const linked = issue.fields.issuelinks?.some(
      link =>
        link.type.name.toLowerCase() === type &&
        (link.inwardIssue?.key === parentKey ||
          link.outwardIssue?.key === parentKey),
    );
    if (!linked) {
      await this.client.linkIssues({
        type: this.settings.linkType,
        outwardKey: issue.key,
        inwardKey: parentKey,
      });
    }
  }

  /** The first entity's `jira/project-key`, else the default project. */
  private projectFor(request: TrackerIssueRequest): string {
    for (const entity of request.entities) {
      const key =
        entity.metadata.annotations?.[ANNOTATION_JIRA_PROJECT_KEY]?.trim();
      if (key) {
        return key;
      }
    }
    if (this.settings.defaultProjectKey) {
      return this.settings.defaultProjectKey;
    }
    const entities = request.entities.map(e => stringifyEntityRef(e));
    throw new InputError(
      `No Jira project for ${request.externalId}: ${
        entities.length > 0
          ? `none of ${entities.join(', ')} has`
          : 'there is no catalog entity with'
      } the annotation ${ANNOTATION_JIRA_PROJECT_KEY}; add it, or set ` +
        'multivac.jira.defaultProjectKey',
    );
  }

  /** The id label (how a retry finds the issue) and the configured ones. */
  private labelsFor(externalId: string): string[] {
    if (
      !externalId ||
      /\s/.test(externalId) ||
      externalId.length > MAX_LABEL_LENGTH
    ) {
      throw new InputError(
        `externalId '${externalId}' cannot be a Jira label: it must be 1 to ` +
          `${MAX_LABEL_LENGTH} characters without spaces`,
      );
    }
    return [...new Set([externalId, ...this.settings.labels])];
  }

  private toTrackerIssue(issue: JiraIssue): TrackerIssue {
    return {
      key: issue.key,
      url: this.client.browseUrl(issue.key),
      status: issue.fields.status.name,
      done: issue.fields.status.statusCategory.key === 'done',
    };
  }
}

/** One line of at most 255 characters, as Jira requires. */
function summaryOf(title: string): string {
  const line = title.replace(/\s+/g, ' ').trim();
  if (line.length <= MAX_SUMMARY_LENGTH) {
    return line;
  }
  // Never cut a surrogate pair in half.
  const cut = line
    .slice(0, MAX_SUMMARY_LENGTH - 1)
    .replace(/[\uD800-\uDBFF]$/, '');
  return `${cut}…`;
}
