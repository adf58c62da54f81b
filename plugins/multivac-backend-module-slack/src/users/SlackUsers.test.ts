import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { user } from '@multivac/plugin-multivac-node/testUtils';
import { WebClient } from '@slack/web-api';
import { SlackActors } from '../bot/SlackActors';
import { SlackAnswers } from '../bot/SlackAnswers';
import { ResponseUrls } from '../bot/ResponseUrls';
import { SlackIdentityConfig } from '../config';
import {
  FAKE_BOT_USER_ID,
  FAKE_TEAM_ID,
  FakeSlack,
  startFakeSlack,
} from '../__testUtils__/fakeSlack';
import {
  EXTERNAL,
  GUEST,
  OTHER_WORKSPACE,
  SlackUsers,
  UNCONFIRMED_EMAIL,
} from './SlackUsers';

const ADA = 'U0ADA'; // annotated
const GRACE = 'U0GRACE'; // by email
const GUEST_USER = 'U0GUEST';
const SINGLE_CHANNEL_GUEST = 'U0SCG';
const OUTSIDER = 'U0OUT'; // another organisation's workspace
const STRANGER = 'U0STR'; // Slack Connect stranger, same email as Grace's
const UNCONFIRMED = 'U0UNC';
const GRID_COLLEAGUE = 'U0GRID'; // another workspace of the same Grid

const catalog = () =>
  catalogServiceMock({
    entities: [
      user('ada.lovelace', {
        email: 'ada@nimbus.example',
        annotations: { 'slack.com/user-id': ADA },
      }),
      user('grace.hopper', { email: 'grace@nimbus.example' }),
      user('guest', { email: 'guest@nimbus.example' }),
      user('unconfirmed', { email: 'unconfirmed@nimbus.example' }),
      user('grid.colleague', { email: 'grid@nimbus.example' }),
    ],
  });

describe('SlackUsers', () => {
  let fake: FakeSlack;
  let client: WebClient;

  beforeEach(async () => {
    fake = await startFakeSlack({
      users: [
        // Ada's own email in Slack is unconfirmed: the annotation maps her.
        {
          id: ADA,
          name: 'ada',
          email: 'ada@nimbus.example',
          is_email_confirmed: false,
        },
        { id: GRACE, name: 'grace', email: 'grace@nimbus.example' },
        {
          id: GUEST_USER,
          name: 'guest',
          email: 'guest@nimbus.example',
          is_restricted: true,
        },
        {
          id: SINGLE_CHANNEL_GUEST,
          name: 'scg',
          email: 'guest@nimbus.example',
          is_restricted: true,
          is_ultra_restricted: true,
        },
        {
          id: OUTSIDER,
          name: 'out',
          email: 'grace@nimbus.example',
          team_id: 'T0OTHER',
        },
        {
          id: STRANGER,
          name: 'str',
          email: 'grace@nimbus.example',
          is_stranger: true,
        },
        {
          id: UNCONFIRMED,
          name: 'unc',
          email: 'unconfirmed@nimbus.example',
          is_email_confirmed: false,
        },
        {
          id: GRID_COLLEAGUE,
          name: 'grid',
          email: 'grid@nimbus.example',
          team_id: 'T0SISTER',
          enterprise_id: 'E0GRID',
        },
      ],
      channels: [
        {
          name: 'triage',
          members: [FAKE_BOT_USER_ID, GRACE, GUEST_USER, STRANGER, UNCONFIRMED],
        },
      ],
    });
    client = new WebClient(fake.botToken, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
    });
  });
  afterEach(() => fake.close());

  const users = (config: Partial<SlackIdentityConfig> = {}) =>
    new SlackUsers(client, catalog(), mockServices.auth(), {
      mapping: 'email',
      cacheTtlSeconds: 300,
      cacheSize: 1000,
      ...config,
    });

  it('maps members of its workspace, learning the workspace from auth.test once', async () => {
    const slackUsers = users();

    expect(await slackUsers.identify(ADA, { teamId: FAKE_TEAM_ID })).toEqual({
      user: { userRef: 'user:default/ada.lovelace', name: 'ada.lovelace' },
    });
    expect(await slackUsers.identify(GRACE, { teamId: FAKE_TEAM_ID })).toEqual({
      user: { userRef: 'user:default/grace.hopper', name: 'grace.hopper' },
    });
    expect(fake.callsTo('auth.test')).toHaveLength(1);
  });

  it.each([
    ['a multi-channel guest', GUEST_USER, GUEST],
    ['a single-channel guest', SINGLE_CHANNEL_GUEST, GUEST],
    ["someone of another organisation's workspace", OUTSIDER, EXTERNAL],
    ['a Slack Connect stranger', STRANGER, EXTERNAL],
    ['someone whose email is not confirmed', UNCONFIRMED, UNCONFIRMED_EMAIL],
  ])(
    'refuses %s, even with a catalog email',
    async (_who, slackId, refusal) => {
      expect(await users().identify(slackId)).toEqual({ refusal });
      expect(await users().catalogUser(slackId)).toBeUndefined();
    },
  );

  it('refuses a request from another workspace before asking about the person', async () => {
    expect(await users().identify(GRACE, { teamId: 'T0OTHER' })).toEqual({
      refusal: OTHER_WORKSPACE,
    });
    expect(fake.callsTo('users.info')).toHaveLength(0);
  });

  it('takes the workspace from config, and members of the whole Grid organisation', async () => {
    const inGrid = users({ teamId: 'T0SISTER', enterpriseId: 'E0GRID' });

    expect(
      await inGrid.identify(GRID_COLLEAGUE, {
        teamId: 'T0SISTER',
        enterpriseId: 'E0GRID',
      }),
    ).toEqual({
      user: { userRef: 'user:default/grid.colleague', name: 'grid.colleague' },
    });
    // Grace's workspace is not in the Grid organisation.
    expect(await inGrid.identify(GRACE)).toEqual({ refusal: EXTERNAL });
    expect(fake.callsTo('auth.test')).toHaveLength(0);
  });

  it('maps by the annotation only in annotation mode', async () => {
    const byAnnotation = users({ mapping: 'annotation' });

    expect((await byAnnotation.identify(ADA))?.user?.userRef).toBe(
      'user:default/ada.lovelace',
    );
    expect(await byAnnotation.identify(GRACE)).toBeUndefined();
    expect(
      await byAnnotation.slackId('user:default/grace.hopper'),
    ).toBeUndefined();
    expect(await byAnnotation.slackId('user:default/ada.lovelace')).toBe(ADA);
    expect(fake.callsTo('users.lookupByEmail')).toHaveLength(0);
  });

  it('finds the Slack id of a catalog user by email among members only', async () => {
    expect(await users().slackId('user:default/grace.hopper')).toBe(GRACE);
    // Only guests have guest@: nobody to mention or message.
    expect(await users().slackId('user:default/guest')).toBeUndefined();
  });

  it('looks a person up again once the mapping expired', async () => {
    const now = jest.spyOn(Date, 'now');
    try {
      const slackUsers = users({ cacheTtlSeconds: 60 });
      await slackUsers.identify(GRACE);
      await slackUsers.identify(GRACE);
      expect(fake.callsTo('users.info')).toHaveLength(1);

      now.mockReturnValue(Date.now() + 61_000);
      await slackUsers.identify(GRACE);

      expect(fake.callsTo('users.info')).toHaveLength(2);
    } finally {
      now.mockRestore();
    }
  });

  it('keeps at most cacheSize mappings', async () => {
    const slackUsers = users({ cacheSize: 1 });
    await slackUsers.identify(ADA);
    await slackUsers.identify(GRACE);
    await slackUsers.identify(GRACE);
    expect(fake.callsTo('users.info')).toHaveLength(2);

    await slackUsers.identify(ADA);

    expect(fake.callsTo('users.info')).toHaveLength(3);
  });

  it.each([
    ['a guest', GUEST_USER, {}, GUEST],
    ['an outsider', STRANGER, {}, EXTERNAL],
    ['someone with an unconfirmed email', UNCONFIRMED, {}, UNCONFIRMED_EMAIL],
    [
      'a request from another workspace',
      GRACE,
      { teamId: 'T0OTHER' },
      OTHER_WORKSPACE,
    ],
  ])(
    'tells %s in Slack why the bot does nothing',
    async (_who, slackUserId, workspace, refusal) => {
      const logger = mockServices.logger.mock();
      const actors = new SlackActors({
        users: users(),
        answers: new SlackAnswers({
          client,
          responseUrls: new ResponseUrls({ hooksUrl: fake.hooksUrl, logger }),
          logger,
        }),
        logger,
      });
      const triage = fake.channel('triage')!.id;

      expect(
        await actors.actorFor({ slackUserId, channelId: triage, workspace }),
      ).toBeUndefined();

      expect(fake.ephemerals(triage)).toEqual([
        expect.objectContaining({ user: slackUserId, text: refusal }),
      ]);
    },
  );
});
