import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readJiraSettings } from './config';

const read = (jira: JsonObject | undefined) =>
  readJiraSettings(new ConfigReader({ multivac: jira ? { jira } : {} }));

describe('readJiraSettings', () => {
  it('is undefined without multivac.jira', () => {
    expect(read(undefined)).toBeUndefined();
  });

  it('defaults to Jira Cloud, Task issues and Relates links', () => {
    expect(
      read({
        baseUrl: 'https://nimbus.atlassian.net/',
        email: 'multivac@nimbus.example',
        apiToken: 'token',
      }),
    ).toEqual({
      baseUrl: 'https://nimbus.atlassian.net',
      credentials: {
        deployment: 'cloud',
        email: 'multivac@nimbus.example',
        apiToken: 'token',
      },
      defaultProjectKey: undefined,
      issueTypes: { postmortem: 'Task', actionItem: 'Task' },
      labels: [],
      linkType: 'Relates',
    });
  });

  it('reads Data Center with its token and every option', () => {
    expect(
      read({
        baseUrl: 'https://jira.nimbus.example',
        deployment: 'datacenter',
        personalAccessToken: 'pat',
        defaultProjectKey: 'OPS',
        issueTypes: { postmortem: 'Post-mortem', actionItem: 'Story' },
        labels: ['incident', 'multivac'],
        linkType: 'Blocks',
      }),
    ).toEqual({
      baseUrl: 'https://jira.nimbus.example',
      credentials: { deployment: 'datacenter', personalAccessToken: 'pat' },
      defaultProjectKey: 'OPS',
      issueTypes: { postmortem: 'Post-mortem', actionItem: 'Story' },
      labels: ['incident', 'multivac'],
      linkType: 'Blocks',
    });
  });

  it.each<[string, JsonObject, string]>([
    [
      'a missing baseUrl',
      { email: 'a@b.c', apiToken: 't' },
      "Missing required config value at 'multivac.jira.baseUrl'",
    ],
    [
      'a relative baseUrl',
      { baseUrl: 'nimbus.atlassian.net', email: 'a@b.c', apiToken: 't' },
      "multivac.jira.baseUrl must be an absolute http(s) URL, not 'nimbus.atlassian.net'",
    ],
    [
      'Cloud without email',
      { baseUrl: 'https://x.atlassian.net', apiToken: 't' },
      'Jira Cloud needs multivac.jira.email (the Atlassian account and one of its API tokens)',
    ],
    [
      'Cloud without credentials',
      { baseUrl: 'https://x.atlassian.net' },
      'Jira Cloud needs multivac.jira.email and multivac.jira.apiToken',
    ],
    [
      'Cloud with a personal access token',
      { baseUrl: 'https://x.atlassian.net', personalAccessToken: 'pat' },
      "multivac.jira.personalAccessToken is for deployment 'datacenter'",
    ],
    [
      'Data Center without a token',
      { baseUrl: 'https://jira.x', deployment: 'datacenter' },
      'Jira Data Center needs multivac.jira.personalAccessToken',
    ],
    [
      'Data Center with Cloud credentials',
      {
        baseUrl: 'https://jira.x',
        deployment: 'datacenter',
        email: 'a@b.c',
        apiToken: 't',
      },
      'multivac.jira.email and multivac.jira.apiToken are for Jira Cloud',
    ],
    [
      'an unknown deployment',
      {
        baseUrl: 'https://jira.x',
        deployment: 'server',
        personalAccessToken: 'p',
      },
      "multivac.jira.deployment must be one of cloud, datacenter, not 'server'",
    ],
    [
      'a label with a space',
      {
        baseUrl: 'https://x.atlassian.net',
        email: 'a@b.c',
        apiToken: 't',
        labels: ['post mortem'],
      },
      "multivac.jira.labels: Jira labels cannot be empty or contain spaces ('post mortem')",
    ],
  ])('rejects %s, naming the key', (_, jira, message) => {
    expect(() => read(jira)).toThrow(message);
  });
});
