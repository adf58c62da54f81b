import { TimelineEvent } from '@multivac/plugin-multivac-common';
import { FakeSlack } from '../__testUtils__/fakeSlack';
import {
  ADA,
  catalogDown,
  startSlackBot,
  startTeamSlack,
  STRANGER,
} from '../__testUtils__/slackBot';
import { eventCallback, reactionAdded } from '../__testUtils__/slackPayloads';
import { toEventDelivery } from '../transport/deliveries';
import { SlackEventDelivery } from '../transport/types';

describe('KeyMessages', () => {
  let fake: FakeSlack;
  let channel: string;

  beforeEach(async () => {
    fake = await startTeamSlack(['inc-7-checkout']);
    channel = fake.channel('inc-7-checkout')!.id;
  });
  afterEach(() => fake.close());

  /** The bot in the channel of incident-7, and the notes it added. */
  async function bot(options: Parameters<typeof startSlackBot>[0]) {
    const notes: string[] = [];
    const started = await startSlackBot({
      ...options,
      workflow: {
        incidents: {
          addNote: async (incidentId: string, text: string, actor: string) => {
            notes.push(`${incidentId} by ${actor}: ${text}`);
            return {} as TimelineEvent;
          },
        },
      },
    });
    await started.store.saveChannel({
      incidentId: 'incident-7',
      channelId: channel,
      channelName: 'inc-7-checkout',
    });
    return { ...started, notes };
  }

  const pushpin = (userId: string, ts: string) =>
    toEventDelivery(
      eventCallback(
        reactionAdded({ user: userId, item: { type: 'message', channel, ts } }),
        { event_id: `Ev-${userId}-${ts}` },
      ),
    ) as SlackEventDelivery;

  it('records a message someone the catalog does not know marked, naming them', async () => {
    const { bot: slackBot, runJobs, notes, close } = await bot({ fake });
    const ts = fake.postAs(ADA, channel, 'Rolling back to v41');

    await slackBot.inbox.receive(pushpin(STRANGER, ts));
    expect(await runJobs()).toEqual([]);

    expect(notes).toEqual([
      expect.stringMatching(
        /^incident-7 by service:slack: Key message from ada\.lovelace, marked by A\. Stranger: Rolling back to v41 \(https:/,
      ),
    ]);
    await close();
  });

  it('tells who marked a message when the catalog does not answer, and records nothing', async () => {
    const {
      bot: slackBot,
      runJobs,
      enqueued,
      notes,
      close,
    } = await bot({ fake, catalog: catalogDown() });
    const ts = fake.postAs(ADA, channel, 'Rolling back to v41');

    await slackBot.inbox.receive(pushpin(ADA, ts));
    expect(await runJobs()).toEqual([]);

    expect(fake.ephemerals(channel)).toEqual([
      expect.objectContaining({
        user: ADA,
        text: 'Sorry, I could not find out who you are in Backstage (the catalog is down), so I did nothing. Try again in a moment.',
      }),
    ]);
    expect(enqueued()).toEqual([
      expect.stringMatching(/^slack\.delivery:event:/),
    ]);
    expect(notes).toEqual([]);
    await close();
  });
});
