import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import {
  FakeSlack,
  FakeSlackMessage,
  FAKE_BOT_USER_ID,
  startFakeSlack,
} from './__testUtils__/fakeSlack';
import { eventually, startSlackBackend } from './__testUtils__/slackBackend';
import {
  appMention,
  blockActions,
  eventCallback,
  slashCommand,
} from './__testUtils__/slackPayloads';
import { ACTIONS } from './messages';

jest.setTimeout(120_000);

const ADA = 'U0ADA';
const GRACE = 'U0GRACE';
const KEN = 'U0KEN';
const SECRET = 'alert-flow-secret-0123456789';
const SCRIPT_TOKEN = 'alert-flow-static-token';

function entity(
  kind: string,
  name: string,
  extra: {
    annotations?: Record<string, string>;
    spec?: object;
    relations?: Entity['relations'];
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations: extra.annotations },
    spec: extra.spec ?? {},
    relations: extra.relations,
  };
}

const user = (name: string, annotations: Record<string, string> = {}) =>
  entity('User', name, {
    annotations,
    spec: { profile: { displayName: name, email: `${name}@nimbus.example` } },
  });

const catalog = (teamChannel: string): Entity[] => [
  entity('Group', 'payments', {
    annotations: {
      'multivac.io/oncall-schedule': 'payments-primary',
      'slack.com/channel': teamChannel,
    },
  }),
  entity('Component', 'payments-api', {
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  }),
  entity('Component', 'ledger', {
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  }),
  user('ada.lovelace', { 'slack.com/user-id': ADA }),
  user('grace.hopper'),
  user('ken.thompson'),
];

const schedules = [
  {
    id: 'payments-primary',
    name: 'Payments primary',
    timeZone: 'UTC',
    layers: [
      {
        name: 'always grace',
        members: ['user:default/grace.hopper'],
        rotation: { type: 'daily' },
        start: '2026-01-01',
      },
    ],
    escalation: [{ timeoutMinutes: 10, targets: [{ type: 'schedule' }] }],
  },
];

const allText = (message: FakeSlackMessage) =>
  `${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}`;

/** The `value`s of the message's buttons, by `action_id`. */
function buttons(message: FakeSlackMessage): Record<string, string> {
  const found: Record<string, string> = {};
  for (const block of (message.blocks ?? []) as any[]) {
    for (const element of block.type === 'actions' ? block.elements : []) {
      found[element.action_id] = element.value;
    }
  }
  return found;
}

/** The backend with the Slack module, a generic integration and a schedule. */
function startAlertsBackend(fake: FakeSlack, team: string) {
  return startSlackBackend({
    fake,
    entities: catalog(team),
    deniedUsers: ['user:default/ken.thompson'],
    // Ada may start incidents, but not acknowledge this page.
    deniedPermissions: {
      'user:default/ada.lovelace': ['multivac.page.acknowledge'],
    },
    multivac: {
      jobs: { pollIntervalSeconds: 0.1, initialBackoffSeconds: 0.1 },
      onCall: { schedules },
      alerts: {
        integrations: [
          {
            id: 'cron',
            name: 'Cron jobs',
            vendor: 'generic',
            secrets: [SECRET],
            defaultEntityRef: 'payments-api',
          },
        ],
      },
      slack: {},
    },
    config: {
      backend: {
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: SCRIPT_TOKEN, subject: 'ci' },
            },
          ],
        },
      },
    },
  });
}

describe('alerts in Slack, end to end', () => {
  let fake: FakeSlack;

  beforeEach(async () => {
    fake = await startFakeSlack({
      users: [
        { id: ADA, name: 'ada.lovelace', email: 'ada.lovelace@nimbus.example' },
        {
          id: GRACE,
          name: 'grace.hopper',
          email: 'grace.hopper@nimbus.example',
        },
        { id: KEN, name: 'ken.thompson', email: 'ken.thompson@nimbus.example' },
      ],
      // The bot is not in the team channel yet: it joins to post.
      channels: [{ name: 'team-payments', members: [ADA, GRACE, KEN] }],
    });
  });
  afterEach(() => fake.close());

  it('posts a paging alert group to the team, lists alerts on command, and acts on its buttons', async () => {
    const team = fake.channel('team-payments')!.id;
    const { backend, slack } = await startAlertsBackend(fake, team);
    const deliver = (alerts: object[]) =>
      request(backend.server)
        .post('/api/multivac/alerts/integrations/cron')
        .set('Authorization', `Bearer ${SECRET}`)
        .send({ alerts })
        .expect(202);
    try {
      const alerts = [
        {
          summary: 'payments-api answers 12% with 5xx',
          dedupKey: 'payments-5xx',
          severity: 'critical',
          links: ['https://grafana.example.com/d/payments'],
        },
        {
          summary: 'payments-api p99 latency above 2 s',
          dedupKey: 'payments-latency',
          severity: 'critical',
          links: ['file:///etc/passwd'],
        },
        {
          summary: 'Ledger reconciliation is behind',
          dedupKey: 'ledger-lag',
          severity: 'warning',
          entityRef: 'component:default/ledger',
        },
      ];
      await deliver(alerts);

      // 1. The high-urgency group is posted once, in the owner's channel.
      const post = await eventually(
        () => fake.messages(team).find(m => m.user === FAKE_BOT_USER_ID),
        'the alert group in the team channel',
      );
      const text = allText(post);
      expect(text).toContain('firing on payments-api');
      expect(text).toContain('payments-api answers 12% with 5xx (critical)');
      expect(text).toContain('payments-api p99 latency above 2 s (critical)');
      expect(text).toContain('component:default/payments-api');
      expect(text).toContain('High: pages the on-call');
      expect(text).toContain('<https://grafana.example.com/d/payments|');
      expect(text).not.toContain('file:');
      const groupId = buttons(post)[ACTIONS.acknowledgeAlertGroup];
      expect(buttons(post)).toEqual({
        [ACTIONS.acknowledgeAlertGroup]: groupId,
        [ACTIONS.startAlertIncident]: groupId,
      });
      expect(text).toContain(
        `http://portal.example/multivac/alerts/groups/${groupId}`,
      );
      // The low-urgency ledger alert is listed, not posted.
      expect(text).not.toContain('Ledger');

      // 2. `alerts` as a slash command and as a mention
      await slack
        .command(
          slashCommand({
            text: 'alerts payments',
            user_id: ADA,
            channel_id: team,
            trigger_id: 'T-alerts-1',
          }),
        )
        .expect(200);
      const listed = await eventually(
        () => fake.ephemerals(team).find(e => e.user === ADA),
        'the list of firing alerts',
      );
      expect(listed.text).toContain('*3 alerts firing on payments*');
      expect(listed.text).toMatch(
        /• \*payments-api\* — high urgency, <[^|]+\|2 alerts>, since .*: payments-api /,
      );
      expect(listed.text).toContain(
        '• *ledger* — low urgency, <http://portal.example/multivac/alerts/groups/',
      );
      expect(listed.text).toContain(
        '<http://portal.example/multivac/alerts?entityRef=group%3Adefault%2Fpayments|all alerts in Backstage>',
      );

      await slack
        .event(
          eventCallback(
            appMention({
              user: GRACE,
              channel: team,
              text: `<@${FAKE_BOT_USER_ID}> alerts payments-apx`,
              ts: '1700000000.000100',
            }),
            { event_id: 'Ev-alerts-unknown' },
          ),
        )
        .expect(200);
      const unknown = await eventually(
        () => fake.ephemerals(team).find(e => e.user === GRACE),
        'the answer about an unknown service',
      );
      expect(unknown.text).toBe(
        "There is no service or team 'payments-apx' in the catalog (looked for component:default/payments-apx, group:default/payments-apx, system:default/payments-apx)",
      );

      // 3. The post names who is paged, once the page is out.
      await eventually(async () => {
        const res = await request(backend.server)
          .get(`/api/multivac/alerts/groups/${groupId}`)
          .set('Authorization', `Bearer ${SCRIPT_TOKEN}`);
        return res.body.pageId;
      }, 'the group paging the on-call');
      await eventually(
        () =>
          allText(fake.messages(team)[0]).includes(
            `Paged <@${GRACE}>, not acknowledged yet.`,
          ),
        'the post naming who is paged',
      );

      // 4. Buttons: Ken may not act; Grace acknowledges; Ada starts the incident.
      const click = (userId: string, actionId: string) =>
        slack
          .interaction(
            blockActions({
              user: { id: userId },
              trigger_id: `T-${userId}-${actionId}`,
              container: {
                type: 'message',
                message_ts: post.ts,
                channel_id: team,
              },
              channel: { id: team },
              actions: [
                {
                  type: 'button',
                  action_id: actionId,
                  block_id: 'actions',
                  value: groupId,
                  action_ts: `${Date.now()}`,
                },
              ],
            }),
          )
          .expect(200);
      const updates = fake.callsTo('chat.update').length;
      await click(KEN, ACTIONS.startAlertIncident);
      const refusal = await eventually(
        () => fake.ephemerals(team).find(e => e.user === KEN),
        'the refusal to Ken',
      );
      expect(refusal.text).toBe(
        'Sorry, you are not allowed to multivac.alert.update.',
      );
      expect(fake.callsTo('chat.update')).toHaveLength(updates);
      expect(Object.keys(buttons(fake.messages(team)[0]))).toHaveLength(2);

      await click(ADA, ACTIONS.acknowledgeAlertGroup);
      const pageRefusal = await eventually(
        () =>
          fake
            .ephemerals(team)
            .find(e => e.user === ADA && e.text?.startsWith('Sorry')),
        'the refusal to Ada',
      );
      expect(pageRefusal.text).toBe(
        "Sorry, that did not work: you are not allowed to multivac.page.acknowledge on this group's page",
      );
      expect(fake.callsTo('chat.update')).toHaveLength(updates);

      await click(GRACE, ACTIONS.acknowledgeAlertGroup);
      const acknowledged = await eventually(
        () =>
          allText(fake.messages(team)[0]).includes(
            `Acknowledged by <@${GRACE}>`,
          ) && fake.messages(team)[0],
        'the post showing the acknowledgement',
      );
      expect(Object.keys(buttons(acknowledged))).toEqual([
        ACTIONS.startAlertIncident,
      ]);

      await click(ADA, ACTIONS.startAlertIncident);
      const started = await eventually(
        () =>
          allText(fake.messages(team)[0]).includes('Incident <') &&
          fake.messages(team)[0],
        'the post showing the incident',
      );
      expect(allText(started)).toContain(
        'Incident <http://portal.example/multivac/incidents/INC-1|INC-1> started.',
      );
      expect(buttons(started)).toEqual({});
      // The incident exists: it gets its channel.
      const incidentChannel = await eventually(() => {
        const created = fake
          .callsTo('conversations.create')
          .find(c => c.response.ok);
        const channel = created && fake.channel(String(created.args.name));
        return channel && channel.pins.length === 1 && channel;
      }, 'the incident channel with its pinned summary');
      expect(incidentChannel.name).toMatch(/^inc-1-payments-api/);

      // In the incident channel, `alerts` alone is about its services.
      await slack
        .event(
          eventCallback(
            {
              type: 'message',
              user: ADA,
              text: 'alerts',
              ts: '1700000002.000200',
              channel: incidentChannel.id,
            },
            { event_id: 'Ev-alerts-incident' },
          ),
        )
        .expect(200);
      const inIncident = await eventually(
        () => fake.ephemerals(incidentChannel.id).find(e => e.user === ADA),
        "the incident's alerts",
      );
      expect(inIncident.text).toMatch(
        /^\*2 alerts firing on payments-api\*\n• \*payments-api\* — high urgency/,
      );

      // 5. The same delivery again posts nothing new.
      await deliver(alerts);
      await new Promise(resolve => setTimeout(resolve, 1500));
      expect(
        fake
          .messages(team)
          .filter(
            m => m.user === FAKE_BOT_USER_ID && allText(m).includes(groupId),
          ),
      ).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });

  it('updates the post when the incident is started in the portal (REST), not from its button', async () => {
    const team = fake.channel('team-payments')!.id;
    const { backend } = await startAlertsBackend(fake, team);
    try {
      await request(backend.server)
        .post('/api/multivac/alerts/integrations/cron')
        .set('Authorization', `Bearer ${SECRET}`)
        .send({
          alerts: [
            {
              summary: 'payments-api answers 12% with 5xx',
              dedupKey: 'payments-5xx',
              severity: 'critical',
            },
          ],
        })
        .expect(202);
      const post = await eventually(
        () => fake.messages(team).find(m => m.user === FAKE_BOT_USER_ID),
        'the alert group in the team channel',
      );
      const groupId = buttons(post)[ACTIONS.startAlertIncident];
      expect(groupId).toBeDefined();
      const updates = fake.callsTo('chat.update').length;

      // As the portal's Start incident does.
      const res = await request(backend.server)
        .post(`/api/multivac/alerts/groups/${groupId}/incident`)
        .set('Authorization', `Bearer ${SCRIPT_TOKEN}`)
        .send({})
        .expect(201);
      expect(res.body.reference).toBe('INC-1');

      const updated = await eventually(
        () =>
          allText(fake.messages(team)[0]).includes('Incident <') &&
          fake.messages(team)[0],
        'the post showing the incident',
      );
      expect(updated.ts).toBe(post.ts);
      expect(allText(updated)).toContain(
        'Incident <http://portal.example/multivac/incidents/INC-1|INC-1> started.',
      );
      // No Start incident any more; Acknowledge stays while the page is open.
      expect(buttons(updated)[ACTIONS.startAlertIncident]).toBeUndefined();
      expect(fake.callsTo('chat.update').length).toBeGreaterThan(updates);
      // Still one post about the group.
      expect(
        fake
          .messages(team)
          .filter(
            m => m.user === FAKE_BOT_USER_ID && allText(m).includes(groupId),
          ),
      ).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });
});
