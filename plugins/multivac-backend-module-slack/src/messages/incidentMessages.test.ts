import { ACTIONS } from './actions';
import {
  announcement,
  declaredMessage,
  resolvedMessage,
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
