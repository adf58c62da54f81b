import {
  appMention,
  blockActions,
  eventCallback,
  pinAdded,
  reactionAdded,
  slashCommand,
  viewSubmission,
} from '../__testUtils__/slackPayloads';
import {
  toCommandDelivery,
  toEventDelivery,
  toInteractionDelivery,
} from './deliveries';

describe('toCommandDelivery', () => {
  it('keeps the fields Slack sent beyond the validated ones', () => {
    expect(toCommandDelivery(slashCommand()).command).toMatchObject({
      team_domain: 'nimbus',
      api_app_id: 'A123456',
    });
  });

  it('names every missing or empty field', () => {
    expect(() =>
      toCommandDelivery({ ...slashCommand(), trigger_id: '', team_id: 7 }),
    ).toThrow(
      'Slack slash command is malformed (team_id: Expected string, received number, trigger_id: String must contain at least 1 character(s))',
    );
  });
});

describe('toInteractionDelivery', () => {
  it('deduplicates block actions without trigger_id on message and action time', () => {
    const { trigger_id: _, ...payload } = blockActions();

    expect(toInteractionDelivery(payload)).toMatchObject({
      dedupKey: '1548261231.000200-1548426417.840180',
    });
  });

  it('deduplicates what has neither on a hash of the payload', () => {
    const closed = {
      type: 'view_closed',
      user: { id: 'U2147483697' },
      view: viewSubmission().view,
      is_cleared: false,
    };
    const edited = {
      ...closed,
      view: { ...closed.view, hash: '156663118.aa00bb11' },
    };

    const first = toInteractionDelivery(closed);
    const again = toInteractionDelivery(structuredClone(closed));
    const other = toInteractionDelivery(edited);

    expect(first).toMatchObject({
      kind: 'interaction',
      dedupKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(again).toEqual(first);
    expect(other).not.toMatchObject({
      dedupKey: (first as { dedupKey: string }).dedupKey,
    });
  });

  it.each([
    [
      'shortcut',
      {
        type: 'shortcut',
        callback_id: 'declare-incident',
        trigger_id:
          '944799105734.773906753841.38b5894552bdd4a780554ee59d1f3bbb',
        user: { id: 'U2147483697' },
      },
    ],
    [
      'message_action',
      {
        type: 'message_action',
        callback_id: 'declare-from-message',
        trigger_id: '13345224609.8534564800.6f8ab1f53e13d0cd15f96106292d5536',
        user: { id: 'U2147483697' },
        channel: { id: 'C2147483705', name: 'incidents' },
        message: { ts: '1548261231.000200', text: 'checkout is down' },
        response_url: 'https://hooks.slack.com/app-actions/T0001/1234/abcd',
      },
    ],
  ])('deduplicates a %s on its trigger_id', (_, payload) => {
    expect(toInteractionDelivery(payload)).toEqual({
      kind: 'interaction',
      dedupKey: payload.trigger_id,
      payload,
    });
  });

  it('ignores interactions Multivac does not handle', () => {
    expect(
      toInteractionDelivery({ type: 'block_suggestion', value: 'pay' }),
    ).toEqual({ ignored: 'interaction block_suggestion' });
  });

  it('rejects a payload without type', () => {
    expect(() => toInteractionDelivery(['block_actions'])).toThrow(
      'Slack interaction payload is malformed (body: Expected object, received array)',
    );
  });
});

describe('toEventDelivery', () => {
  it('hashes an event_id too long (or odd) for the job key, the same each time', () => {
    const envelope = {
      ...eventCallback(reactionAdded()),
      event_id: 'E'.repeat(300),
    };
    const { dedupKey } = toEventDelivery(envelope) as { dedupKey: string };
    expect(dedupKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(toEventDelivery(envelope)).toMatchObject({ dedupKey });
    expect(
      toEventDelivery({ ...envelope, event_id: 'Ev1\u0000' }),
    ).toMatchObject({ dedupKey: expect.stringMatching(/^sha256:/) });
    expect(
      toEventDelivery({ ...envelope, event_id: 'Ev08MFMKH6J' }),
    ).toMatchObject({ dedupKey: 'Ev08MFMKH6J' });
  });

  it('delivers message events of any subtype', () => {
    const edit = {
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: 'C2147483705',
      ts: '1358878755.000001',
      message: { type: 'message', text: 'Hello, world!' },
    };

    expect(toEventDelivery(eventCallback(edit))).toEqual({
      kind: 'event',
      dedupKey: 'Ev08MFMKH6',
      event: edit,
      teamId: 'T0001',
    });
  });

  it('keeps where an event happened: its workspace and Grid organisation', () => {
    expect(
      toEventDelivery(
        eventCallback(reactionAdded(), {
          team_id: 'T0SISTER',
          enterprise_id: 'E0GRID',
        }),
      ),
    ).toMatchObject({ teamId: 'T0SISTER', enterpriseId: 'E0GRID' });
  });

  it('ignores envelopes that are not event callbacks', () => {
    expect(
      toEventDelivery({
        token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
        type: 'app_rate_limited',
        team_id: 'T0001',
        minute_rate_limited: 1518467820,
        api_app_id: 'A123456',
      }),
    ).toEqual({ ignored: 'event envelope app_rate_limited' });
  });

  it('delivers reactions and pins, which mark key messages', () => {
    expect(toEventDelivery(eventCallback(reactionAdded()))).toEqual({
      kind: 'event',
      dedupKey: 'Ev08MFMKH6',
      event: reactionAdded(),
      teamId: 'T0001',
    });
    expect(toEventDelivery(eventCallback(pinAdded()))).toMatchObject({
      event: {
        type: 'pin_added',
        channel_id: 'C2147483705',
        item: { message: { ts: '1360782400.498405' } },
      },
    });
  });

  it('rejects a reaction without reactor or emoji', () => {
    expect(() =>
      toEventDelivery(
        eventCallback(reactionAdded({ user: undefined, reaction: '' })),
      ),
    ).toThrow(
      'Slack reaction_added event is malformed (user: Required, reaction: String must contain at least 1 character(s))',
    );
  });

  it('rejects a pinned message without ts', () => {
    expect(() =>
      toEventDelivery(
        eventCallback(
          pinAdded({ item: { type: 'message', message: { text: 'hi' } } }),
        ),
      ),
    ).toThrow('Slack pin_added event is malformed (item.message.ts: Required)');
  });

  it('rejects an app mention without text', () => {
    const { text: _, ...mention } = appMention();

    expect(() => toEventDelivery(eventCallback(mention))).toThrow(
      'Slack app_mention event is malformed (text: Required)',
    );
  });
});
