import { ACTIONS } from './actions';
import {
  allText,
  buttonsOf,
  expectWithinSlackLimits,
  GRACE,
  KEN,
  page,
  report,
  SLACK_IDS,
} from './__testUtils__/fixtures';
import { triageMessage } from './triageMessage';

const options = {
  slackIds: SLACK_IDS,
  reportUrl: 'https://backstage.example.com/multivac/reports/RPT-3',
};

describe('triageMessage', () => {
  it('greets the reporter and shows the report', () => {
    const { text, blocks } = triageMessage(report(), {
      ...options,
      reporter: 'U0REPORTER',
    });

    const all = allText(blocks);
    expect(all).toContain(
      "Hi <@U0REPORTER>, I'll find the on-call person for payments-api.",
    );
    expect(all).toContain('*RPT-3: Checkout fails with a 500 error*');
    expect(all).toContain('*Severity*\nSEV2');
    expect(all).toContain('*Users affected*\n11–100 users');
    expect(all).toContain('*Where*\nOne region: eu-west-1');
    expect(all).toContain('*Customer-facing*\nYes, customers see it');
    expect(all).toContain('*Started*\n<!date^1741182600^');
    expect(all).toContain('Every card payment fails since the deploy.');
    expect(all).toContain(
      '<https://grafana.example.com/d/payments?from=now-1h&amp;to=now|',
    );
    expect(all).toContain(
      '<https://backstage.example.com/multivac/reports/RPT-3|Open RPT-3 in Backstage>',
    );
    expect(text).toBe(
      'RPT-3 SEV2 payments-api: Checkout fails with a 500 error — paging the on-call person',
    );
  });

  it('greets the reporter by Slack id from the catalog, else by name', () => {
    expect(allText(triageMessage(report(), options).blocks)).toContain(
      'Hi <@U0ADA>,',
    );
    expect(
      allText(triageMessage(report({ reportedBy: KEN }), options).blocks),
    ).toContain('Hi ken.thompson,');
  });

  it('says where a customer-scoped problem is, and that it is internal', () => {
    const all = allText(
      triageMessage(
        report({
          scope: 'customer',
          region: undefined,
          customer: 'ACME',
          customerFacing: false,
        }),
        options,
      ).blocks,
    );
    expect(all).toContain('*Where*\nA single customer: ACME');
    expect(all).toContain('*Customer-facing*\nNo, internal');
  });

  it('renders a hostile title and description harmless', () => {
    const hostile = '<!channel> & <script>';
    const { text, blocks } = triageMessage(
      report({
        title: hostile,
        description: hostile,
        severityReason: hostile,
        severity: 'SEV3',
      }),
      options,
    );

    for (const shown of [text, allText(blocks)]) {
      expect(shown).not.toContain('<!channel>');
      expect(shown).not.toContain('<script>');
      expect(shown).toContain('&lt;!channel&gt; &amp; &lt;script&gt;');
    }
  });

  it('shows a lowered severity with the rubric and the reason', () => {
    const all = allText(
      triageMessage(
        report({
          severity: 'SEV4',
          severityReason: 'only the test merchant',
        }),
        options,
      ).blocks,
    );
    expect(all).toContain("*Severity*\nSEV4, lowered from the rubric's SEV2");
    expect(all).toContain('*Why not SEV2:* only the test merchant');
  });

  it('names the paged person by mention, with phone and page status', () => {
    const all = allText(triageMessage(report(), options).blocks);
    expect(all).toContain(
      '• <@U0GRACE>, phone +49 30 1001 (level 1 of Payments primary) — paged, not acknowledged yet',
    );
  });

  it('names people without a Slack id by name, and marks fallback pages', () => {
    const fallback = page({
      id: 'page-2',
      fallback: true,
      scheduleName: 'Platform on call',
      targets: [{ userRef: KEN, name: 'Ken Thompson' }],
      status: 'acknowledged',
      acknowledgedBy: KEN,
    });
    const all = allText(
      triageMessage(
        report({ pages: [page({ status: 'resolved' }), fallback] }),
        { ...options, names: { [KEN]: 'Ken Thompson' } },
      ).blocks,
    );
    expect(all).toContain('(level 1 of Payments primary) — resolved');
    expect(all).toContain(
      '• Ken Thompson (level 1 of Platform on call (fallback schedule)) — acknowledged by Ken Thompson',
    );
  });

  it('says who acknowledged by mention when known', () => {
    const all = allText(
      triageMessage(
        report({
          pages: [page({ status: 'acknowledged', acknowledgedBy: GRACE })],
        }),
        options,
      ).blocks,
    );
    expect(all).toContain('— acknowledged by <@U0GRACE>');
  });

  it('shows where paging stands when nobody was paged', () => {
    const paging =
      'Could not page the on-call person for payments-api: timeout. No fallback schedule is configured.';
    const all = allText(
      triageMessage(report({ pages: [], paging }), options).blocks,
    );
    expect(all).toContain(`*On call*\n${paging}`);
  });

  it('offers to acknowledge the latest triggered page and to start an incident', () => {
    const { blocks } = triageMessage(
      report({
        pages: [
          page({ id: 'page-1' }),
          page({ id: 'page-2', fallback: true }),
          page({ id: 'page-3', status: 'resolved' }),
        ],
      }),
      options,
    );
    expect(buttonsOf(blocks)).toEqual([
      expect.objectContaining({
        action_id: ACTIONS.acknowledgeReport,
        value: 'page-2',
      }),
      expect.objectContaining({
        action_id: ACTIONS.startIncident,
        value: 'report-3',
        style: 'primary',
      }),
    ]);
  });

  it('drops the buttons once acknowledged and started', () => {
    const { text, blocks } = triageMessage(
      report({
        status: 'incident',
        incidentId: 'incident-7',
        incidentReference: 'INC-7',
        pages: [page({ status: 'acknowledged', acknowledgedBy: GRACE })],
      }),
      {
        ...options,
        incidentUrl: 'https://backstage.example.com/multivac/incidents/INC-7',
        incidentChannelId: 'C0INC7',
      },
    );
    expect(buttonsOf(blocks)).toEqual([]);
    expect(blocks.some(block => block.type === 'actions')).toBe(false);
    expect(allText(blocks)).toContain(
      'Started <https://backstage.example.com/multivac/incidents/INC-7|INC-7> in <#C0INC7>.',
    );
    expect(text).toMatch(/— INC-7 started$/);
  });

  it('keeps the start button only while no incident exists', () => {
    const { blocks } = triageMessage(
      report({ pages: [page({ status: 'acknowledged' })] }),
      options,
    );
    expect(buttonsOf(blocks).map(b => b.action_id)).toEqual([
      ACTIONS.startIncident,
    ]);
  });

  it("stays within Slack's limits with huge input", () => {
    const huge = '&'.repeat(20_000);
    const { blocks } = triageMessage(
      report({
        description: huge,
        severity: 'SEV4',
        severityReason: huge,
        paging: huge,
        pages: [],
        links: Array.from(
          { length: 20 },
          (_, i) => `https://example.com/${i}/${'x'.repeat(500)}`,
        ),
      }),
      options,
    );
    expectWithinSlackLimits(blocks);
    const all = allText(blocks);
    expect(all).toContain('more in the portal');
    expect(all).toContain('&amp;&amp;…');
  });

  it('stays within the limits with many pages', () => {
    const pages = Array.from({ length: 60 }, (_, i) =>
      page({ id: `page-${i}`, scheduleName: 'S'.repeat(200) }),
    );
    const { blocks } = triageMessage(report({ pages }), options);
    expectWithinSlackLimits(blocks);
    expect(allText(blocks)).toMatch(/…and \d+ more pages in the portal/);
  });
});
