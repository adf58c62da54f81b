import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { Incident } from '@multivac/plugin-multivac-common';
import { IncidentChange } from '@multivac/plugin-multivac-node';
import { FakeSlack } from '../__testUtils__/fakeSlack';
import {
  startSlackBot,
  startTeamSlack,
  teamCatalog,
} from '../__testUtils__/slackBot';
import { incident } from '../messages/__testUtils__/fixtures';

/** The catalog with the Payments team, whose channel is `channel`. */
const catalogWithTeamChannel = (channel: string) => [
  ...teamCatalog,
  entity('Group', 'payments', {
    annotations: { 'slack.com/channel': channel },
  }),
  entity('Component', 'payments-api', {
    relations: [['ownedBy', 'group:default/payments']],
  }),
];

const declared = (declaredIncident: Incident): IncidentChange => ({
  event: {
    id: `event-${declaredIncident.id}`,
    incidentId: declaredIncident.id,
    type: 'declared',
    actor: declaredIncident.createdBy,
    createdAt: declaredIncident.createdAt,
    payload: {},
  },
  incident: declaredIncident,
  deliveryId: `delivery-${declaredIncident.id}`,
  attempt: 1,
});

describe('IncidentChannels, the team channel', () => {
  let fake: FakeSlack;

  beforeEach(async () => {
    fake = await startTeamSlack(['team-payments']);
  });
  afterEach(() => fake.close());

  it('announces in the team channel the catalog names, resolving the name once for several incidents', async () => {
    const addNote = jest.fn();
    const { bot, close } = await startSlackBot({
      fake,
      entities: catalogWithTeamChannel('#team-payments'),
      workflow: { incidents: { addNote } },
    });

    await bot.incidentChannels.onIncidentChange(declared(incident()));
    await bot.incidentChannels.onIncidentChange(
      declared(
        incident({
          id: 'incident-8',
          number: 8,
          reference: 'INC-8',
          title: 'Refunds are slow',
        }),
      ),
    );

    const announcements = fake
      .messages(fake.channel('team-payments')!.id)
      .map(m => m.text);
    expect(announcements).toEqual([
      expect.stringContaining('INC-7'),
      expect.stringContaining('INC-8'),
    ]);
    expect(fake.callsTo('conversations.list')).toHaveLength(1);
    expect(addNote).not.toHaveBeenCalled();
    await close();
  });

  it('records a team channel the bot cannot see on the timeline, once, and opens the incident channel anyway', async () => {
    const addNote = jest.fn();
    const { bot, logger, close } = await startSlackBot({
      fake,
      entities: catalogWithTeamChannel('payments-oncall'),
      workflow: { incidents: { addNote } },
    });
    const text =
      'Could not announce INC-7 in the team channel: No Slack channel named #payments-oncall that Multivac can see; invite @Multivac or use the channel id.';

    // The job again, as when a later step failed and it is retried.
    await bot.incidentChannels.onIncidentChange(declared(incident()));
    await bot.incidentChannels.onIncidentChange(declared(incident()));

    expect(addNote.mock.calls).toEqual([['incident-7', text, 'service:slack']]);
    expect(logger.warn).toHaveBeenCalledWith(text);
    const channel = fake.channel('inc-7-checkout-fails-with-a-500-error')!;
    expect(channel.pins).toHaveLength(1);
    expect(fake.messages(fake.channel('team-payments')!.id)).toEqual([]);
    await close();
  });
});
