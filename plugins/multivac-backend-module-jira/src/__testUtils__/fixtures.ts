import { Entity } from '@backstage/catalog-model';
import { TrackerIssueRequest } from '@multivac/plugin-multivac-node';
import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { FakeJiraData } from './fakeJira';

export const CLOUD_EMAIL = 'multivac@nimbus.example';
export const CLOUD_API_TOKEN = 'cloud-api-token-s3cret';
export const DC_TOKEN = 'dc-personal-access-token-s3cret';

/** A site with two projects and a few people, Cloud or Data Center. */
export function nimbusSite(
  deployment: FakeJiraData['deployment'],
): FakeJiraData {
  return {
    deployment,
    ...(deployment === 'cloud'
      ? { email: CLOUD_EMAIL, apiToken: CLOUD_API_TOKEN }
      : { personalAccessToken: DC_TOKEN }),
    projects: [
      { key: 'OPS', issueTypes: ['Task', 'Bug', 'Post-mortem'] },
      { key: 'PAY', issueTypes: ['Task'] },
      // A create screen without the due date.
      {
        key: 'LEGACY',
        issueTypes: ['Task'],
        screenFields: ['description', 'labels', 'assignee'],
      },
    ],
    users: [
      {
        id: deployment === 'cloud' ? '5b10a2844c20165700ede21g' : 'ada',
        displayName: 'Ada Lovelace',
        emailAddress: 'ada@nimbus.example',
      },
      {
        id: deployment === 'cloud' ? '5b10ac8d82e05b22cc7d4ef5' : 'grace',
        displayName: 'Grace Hopper',
        emailAddress: 'grace@nimbus.example',
        hideEmail: true,
      },
      {
        id: deployment === 'cloud' ? '5b109f2e9729b51b54dc274d' : 'linus',
        displayName: 'Linus Torvalds',
        emailAddress: 'linus@nimbus.example',
        assignable: false,
      },
    ],
  };
}

/** A production service owned by payments, with the annotations given. */
export function component(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return entity('Component', name, {
    annotations,
    spec: { type: 'service', lifecycle: 'production', owner: 'group:payments' },
  });
}

export function postmortemRequest(
  overrides: Partial<TrackerIssueRequest> = {},
): TrackerIssueRequest {
  return {
    externalId: 'multivac-postmortem-0b9f3c2e-5d1a-4c47-9a41-2f8e6c1d7a10',
    kind: 'postmortem',
    entities: [component('payments-api', { 'jira/project-key': 'PAY' })],
    title: 'Post-mortem INC-42: Payments API returns 502',
    description: [
      { type: 'heading', text: 'Summary' },
      { type: 'paragraph', text: 'Checkout failed for 7 minutes.' },
      {
        type: 'facts',
        items: [
          { label: 'Severity', value: 'SEV2' },
          { label: 'Duration', value: '7 minutes 50.2 seconds' },
        ],
      },
      { type: 'bullets', items: ['Ada Lovelace (controller)', 'Grace Hopper'] },
      {
        type: 'link',
        text: 'Incident INC-42',
        href: 'https://portal.nimbus.example/multivac/incidents/42',
      },
    ],
    link: {
      href: 'https://portal.nimbus.example/multivac/postmortems/42',
      text: 'Post-mortem INC-42 in Multivac',
    },
    ...overrides,
  };
}
