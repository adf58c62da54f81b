import { ACTIONS } from './actions';
import {
  announcement,
  declaredMessage,
  keyMessageNote,
  resolvedMessage,
  triageAnnouncement,
} from './incidentMessages';
import {
  allText,
  buttonsOf,
  expectWithinSlackLimits,
  incident,
  KEN,
} from './__testUtils__/fixtures';

const resolved = incident({
  status: 'resolved',
  stateTimestamps: {
    triggered: '2025-03-05T14:10:00.000Z',
    resolved: '2025-03-05T14:17:50.200Z',
  },
});

describe('resolvedMessage', () => {
  it('says how long it took, from trigger to resolution', () => {
    const { text, blocks } = resolvedMessage(resolved, {});
    expect(text).toBe('INC-7 is resolved. It took 7 minutes 50.2 seconds.');
    expect(allText(blocks)).not.toContain('archived');
  });

  it('counts from creation when the trigger time is missing', () => {
    const { text } = resolvedMessage(
      incident({
        createdAt: '2025-03-05T14:00:00.000Z',
        stateTimestamps: { resolved: '2025-03-05T16:05:00.000Z' },
      }),
      {},
    );
    expect(text).toBe('INC-7 is resolved. It took 2 hours 5 minutes.');
  });

  it('says when the channel is archived', () => {
    expect(
      allText(resolvedMessage(resolved, { archiveAfterMinutes: 30 }).blocks),
    ).toContain('This channel will be archived in 30 minutes.');
    expect(
      allText(resolvedMessage(resolved, { archiveAfterMinutes: 1440 }).blocks),
    ).toContain('This channel will be archived in 1 day.');
    expect(
      allText(resolvedMessage(resolved, { archiveAfterMinutes: 0 }).blocks),
    ).toContain('This channel will be archived now.');
  });

  it('asks for the post-mortem', () => {
    const { blocks } = resolvedMessage(resolved, {});
    expect(allText(blocks)).toContain(
      "Let's write the post-mortem while it is fresh.",
    );
    expect(buttonsOf(blocks)).toEqual([
      expect.objectContaining({
        action_id: ACTIONS.writePostmortem,
        value: 'incident-7',
        style: 'primary',
      }),
    ]);
  });
});

describe('announcement', () => {
  it('tells the owning team and links the channel', () => {
    const { text, blocks } = announcement(
      incident({
        entityRefs: [
          'component:default/payments-api',
          'system:default/payments',
        ],
      }),
      'C0INC7',
    );
    expect(text).toBe(
      ':rotating_light: SEV2 INC-7 declared: Checkout fails with a 500 error — affects payments-api and payments. Join <#C0INC7>.',
    );
    expect(allText(blocks)).toContain(text);
  });

  it('escapes the title', () => {
    const { text, blocks } = announcement(
      incident({ title: '<!channel> & <script>' }),
      'C0INC7',
    );
    expect(text).toContain('declared: &lt;!channel&gt; &amp; &lt;script&gt; —');
    expect(allText(blocks)).not.toContain('<!channel>');
  });

  it("stays within Slack's limits with many entities", () => {
    const { blocks } = announcement(
      incident({
        entityRefs: Array.from(
          { length: 50 },
          (_, i) => `component:default/${'c'.repeat(250)}${i}`,
        ),
      }),
      'C0INC7',
    );
    expectWithinSlackLimits(blocks);
    expect(allText(blocks)).toContain('and 45 more. Join');
  });
});

describe('declaredMessage', () => {
  it('says who declared it, who was invited and how to get help', () => {
    const { blocks } = declaredMessage(incident(), {
      reporter: 'U0ADA',
      invited: ['U0GRACE', 'U0KEN'],
    });
    const all = allText(blocks);
    expect(all).toContain(
      '<@U0ADA> declared INC-7 (SEV2): Checkout fails with a 500 error.',
    );
    expect(all).toContain('I invited <@U0GRACE> and <@U0KEN>.');
    expect(all).toContain('Type `help` here for what I can do.');
  });

  it('names the declarer by catalog name without a Slack id, and nobody invited', () => {
    const all = allText(
      declaredMessage(incident({ createdBy: KEN }), { invited: [] }).blocks,
    );
    expect(all).toContain('ken.thompson declared INC-7');
    expect(all).toContain('Nobody else was invited yet.');
  });
});

describe('triageAnnouncement', () => {
  const url = 'http://portal.example/multivac/incidents/INC-7';

  it('says what, who and where, with a portal link', () => {
    const { text, blocks } = triageAnnouncement(incident(), {
      declaredBy: '<@U0ADA>',
      channelId: 'C0INC7',
      incidentUrl: url,
    });
    expect(text).toBe(
      ':rotating_light: SEV2 INC-7 declared by <@U0ADA>: Checkout fails with a 500 error. Join <#C0INC7>.',
    );
    expect(allText(blocks)).toContain(text);
    expect(allText(blocks)).toContain(`<${url}|Open INC-7 in Backstage>`);
    expectWithinSlackLimits(blocks);
  });

  it('says the channel is coming before it exists, and escapes the title', () => {
    const { text } = triageAnnouncement(incident({ title: '<!here> down' }), {
      declaredBy: 'ken.thompson',
      incidentUrl: url,
    });
    expect(text).toBe(
      ':rotating_light: SEV2 INC-7 declared by ken.thompson: &lt;!here&gt; down. I am opening its channel.',
    );
  });
});

describe('keyMessageNote', () => {
  const permalink =
    'https://nimbus.slack.com/archives/C0INC7/p1700000000000100';

  it('quotes the message as typed, with its author and link', () => {
    expect(
      keyMessageNote({
        author: 'Grace Hopper',
        text: 'Rolling back: 5xx &lt; 1% &amp; falling',
        permalink,
      }),
    ).toBe(
      `Key message from Grace Hopper: Rolling back: 5xx < 1% & falling (${permalink})`,
    );
  });

  it('names who marked it when the catalog does not know them', () => {
    expect(
      keyMessageNote({
        author: 'Grace Hopper',
        text: 'ok',
        permalink,
        markedBy: 'stranger',
      }),
    ).toBe(
      `Key message from Grace Hopper, marked by stranger: ok (${permalink})`,
    );
  });

  it('cuts long messages and shows empty ones', () => {
    const long = keyMessageNote({
      author: 'Ada',
      text: 'x'.repeat(5000),
      permalink,
    });
    expect(long).toContain(`${'x'.repeat(999)}… (${permalink})`);
    expect(long.length).toBeLessThan(1100);
    expect(keyMessageNote({ author: 'Ada', text: ' ', permalink })).toBe(
      `Key message from Ada: (no text) (${permalink})`,
    );
  });
});
