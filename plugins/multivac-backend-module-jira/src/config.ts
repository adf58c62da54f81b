import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { JiraCredentials, JIRA_DEPLOYMENTS } from './client/JiraClient';

const PATH = 'multivac.jira';
const DEFAULT_ISSUE_TYPE = 'Task';
const DEFAULT_LINK_TYPE = 'Relates';

/** `multivac.jira`, checked. */
export interface JiraSettings {
  /** Absolute, without trailing slashes. */
  baseUrl: string;
  credentials: JiraCredentials;
  defaultProjectKey?: string;
  issueTypes: { postmortem: string; actionItem: string };
  /** Extra labels for every issue; none contains whitespace. */
  labels: string[];
  linkType: string;
}

/**
 * The Jira settings, or `undefined` without `multivac.jira`. Throws an
 * `InputError` naming the key when a setting is missing or invalid, so a
 * misconfigured backend fails at start-up rather than at the first
 * post-mortem.
 */
export function readJiraSettings(config: Config): JiraSettings | undefined {
  const jira = config.getOptionalConfig(PATH);
  if (!jira) {
    return undefined;
  }
  const baseUrl = jira.getString('baseUrl');
  if (!/^https?:\/\//.test(baseUrl) || !URL.canParse(baseUrl)) {
    throw new InputError(
      `${PATH}.baseUrl must be an absolute http(s) URL, not '${baseUrl}'`,
    );
  }
  const labels = jira.getOptionalStringArray('labels') ?? [];
  const spaced = labels.find(label => /\s/.test(label) || label === '');
  if (spaced !== undefined) {
    throw new InputError(
      `${PATH}.labels: Jira labels cannot be empty or contain spaces ('${spaced}')`,
    );
  }
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    credentials: readCredentials(config),
    defaultProjectKey: jira.getOptionalString('defaultProjectKey')?.trim(),
    issueTypes: {
      postmortem:
        jira.getOptionalString('issueTypes.postmortem') ?? DEFAULT_ISSUE_TYPE,
      actionItem:
        jira.getOptionalString('issueTypes.actionItem') ?? DEFAULT_ISSUE_TYPE,
    },
    labels,
    linkType: jira.getOptionalString('linkType') ?? DEFAULT_LINK_TYPE,
  };
}

/** Cloud: `email` + `apiToken`; Data Center: `personalAccessToken`. */
function readCredentials(config: Config): JiraCredentials {
  const jira = config.getConfig(PATH);
  const deployment = jira.getOptionalString('deployment') ?? 'cloud';
  const email = jira.getOptionalString('email');
  const apiToken = jira.getOptionalString('apiToken');
  const personalAccessToken = jira.getOptionalString('personalAccessToken');
  if (deployment === 'cloud') {
    if (personalAccessToken !== undefined) {
      throw new InputError(
        `${PATH}.personalAccessToken is for deployment 'datacenter'; ` +
          `Jira Cloud needs ${PATH}.email and ${PATH}.apiToken`,
      );
    }
    const missing = [
      ...(email ? [] : [`${PATH}.email`]),
      ...(apiToken ? [] : [`${PATH}.apiToken`]),
    ];
    if (missing.length > 0) {
      throw new InputError(
        `Jira Cloud needs ${missing.join(' and ')} (the Atlassian account ` +
          'and one of its API tokens)',
      );
    }
    return { deployment, email: email!, apiToken: apiToken! };
  }
  if (deployment === 'datacenter') {
    if (email !== undefined || apiToken !== undefined) {
      throw new InputError(
        `${PATH}.email and ${PATH}.apiToken are for Jira Cloud; ` +
          `Jira Data Center needs ${PATH}.personalAccessToken`,
      );
    }
    if (!personalAccessToken) {
      throw new InputError(
        `Jira Data Center needs ${PATH}.personalAccessToken`,
      );
    }
    return { deployment, personalAccessToken };
  }
  throw new InputError(
    `${PATH}.deployment must be one of ${JIRA_DEPLOYMENTS.join(
      ', ',
    )}, not '${deployment}'`,
  );
}
