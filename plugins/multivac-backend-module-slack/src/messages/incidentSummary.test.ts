import { ACTIONS } from './actions';
import {
  incidentSummary,
  IncidentSummaryOptions,
  incidentTopic,
} from './incidentSummary';
import {
  allText,
  buttonsOf,
  expectWithinSlackLimits,
  GRACE,
  incident,
  KEN,
  SLACK_IDS,
} from './__testUtils__/fixtures';

const options: IncidentSummaryOptions = {
  incidentUrl: 'https://backstage.example.com/multivac/incidents/INC-7',
  slackIds: SLACK_IDS,
  names: { [GRACE]: 'Grace Hopper', [KEN]: 'Ken Thompson' },
};

const withController = (userRef?: string) =>
  incident({
    roles: userRef
      ? [
          {
            role: 'controller',
            userRef,
            assignedAt: '2025-03-05T14:11:00.000Z',
          },
        ]
      : [],
  });

describe('incidentSummary', () => {
  it('shows the incident', () => {
    const { text, blocks } = incidentSummary(incident(), options);

    expect(blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: 'INC-7: Checkout fails with a 500 error',
      },
    });
    const all = allText(blocks);
    expect(all).toContain('*Severity*\nSEV2');
    expect(all).toContain('*Status*\ninvestigating');
    expect(all).toContain('*Controller*\n<@U0GRACE>');
    expect(all).toContain('*Affected*\npayments-api');
    expect(all).toContain('*Started*\n<!date^1741183800^');
    expect(all).toContain(
      '*Impact*\n11–100 users, one region (eu-west-1), customer-facing',
    );
    expect(all).not.toContain('*Summary*');
    expect(text).toBe(
      'INC-7: Checkout fails with a 500 error (SEV2, investigating)',
    );
  });

  it('names the controller by mention, display name or short ref', () => {
    const controller = (userRef?: string, names = options.names) =>
      allText(
        incidentSummary(withController(userRef), { ...options, names }).blocks,
      ).match(/\*Controller\*\n(.*)/)?.[1];

    expect(controller(GRACE)).toBe('<@U0GRACE>');
    expect(controller(KEN)).toBe('Ken Thompson');
    expect(controller(KEN, {})).toBe('ken.thompson');
    expect(controller()).toBe('nobody yet');
  });

  it('escapes what people wrote, except in the plain-text header', () => {
    const hostile = '<!channel> & <script>';
    const { text, blocks } = incidentSummary(
      incident({
        title: hostile,
        summary: hostile,
        impact: hostile,
        entityRefs: ['component:default/<!here>'],
      }),
      { ...options, names: { [GRACE]: hostile }, slackIds: {} },
    );
    const mrkdwnTexts = [text, allText(blocks.slice(1))];
    for (const shown of mrkdwnTexts) {
      expect(shown).not.toMatch(/<!channel>|<!here>|<script>/);
    }
    expect(allText(blocks)).toContain(
      '*Summary*\n&lt;!channel&gt; &amp; &lt;script&gt;',
    );
    expect(allText(blocks)).toContain('*Controller*\n&lt;!channel&gt;');
  });

  it('offers to resolve, with confirmation, while active', () => {
    const buttons = buttonsOf(incidentSummary(incident(), options).blocks);
    expect(buttons).toEqual([
      expect.objectContaining({
        text: { type: 'plain_text', text: 'Open in Backstage' },
        url: options.incidentUrl,
      }),
      expect.objectContaining({
        action_id: ACTIONS.resolveIncident,
        value: 'incident-7',
        style: 'danger',
        confirm: expect.objectContaining({
          title: { type: 'plain_text', text: 'Resolve INC-7?' },
        }),
      }),
    ]);
  });

  it('offers the post-mortem once resolved', () => {
    const buttons = buttonsOf(
      incidentSummary(incident({ status: 'resolved' }), options).blocks,
    );
    expect(buttons.map(b => b.action_id)).toEqual([
      undefined,
      ACTIONS.writePostmortem,
    ]);
    expect(buttons[1]).toMatchObject({ value: 'incident-7' });
  });

  it('offers neither for a cancelled incident', () => {
    const buttons = buttonsOf(
      incidentSummary(incident({ status: 'cancelled' }), options).blocks,
    );
    expect(buttons).toHaveLength(1);
  });

  it("stays within Slack's limits", () => {
    const huge = 'x'.repeat(20_000);
    const { blocks } = incidentSummary(
      incident({
        title: 'T'.repeat(200),
        summary: huge,
        impact: huge,
        entityRefs: Array.from(
          { length: 50 },
          (_, i) => `component:default/${'c'.repeat(250)}${i}`,
        ),
      }),
      options,
    );
    expectWithinSlackLimits(blocks);
    expect(allText(blocks)).toContain('and 45 more');
  });
});

describe('incidentTopic', () => {
  it('shows severity, status and controller', () => {
    expect(incidentTopic(incident(), 'Ada Lovelace')).toBe(
      'SEV2 | investigating | controller: Ada Lovelace',
    );
    expect(
      incidentTopic(incident({ status: 'monitoring', severity: 'SEV1' })),
    ).toBe('SEV1 | monitoring | controller: nobody yet');
  });

  it("is cut to Slack's 250 characters", () => {
    const topic = incidentTopic(incident(), 'A'.repeat(300));
    expect(topic).toHaveLength(250);
    expect(topic.startsWith('SEV2 | investigating | controller: AAA')).toBe(
      true,
    );
    expect(topic.endsWith('…')).toBe(true);
  });
});
