import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  FakeSlack,
  FakeSlackMessage,
  FAKE_BOT_USER_ID,
  startFakeSlack,
} from './__testUtils__/fakeSlack';
import { eventually, startSlackBackend } from './__testUtils__/slackBackend';
import {
  blockActions,
  eventCallback,
  pinAdded,
  reactionAdded,
  reportModalValues,
  slashCommand,
} from './__testUtils__/slackPayloads';
import { ACTIONS } from './messages';
import { sharedMultivacDatabase } from './__testUtils__/sharedMultivacDatabase';

jest.setTimeout(120_000);

const ADA = 'U0ADA';
const GRACE = 'U0GRACE';
const KEN = 'U0KEN';

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

const user = (
  name: string,
  displayName: string,
  annotations?: Record<string, string>,
) =>
  entity('User', name, {
    annotations,
    spec: { profile: { displayName, email: `${name}@nimbus.example` } },
  });

function catalog(teamChannel: string): Entity[] {
  return [
    entity('Group', 'payments', {
      annotations: {
        'multivac.io/oncall-schedule': 'payments-primary',
        'slack.com/channel': teamChannel,
      },
      relations: [
        { type: 'hasMember', targetRef: 'user:default/ada.lovelace' },
        { type: 'hasMember', targetRef: 'user:default/grace.hopper' },
      ],
    }),
    entity('Component', 'payments-api', {
      relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
    }),
    // Ada is found by annotation, Grace and Ken by email.
    user('ada.lovelace', 'Ada Lovelace', { 'slack.com/user-id': ADA }),
    user('grace.hopper', 'Grace Hopper', {
      'multivac.io/phone': '+49 30 2002',
    }),
    user('ken.thompson', 'Ken Thompson'),
  ];
}

const schedules = [
  {
    id: 'payments-primary',
    name: 'Payments primary',
    timeZone: 'Europe/Berlin',
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

function buttonValue(message: FakeSlackMessage, actionId: string): string {
  const text = JSON.stringify(message.blocks);
  const match = new RegExp(
    `"action_id":"${actionId.replace(/\./g, '\\.')}","value":"([^"]+)"`,
  ).exec(text);
  if (!match) {
    throw new Error(`No ${actionId} button in ${text}`);
  }
  return match[1];
}

describe('the Slack incident workflow, end to end', () => {
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
        { id: 'U0STRANGER', name: 'stranger', email: 'who@elsewhere.example' },
      ],
      channels: [
        { name: 'triage', members: [FAKE_BOT_USER_ID, ADA, GRACE, KEN] },
        { name: 'team-payments', members: [GRACE] },
      ],
    });
  });
  afterEach(() => fake.close());

  it('runs report → triage → acknowledge → start → commands → resolve → archive', async () => {
    const triage = fake.channel('triage')!.id;
    const team = fake.channel('team-payments')!.id;
    const { backend, slack } = await startSlackBackend({
      fake,
      entities: catalog(team),
      deniedUsers: ['user:default/ken.thompson'],
      multivac: {
        onCall: { schedules },
        slack: { triageChannel: triage, archiveAfterMinutes: 0 },
      },
    });
    try {
      // 1. /multivac report opens the triage form
      const opened = await slack.command(
        slashCommand({
          text: 'report',
          user_id: ADA,
          channel_id: triage,
          trigger_id: fake.newTriggerId(ADA),
        }),
      );
      expect(opened.status).toBe(200);
      const modal = await eventually(() => fake.views()[0], 'the report modal');
      expect(modal.view.callback_id).toBe('multivac.report');

      // 2. an invalid submission is answered with errors under the inputs
      const submit = (state: object, triggerId: string) =>
        slack.interaction({
          type: 'view_submission',
          user: { id: ADA, username: 'ada.lovelace' },
          trigger_id: triggerId,
          view: {
            id: modal.id,
            hash: modal.hash,
            callback_id: 'multivac.report',
            state: { values: state },
          },
        });
      const invalid = await submit(
        reportModalValues({
          title: { title: { type: 'plain_text_input', value: '' } },
        }),
        'T-invalid',
      );
      expect(invalid.status).toBe(200);
      expect(invalid.body).toMatchObject({
        response_action: 'errors',
        errors: { title: expect.any(String) },
      });
      // the entity is checked in the catalog while Slack waits
      const unknownEntity = await submit(
        reportModalValues({
          entity: {
            entity: { type: 'plain_text_input', value: 'payments-apx' },
          },
        }),
        'T-unknown-entity',
      );
      expect(unknownEntity.body).toEqual({
        response_action: 'errors',
        errors: {
          entity:
            'There is no component:default/payments-apx in the catalog: check the spelling',
        },
      });
      const accepted = await submit(reportModalValues(), 'T-valid');
      expect(accepted.body).toEqual({ response_action: 'clear' });

      // 3. the triage channel tags the reporter and names the on-caller with phone
      const triagePost = await eventually(
        () =>
          fake.messages(triage).find(m => allText(m).includes('Acknowledge')),
        'the triage message with the page',
      );
      expect(allText(triagePost)).toContain(`Hi <@${ADA}>`);
      expect(allText(triagePost)).toContain(`<@${GRACE}>`);
      expect(allText(triagePost)).toContain('+49 30 2002');
      // the built-in page reaches Grace as a direct message
      const dm = await eventually(
        () => fake.channel(`dm-${GRACE}`),
        "Grace's direct message channel",
      );
      const pageMessage = await eventually(
        () => fake.messages(dm.id)[0],
        'the page in a direct message',
      );
      expect(allText(pageMessage)).toContain('You are paged');
      expect(allText(pageMessage)).toContain(ACTIONS.acknowledgeReport);

      // Ken may not act (the policy denies him): refused politely, nothing changes
      const pageId = buttonValue(triagePost, ACTIONS.acknowledgeReport);
      const click = (userId: string, actionId: string, value: string) =>
        slack.interaction(
          blockActions({
            user: { id: userId },
            trigger_id: `T-${userId}-${actionId}`,
            container: {
              type: 'message',
              message_ts: triagePost.ts,
              channel_id: triage,
            },
            channel: { id: triage },
            actions: [
              {
                type: 'button',
                action_id: actionId,
                block_id: 'actions',
                value,
                action_ts: `${Date.now()}`,
              },
            ],
          }),
        );
      expect((await click(KEN, ACTIONS.acknowledgeReport, pageId)).status).toBe(
        200,
      );
      await eventually(
        () => fake.ephemerals(triage).find(e => e.user === KEN),
        'the refusal to Ken',
      );
      expect(fake.ephemerals(triage).find(e => e.user === KEN)!.text).toContain(
        'not allowed',
      );

      // 4. Grace acknowledges, then starts the incident
      await click(GRACE, ACTIONS.acknowledgeReport, pageId);
      await eventually(
        () => allText(fake.messages(triage)[0]).includes('acknowledged by'),
        'the triage message showing the acknowledgement',
      );
      await eventually(
        () => /is acknowledged/.test(fake.messages(dm.id)[0].text ?? ''),
        'the direct message showing the acknowledgement',
      );
      await click(
        GRACE,
        ACTIONS.startIncident,
        buttonValue(fake.messages(triage)[0], ACTIONS.startIncident),
      );
      const channel = await eventually(
        () =>
          fake.channel('inc-1-card-payments-fail')?.pins.length === 1 &&
          fake.channel('inc-1-card-payments-fail'),
        'the incident channel with its pinned summary',
      );
      expect(channel.members).toEqual(expect.arrayContaining([ADA, GRACE]));
      expect(channel.topic).toBe('SEV1 | triggered | controller: Grace Hopper');
      await eventually(
        () => fake.messages(team).find(m => allText(m).includes(channel.id)),
        'the announcement in the team channel',
      );
      await eventually(
        () => allText(fake.messages(triage)[0]).includes('INC-1'),
        'the triage message linking the incident',
      );
      // the incident is announced in the report's thread, with its channel
      const announced = await eventually(
        () =>
          fake
            .messages(triage)
            .find(
              m =>
                m.thread_ts === triagePost.ts &&
                allText(m).includes(`<#${channel.id}>`),
            ),
        "the announcement in the report's thread",
      );
      expect(announced.text).toBe(
        `:rotating_light: SEV1 INC-1 declared by <@${GRACE}>: Card payments fail. Join <#${channel.id}>.`,
      );
      expect(allText(announced)).toContain(
        '<http://portal.example/multivac/incidents/INC-1|Open INC-1 in Backstage>',
      );
      expect(fake.messages(triage).filter(m => !m.thread_ts)).toHaveLength(1);

      // 5. commands typed in the channel: ✅ when run, ❓ when not understood
      let eventNumber = 0;
      const say = (userId: string, text: string, type = 'message') => {
        eventNumber++;
        const ts = `1700000000.${String(eventNumber).padStart(6, '0')}`;
        return slack
          .event(
            eventCallback(
              { type, user: userId, text, ts, channel: channel.id },
              { event_id: `Ev${eventNumber}` },
            ),
          )
          .then(() => ts);
      };
      const reactionOn = (ts: string, name: string) =>
        eventually(
          () =>
            fake.calls.find(
              c =>
                c.method === 'reactions.add' &&
                c.args.timestamp === ts &&
                c.args.name === name,
            ),
          `:${name}: on ${ts}`,
        );
      await reactionOn(await say(GRACE, 'sev 2'), 'white_check_mark');
      await eventually(
        () => fake.channel(channel.id)!.topic.startsWith('SEV2 |'),
        'the topic following the severity',
      );
      await reactionOn(
        await say(ADA, 'note failover to the standby started'),
        'white_check_mark',
      );
      await eventually(
        () =>
          fake.messages(channel.id).find(m => allText(m).includes('failover')),
        'the note in the channel',
      );
      await reactionOn(
        await say(ADA, `<@${FAKE_BOT_USER_ID}> dance`, 'app_mention'),
        'question',
      );
      await eventually(
        () =>
          fake
            .ephemerals(channel.id)
            .find(e => e.user === ADA && /help/.test(e.text ?? '')),
        'the hint after an unknown command',
      );
      // plain conversation is left alone
      await say(ADA, 'I think the database is fine');

      // key messages: marked with :pushpin: or pinned, in the timeline once
      const mark = (event: Record<string, unknown>) => {
        eventNumber++;
        return slack.event(
          eventCallback(event, { event_id: `Ev${eventNumber}` }),
        );
      };
      const memos = (text: string) =>
        fake
          .messages(channel.id)
          .filter(m => m.text?.startsWith(':memo:') && m.text.includes(text));
      const rollback = fake.postAs(
        GRACE,
        channel.id,
        'Rolling back to v41 <now> & watching',
      );
      const rollbackLink = `https://fake.slack.com/archives/${
        channel.id
      }/p${rollback.replace('.', '')}`;
      await mark(
        reactionAdded({
          user: ADA,
          item_user: GRACE,
          item: { type: 'message', channel: channel.id, ts: rollback },
        }),
      );
      const [recorded] = await eventually(
        () => memos('Rolling back').length > 0 && memos('Rolling back'),
        'the key message in the timeline',
      );
      expect(recorded.text).toBe(
        `:memo: Ada Lovelace: Key message from Grace Hopper: Rolling back to v41 &lt;now&gt; &amp; watching (${rollbackLink})`,
      );
      const pinned = (ts: string, userId: string) =>
        pinAdded({
          user: userId,
          channel_id: channel.id,
          item: {
            type: 'message',
            channel: channel.id,
            created_by: userId,
            message: { type: 'message', ts, text: '...' },
          },
        });
      // the same message pinned and marked again, the bot's summary pinned,
      // another emoji: nothing more is recorded
      await mark(pinned(rollback, GRACE));
      await mark(
        reactionAdded({
          user: GRACE,
          item: { type: 'message', channel: channel.id, ts: rollback },
        }),
      );
      await mark(pinned(channel.pins[0], FAKE_BOT_USER_ID));
      const other = fake.postAs(ADA, channel.id, 'Is the standby healthy?');
      await mark(
        reactionAdded({
          user: GRACE,
          reaction: 'eyes',
          item: { type: 'message', channel: channel.id, ts: other },
        }),
      );
      // a reply in a thread, marked by someone the catalog does not know
      const reply = fake.postAs(GRACE, channel.id, 'standby is healthy', other);
      await mark(
        reactionAdded({
          user: 'U0STRANGER',
          item: { type: 'message', channel: channel.id, ts: reply },
        }),
      );
      const [byStranger] = await eventually(
        () =>
          memos('standby is healthy').length > 0 && memos('standby is healthy'),
        'the thread reply in the timeline',
      );
      expect(byStranger.text).toContain(
        ':memo: Slack: Key message from Grace Hopper, marked by stranger: standby is healthy (',
      );
      // Ken may not update incidents: told so, nothing recorded
      await mark(
        reactionAdded({
          user: KEN,
          item: { type: 'message', channel: channel.id, ts: other },
        }),
      );
      await eventually(
        () =>
          fake
            .callsTo('chat.postEphemeral')
            .find(
              c =>
                c.args.user === KEN && /not allowed/.test(String(c.args.text)),
            ),
        "the refusal of Ken's key message",
      );
      await new Promise(resolve => setTimeout(resolve, 1000));
      expect(memos('Key message')).toHaveLength(2);
      expect(fake.callsTo('conversations.replies')).toHaveLength(1);

      // 6. resolve: duration in words, archive, post-mortem prompt
      await reactionOn(await say(GRACE, 'resolve'), 'white_check_mark');
      const resolved = await eventually(
        () => fake.messages(channel.id).find(m => /took \d/.test(allText(m))),
        'the resolution message',
      );
      expect(allText(resolved)).toMatch(/It took [\d.]+ seconds?/);
      expect(allText(resolved)).toContain(ACTIONS.writePostmortem);
      await eventually(
        () => fake.channel(channel.id)!.is_archived,
        'the archived channel',
      );

      // 7. the post-mortem button creates it, answers with its link, and the
      // triage channel hears of it (the incident channel is archived)
      const incidentId = buttonValue(resolved, ACTIONS.writePostmortem);
      await click(ADA, ACTIONS.writePostmortem, incidentId);
      const created = await eventually(
        () =>
          fake
            .ephemerals(triage)
            .find(e => e.user === ADA && /^Created/.test(e.text ?? '')),
        'the post-mortem link for Ada',
      );
      const pmLink =
        '<http://portal.example/multivac/postmortems/PM-1|PM-1: Post-mortem: Card payments fail>';
      expect(created.text).toContain(pmLink);
      const pmAnnouncement = await eventually(
        () => fake.messages(triage).find(m => m.text?.startsWith('📝')),
        'the post-mortem announcement',
      );
      expect(pmAnnouncement.text).toMatch(
        /^📝 The post-mortem of INC-1 is ready to write: .+\. Owner: <@U\w+>, due \d{4}-\d{2}-\d{2}\.$/,
      );
      expect(pmAnnouncement.text).toContain(pmLink);
      await click(GRACE, ACTIONS.writePostmortem, incidentId);
      await eventually(
        () =>
          fake
            .ephemerals(triage)
            .find(e => e.user === GRACE && /already has/.test(e.text ?? '')),
        'the existing post-mortem for a second click',
      );
      expect(
        fake.messages(triage).filter(m => m.text?.startsWith('📝')),
      ).toHaveLength(1);
      expect(
        fake.calls.filter(
          c =>
            c.method === 'reactions.add' &&
            c.args.timestamp === '1700000000.000004',
        ),
      ).toHaveLength(0);
    } finally {
      await backend.stop();
    }
  });

  it('has the effect of a duplicated event once, and refuses users it cannot map', async () => {
    const triage = fake.channel('triage')!.id;
    const { backend, slack } = await startSlackBackend({
      fake,
      entities: catalog(fake.channel('team-payments')!.id),
      multivac: { onCall: { schedules } },
    });
    try {
      const start = slashCommand({
        text: 'start payments-api sev2 checkout down',
        user_id: ADA,
        channel_id: triage,
        trigger_id: 'T-start-1',
      });
      expect((await slack.command(start)).status).toBe(200);
      expect((await slack.command(start)).status).toBe(200);
      await eventually(
        () => fake.channel('inc-1-checkout-down')?.pins.length === 1,
        'the incident channel',
      );
      await new Promise(resolve => setTimeout(resolve, 1000));
      expect(fake.callsTo('conversations.create')).toHaveLength(1);

      await slack.command(
        slashCommand({
          text: 'help',
          user_id: 'U0STRANGER',
          channel_id: triage,
          trigger_id: 'T-x',
        }),
      );
      await eventually(
        () =>
          fake
            .callsTo('chat.postEphemeral')
            .find(
              c =>
                c.args.user === 'U0STRANGER' &&
                /catalog/.test(String(c.args.text)),
            ),
        'the polite refusal',
      );
    } finally {
      await backend.stop();
    }
  });

  it('announces an incident in the triage channel once, and tells people what to fix when Slack refuses', async () => {
    const triage = fake.channel('triage')!.id;
    const { backend, slack } = await startSlackBackend({
      fake,
      entities: catalog(fake.channel('team-payments')!.id),
      multivac: {
        onCall: { schedules },
        jobs: {
          pollIntervalSeconds: 0.1,
          initialBackoffSeconds: 0.2,
          maxBackoffSeconds: 0.4,
        },
        slack: { triageChannel: triage },
      },
    });
    try {
      // The app was installed without the scope to create channels, and
      // Slack has a passing hiccup when the triage message is updated.
      fake.missingScope('conversations.create', 'channels:manage');
      fake.failNext('chat.update', 'fatal_error');
      await slack.command(
        slashCommand({
          text: 'start payments-api sev2 checkout down',
          user_id: ADA,
          channel_id: triage,
          trigger_id: 'T-start-problem',
        }),
      );

      const problem =
        'I could not create the channel for INC-1: Slack says the app lacks the `channels:manage` scope. ' +
        "Add it in the app's OAuth settings (OAuth & Permissions, Bot Token Scopes) and reinstall the app; I will retry.";
      const dm = await eventually(
        () => fake.channel(`dm-${ADA}`),
        "the controller's direct messages",
      );
      await eventually(
        () => fake.messages(dm.id).find(m => m.text === problem),
        'the problem told to the controller',
      );
      await eventually(
        () => fake.messages(triage).find(m => m.text === problem),
        'the problem told in the triage channel',
      );
      const announcement = await eventually(
        () =>
          fake
            .messages(triage)
            .find(m => m.text?.startsWith(':rotating_light: SEV2 INC-1')),
        'the announcement in the triage channel',
      );
      expect(announcement.text).toBe(
        `:rotating_light: SEV2 INC-1 declared by <@${ADA}>: checkout down. I am opening its channel.`,
      );
      // retried with back-off, without telling again
      await eventually(
        () => fake.callsTo('conversations.create').length >= 3,
        'the retries of the channel creation',
      );
      fake.grantScope('channels:manage');
      const channel = await eventually(
        () =>
          fake.channel('inc-1-checkout-down')?.pins.length === 1 &&
          fake.channel('inc-1-checkout-down'),
        'the incident channel, once the scope is there',
      );
      await eventually(
        () =>
          fake
            .messages(triage)
            .find(m => m.ts === announcement.ts)
            ?.text?.endsWith(`Join <#${channel.id}>.`),
        'the channel shown in the announcement',
      );
      await new Promise(resolve => setTimeout(resolve, 1000));

      expect(
        fake
          .callsTo('chat.update')
          .filter(c => c.response.error === 'fatal_error'),
      ).toHaveLength(1);
      const told = [...fake.messages(dm.id), ...fake.messages(triage)];
      expect(told.filter(m => m.text === problem)).toHaveLength(2);
      expect(
        told.filter(m => /fatal_error|I could not/.test(m.text ?? '')),
      ).toHaveLength(2);
      expect(
        fake
          .messages(triage)
          .filter(m => m.text?.startsWith(':rotating_light:')),
      ).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });

  const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
  const describeOnPostgres =
    process.env[POSTGRES_ENV] || process.env.CI ? describe : describe.skip;

  describeOnPostgres('on PostgreSQL', () => {
    const databases = TestDatabases.create({
      ids: ['POSTGRES_15'],
      disableDocker: true,
    });

    it('opens one channel when two backends sharing one PostgreSQL receive the same command', async () => {
      const shared = await databases.init('POSTGRES_15');
      // The multivac plugin of both replicas on one PostgreSQL database.
      const database = sharedMultivacDatabase(shared);
      const replicas = [];
      for (let i = 0; i < 2; i++) {
        replicas.push(
          await startSlackBackend({
            fake,
            entities: catalog(fake.channel('team-payments')!.id),
            multivac: { onCall: { schedules } },
            features: [database],
          }),
        );
      }
      try {
        const start = slashCommand({
          text: 'start payments-api sev1 ledger is down',
          user_id: ADA,
          channel_id: fake.channel('triage')!.id,
          trigger_id: 'T-start-on-both',
        });
        const answers = await Promise.all(
          replicas.map(({ slack }) => slack.command(start)),
        );
        expect(answers.map(a => a.status)).toEqual([200, 200]);
        await eventually(
          () => fake.channel('inc-1-ledger-is-down')?.pins.length === 1,
          'the incident channel',
        );
        await new Promise(resolve => setTimeout(resolve, 1500));
        expect(fake.callsTo('conversations.create')).toHaveLength(1);
        expect(
          await shared('multivac_incidents').count({ count: '*' }),
        ).toEqual([{ count: '1' }]);
      } finally {
        await Promise.all(replicas.map(({ backend }) => backend.stop()));
      }
    });
  });
});
