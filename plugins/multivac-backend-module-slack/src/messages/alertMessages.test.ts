import { Alert, PageRecord } from '@multivac/plugin-multivac-common';
import { WorkflowAlertGroup } from '@multivac/plugin-multivac-node';
import { ACTIONS } from './actions';
import { alertGroupMessage, firingAlertsText } from './alertMessages';

const alert = (n: number, extra: Partial<Alert> = {}): Alert => ({
  id: `a${n}`,
  integrationId: 'cron',
  dedupKey: `k${n}`,
  status: 'firing',
  summary: `alert ${n}`,
  severity: 'critical',
  urgency: 'high',
  labels: {},
  links: [],
  entityRef: 'component:default/payments-api',
  groupId: 'g1',
  startsAt: '2026-12-04T10:00:00Z',
  deliveries: 1,
  createdAt: '2026-12-04T10:00:00Z',
  updatedAt: '2026-12-04T10:00:00Z',
  ...extra,
});

const group = (
  extra: Partial<WorkflowAlertGroup> = {},
): WorkflowAlertGroup => ({
  id: 'g1',
  entityRef: 'component:default/payments-api',
  status: 'firing',
  urgency: 'high',
  alertCount: 2,
  firingCount: 2,
  createdAt: '2026-12-04T10:00:00Z',
  lastAlertAt: '2026-12-04T10:01:00Z',
  alerts: [
    alert(1, {
      summary: 'errors <b> & co',
      links: ['https://grafana.example.com/d/1', 'file:///etc/passwd'],
    }),
    alert(2, { links: ['https://grafana.example.com/d/1'] }),
  ],
  ...extra,
});

const page = (extra: Partial<PageRecord> = {}) =>
  ({
    id: 'p1',
    status: 'triggered',
    targets: [{ name: 'Grace Hopper', userRef: 'user:default/grace.hopper' }],
    ...extra,
  } as PageRecord);

const options = {
  groupUrl: 'http://portal.example/multivac/alerts/groups/g1',
  slackIds: { 'user:default/grace.hopper': 'U0GRACE' },
};

const actionIds = (message: ReturnType<typeof alertGroupMessage>) =>
  message.blocks.flatMap(b =>
    b.type === 'actions' ? b.elements.map(e => (e as any).action_id) : [],
  );

describe('alertGroupMessage', () => {
  it('shows the alerts escaped, web links once, and both buttons while paging', () => {
    const message = alertGroupMessage(group({ page: page() }), options);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('2 alerts firing on payments-api');
    expect(text).toContain('errors &lt;b&gt; &amp; co (critical)');
    expect(text.match(/grafana\.example\.com\/d\/1\|/g)).toHaveLength(1);
    expect(text).not.toContain('file:');
    expect(text).toContain('Paged <@U0GRACE>, not acknowledged yet.');
    expect(actionIds(message)).toEqual([
      ACTIONS.acknowledgeAlertGroup,
      ACTIONS.startAlertIncident,
    ]);
    expect(message.text).toBe(
      'payments-api: errors &lt;b&gt; &amp; co (+1 more) — Paged <@U0GRACE>, not acknowledged yet.',
    );
  });

  it('names who acknowledged, then the incident, dropping the buttons that no longer apply', () => {
    const acknowledged = alertGroupMessage(
      group({
        page: page({
          status: 'acknowledged',
          acknowledgedBy: 'user:default/grace.hopper',
        }),
      }),
      options,
    );
    expect(JSON.stringify(acknowledged.blocks)).toContain(
      'Acknowledged by <@U0GRACE>.',
    );
    expect(actionIds(acknowledged)).toEqual([ACTIONS.startAlertIncident]);

    const started = alertGroupMessage(
      group({ incidentId: 'i1', incidentReference: 'INC-4' }),
      {
        ...options,
        incidentUrl: 'http://portal.example/multivac/incidents/INC-4',
      },
    );
    expect(JSON.stringify(started.blocks)).toContain(
      'Incident <http://portal.example/multivac/incidents/INC-4|INC-4> started.',
    );
    expect(actionIds(started)).toEqual([]);
  });
});

describe('firingAlertsText', () => {
  const urls = {
    alertsUrl: 'http://portal.example/multivac/alerts',
    groupUrl: (id: string) =>
      `http://portal.example/multivac/alerts/groups/${id}`,
  };

  it('says when nothing fires', () => {
    expect(
      firingAlertsText(
        { entityRefs: ['group:default/payments'], items: [], totalCount: 0 },
        urls,
      ),
    ).toBe('Nothing is firing on payments right now.');
  });

  it('lists groups newest first, at most five, and counts the rest with a link', () => {
    // Seven groups of one alert, one group of two, and one unrouted alert.
    const items = [
      alert(1, { groupId: 'g1' }),
      alert(2, { groupId: 'g1', summary: 'older in g1' }),
      ...[3, 4, 5, 6, 7, 8].map(n =>
        alert(n, { groupId: `g${n}`, urgency: 'low' }),
      ),
      alert(9, { groupId: undefined, entityRef: undefined }),
    ];
    const text = firingAlertsText(
      { entityRefs: [], items, totalCount: 12 },
      urls,
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('*12 alerts firing*');
    expect(
      lines.slice(1, 6).map(l => l.replace(/, since <!date[^>]*>/, '')),
    ).toEqual([
      '• *payments-api* — high urgency, <http://portal.example/multivac/alerts/groups/g1|2 alerts>: alert 1 (critical) and 1 more',
      '• *payments-api* — low urgency, <http://portal.example/multivac/alerts/groups/g3|1 alert>: alert 3 (critical)',
      '• *payments-api* — low urgency, <http://portal.example/multivac/alerts/groups/g4|1 alert>: alert 4 (critical)',
      '• *payments-api* — low urgency, <http://portal.example/multivac/alerts/groups/g5|1 alert>: alert 5 (critical)',
      '• *payments-api* — low urgency, <http://portal.example/multivac/alerts/groups/g6|1 alert>: alert 6 (critical)',
    ]);
    // 12 firing, 6 of them listed.
    expect(lines[6]).toBe(
      '…and 6 more: <http://portal.example/multivac/alerts|all alerts in Backstage>',
    );
    expect(lines).toHaveLength(7);
  });
});
