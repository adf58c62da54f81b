import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  IssueTracker,
  multivacIssueTrackerExtensionPoint,
} from '@multivac/plugin-multivac-node';
import { FakeJira, startFakeJira } from './__testUtils__/fakeJira';
import {
  CLOUD_API_TOKEN,
  CLOUD_EMAIL,
  nimbusSite,
  postmortemRequest,
} from './__testUtils__/fixtures';
import { multivacModuleJira } from './module';

describe('multivacModuleJira', () => {
  let trackers: IssueTracker[];
  let logger: ReturnType<typeof mockServices.logger.mock>;

  beforeEach(() => {
    trackers = [];
    logger = mockServices.logger.mock();
  });

  function startBackend(config: object) {
    return startTestBackend({
      extensionPoints: [
        [
          multivacIssueTrackerExtensionPoint,
          { setIssueTracker: tracker => trackers.push(tracker) },
        ],
      ],
      features: [
        multivacModuleJira,
        mockServices.rootConfig.factory({ data: config }),
        logger.factory,
      ],
    });
  }

  it('registers nothing without multivac.jira', async () => {
    const backend = await startBackend({ multivac: {} });
    await backend.stop();

    expect(trackers).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith('Jira not configured');
  });

  describe('when configured', () => {
    let fake: FakeJira;
    beforeEach(async () => {
      fake = await startFakeJira(nimbusSite('cloud'));
    });
    afterEach(() => fake.close());

    it('registers the Jira tracker, which files issues in Jira', async () => {
      const backend = await startBackend({
        multivac: {
          jira: {
            baseUrl: fake.url,
            email: CLOUD_EMAIL,
            apiToken: CLOUD_API_TOKEN,
          },
        },
      });
      await backend.stop();

      expect(trackers.map(t => t.id)).toEqual(['jira']);
      await expect(
        trackers[0].createIssue(postmortemRequest()),
      ).resolves.toEqual({
        key: 'PAY-1',
        url: `${fake.url}/browse/PAY-1`,
        status: 'To Do',
        done: false,
      });
    });
  });

  it('fails to start with incomplete credentials, naming the key', async () => {
    await expect(
      startBackend({
        multivac: {
          jira: { baseUrl: 'https://nimbus.atlassian.net', apiToken: 't' },
        },
      }),
    ).rejects.toThrow('Jira Cloud needs multivac.jira.email');
    expect(trackers).toEqual([]);
  });
});
