import { mockServices } from '@backstage/backend-test-utils';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import {
  FakeSlack,
  FAKE_BOT_USER_ID,
  startFakeSlack,
} from './__testUtils__/fakeSlack';
import { eventually, startSlackBackend } from './__testUtils__/slackBackend';
import { slashCommand } from './__testUtils__/slackPayloads';
import { createSlackWebClient } from './slackWebClient';

jest.setTimeout(90_000);

const ADA = 'U0ADA';

/** A team whose `slack.com/channel` is `channel`, owning `<team>-api`. */
const team = (name: string, channel: string) => [
  entity('Group', name, { annotations: { 'slack.com/channel': channel } }),
  entity('Component', `${name}-api`, {
    relations: [['ownedBy', `group:default/${name}`]],
  }),
];

describe('team channels named in the catalog, end to end', () => {
  let fake: FakeSlack;

  beforeEach(async () => {
    fake = await startFakeSlack({
      users: [{ id: ADA, name: 'ada.lovelace' }],
      channels: [
        { name: 'triage', members: [FAKE_BOT_USER_ID, ADA] },
        { name: 'team-payments', members: [FAKE_BOT_USER_ID] },
      ],
    });
  });
  afterEach(() => fake.close());

  it('announces in a channel given by name, and says so in the incident channel when the bot cannot see the one named', async () => {
    const { backend, slack } = await startSlackBackend({
      fake,
      entities: [
        user('ada.lovelace', {
          displayName: 'Ada Lovelace',
          annotations: { 'slack.com/user-id': ADA },
        }),
        ...team('payments', '#team-payments'),
        ...team('ledger', 'payments-oncall'),
      ],
      multivac: {},
    });
    const start = (text: string) =>
      slack.command(
        slashCommand({
          text,
          user_id: ADA,
          channel_id: fake.channel('triage')!.id,
          trigger_id: `T-${text}`,
        }),
      );

    expect((await start('start payments-api sev2 checkout down')).status).toBe(
      200,
    );
    const announcement = await eventually(
      () => fake.messages(fake.channel('team-payments')!.id)[0],
      'the announcement in #team-payments',
    );
    expect(announcement.text).toContain('INC-1');

    expect((await start('start ledger-api sev3 ledger slow')).status).toBe(200);
    const note = await eventually(() => {
      const channel = fake.channel('inc-2-ledger-slow');
      return (
        channel &&
        fake
          .messages(channel.id)
          .find(m => m.text?.includes('Could not announce'))
      );
    }, 'the note in the incident channel');
    expect(note.text).toBe(
      ':memo: Slack: Could not announce INC-2 in the team channel: No Slack channel named #payments-oncall that Multivac can see; invite @Multivac or use the channel id.',
    );
    // Both lookups answered from one read of the channel list.
    expect(fake.callsTo('conversations.list')).toHaveLength(1);
    await backend.stop();
  });

  it('announces incidents in a triage channel given by name, warning and retrying while Slack does not know it', async () => {
    const logger = mockServices.rootLogger.mock();
    logger.child.mockReturnValue(logger);
    const { backend, slack } = await startSlackBackend({
      fake,
      entities: [
        user('ada.lovelace', {
          displayName: 'Ada Lovelace',
          annotations: { 'slack.com/user-id': ADA },
        }),
        ...team('payments', '#team-payments'),
      ],
      multivac: {
        jobs: {
          pollIntervalSeconds: 0.1,
          initialBackoffSeconds: 0.2,
          maxBackoffSeconds: 0.5,
        },
        slack: { triageChannel: '#war-room', channels: { cacheSeconds: 1 } },
      },
      features: [logger.factory],
    });
    try {
      const warned = () =>
        logger.warn.mock.calls
          .map(([message]) => String(message))
          .find(message => message.startsWith('multivac.slack.triageChannel'));
      expect(
        (
          await slack.command(
            slashCommand({
              text: 'start payments-api sev2 checkout down',
              user_id: ADA,
              channel_id: fake.channel('triage')!.id,
              trigger_id: 'T-start',
            }),
          )
        ).status,
      ).toBe(200);
      expect(await eventually(warned, 'the warning about #war-room')).toBe(
        'multivac.slack.triageChannel: No Slack channel named #war-room that Multivac can see; invite @Multivac or use the channel id; will try again',
      );

      const created = await createSlackWebClient(fake.botToken, {
        apiUrl: fake.url,
      }).conversations.create({ name: 'war-room' });
      const announcement = await eventually(
        () => fake.messages(created.channel!.id!)[0],
        'the announcement in #war-room, by its id',
      );
      expect(announcement.text).toContain('INC-1');
      expect(
        fake
          .callsTo('chat.postMessage')
          .filter(call => String(call.args.channel).includes('war-room')),
      ).toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});
