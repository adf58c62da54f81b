import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { guestToken, startChatBackend } from '../__testUtils__/chatBackend';
import { FakeSlack, startFakeSlack } from '../__testUtils__/fakeSlack';
import { eventually, startSlackBackend } from '../__testUtils__/slackBackend';
import { slashCommand } from '../__testUtils__/slackPayloads';

jest.setTimeout(120_000);

type Backend = Awaited<ReturnType<typeof startChatBackend>>['backend'];

function chat(backend: Backend, token: string, text: string) {
  return request(backend.server)
    .post('/api/multivac/chat')
    .set('Authorization', `Bearer ${token}`)
    .send({ text });
}

/** 'HH:mm' in UTC, `minutes` from now (rounded down to the minute). */
function utcTime(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString().slice(11, 16);
}

describe('the cover command (shell and Slack share it)', () => {
  it('puts the person on call for the window in the schedule zone and says who covers when', async () => {
    const { backend } = await startChatBackend({
      guest: 'user:default/ada.lovelace',
    });
    try {
      const token = await guestToken(backend.server);
      const before = await chat(backend, token, 'oncall payments-api');
      expect(before.body.replies[0]).toContain('Level 1: Grace Hopper');

      // From now for two hours, in the only schedule (UTC).
      const from = utcTime(0);
      const to = utcTime(120);
      const covered = await chat(
        backend,
        token,
        `cover @ada.lovelace ${from}-${to}`,
      );
      expect(covered.status).toBe(200);
      expect(covered.body.outcome).toBe('done');
      expect(covered.body.replies[0]).toMatch(
        new RegExp(
          `^Ada Lovelace covers \\*Payments primary\\* from \\w{3} \\d{1,2} \\w{3}, ${from} to \\w{3} \\d{1,2} \\w{3}, ${to} \\(UTC\\)\\.$`,
        ),
      );
      const during = await chat(backend, token, 'oncall payments-api');
      expect(during.body.replies[0]).toContain('Level 1: Ada Lovelace');

      // The end earlier than the start is on the next day.
      const overnight = await chat(
        backend,
        token,
        'cover @grace.hopper 18:00-09:00 payments-primary',
      );
      expect(overnight.body.outcome).toBe('done');
      const [, startDay, endDay] =
        /from (\w{3} \d{1,2} \w{3}), 18:00 to (\w{3} \d{1,2} \w{3}), 09:00 \(UTC\)/.exec(
          overnight.body.replies[0],
        )!;
      expect(startDay).not.toBe(endDay);

      const usage = await chat(backend, token, 'cover @ada.lovelace tonight');
      expect(usage.body.replies[0]).toContain(
        'Usage: `cover @person 18:00-09:00 [schedule]`',
      );
      const badTime = await chat(
        backend,
        token,
        'cover @ada.lovelace 25:00-09:00',
      );
      expect(badTime.body.replies[0]).toContain(
        "start: '25:00' is not a time like 18:00",
      );
      const nobody = await chat(backend, token, 'cover @no.one 18:00-09:00');
      expect(nobody.body.replies[0]).toContain('I cannot find @no.one');
      const noSchedule = await chat(
        backend,
        token,
        'cover @ada.lovelace 18:00-09:00 nightly',
      );
      expect(noSchedule.body.replies[0]).toContain(
        "No on-call schedule 'nightly'",
      );
    } finally {
      await backend.stop();
    }
  });
});

const ADA = 'U0ADA';
const GRACE = 'U0GRACE';

const entity = (
  kind: string,
  name: string,
  extra: Partial<Entity['metadata']> & {
    spec?: object;
    relations?: Entity['relations'];
  } = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', annotations: extra.annotations },
  spec: extra.spec ?? {},
  relations: extra.relations,
});

describe('cover in Slack', () => {
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
      ],
      channels: [{ name: 'triage', members: [ADA, GRACE] }],
    });
  });
  afterEach(() => fake.close());

  it('answers with the mention, the window and the zone; refuses without multivac.oncall.override', async () => {
    const triage = fake.channel('triage')!.id;
    const { backend, slack } = await startSlackBackend({
      fake,
      entities: [
        entity('Group', 'payments', {
          annotations: { 'multivac.io/oncall-schedule': 'payments-primary' },
        }),
        entity('User', 'ada.lovelace', {
          annotations: { 'slack.com/user-id': ADA },
          spec: {
            profile: {
              displayName: 'Ada Lovelace',
              email: 'ada.lovelace@nimbus.example',
            },
          },
        }),
        entity('User', 'grace.hopper', {
          annotations: { 'slack.com/user-id': GRACE },
          spec: {
            profile: {
              displayName: 'Grace Hopper',
              email: 'grace.hopper@nimbus.example',
            },
          },
        }),
      ],
      deniedPermissions: {
        'user:default/grace.hopper': ['multivac.oncall.override'],
      },
      multivac: {
        onCall: {
          schedules: [
            {
              id: 'payments-primary',
              name: 'Payments primary',
              timeZone: 'Europe/Berlin',
              layers: [
                {
                  name: 'always ada',
                  members: ['user:default/ada.lovelace'],
                  rotation: { type: 'daily' },
                  start: '2026-01-01',
                },
              ],
            },
          ],
        },
        slack: { triageChannel: triage },
      },
    });
    try {
      const sent = await slack.command(
        slashCommand({
          text: `cover <@${GRACE}> 18:00-09:00`,
          user_id: ADA,
          channel_id: triage,
          trigger_id: fake.newTriggerId(ADA),
        }),
      );
      expect(sent.status).toBe(200);
      const answer = await eventually(
        () =>
          fake
            .ephemerals(triage)
            .find(e => e.user === ADA && /covers/.test(e.text ?? '')),
        'the cover answer',
      );
      expect(answer.text).toMatch(
        new RegExp(
          `^<@${GRACE}> \\(Grace Hopper\\) covers \\*Payments primary\\* from \\w{3} \\d{1,2} \\w{3}, 18:00 to \\w{3} \\d{1,2} \\w{3}, 09:00 \\(Europe/Berlin\\)\\.$`,
        ),
      );

      const denied = await slack.command(
        slashCommand({
          text: `cover <@${ADA}> 18:00-09:00`,
          user_id: GRACE,
          channel_id: triage,
          trigger_id: fake.newTriggerId(GRACE),
        }),
      );
      expect(denied.status).toBe(200);
      const refused = await eventually(
        () => fake.ephemerals(triage).find(e => e.user === GRACE),
        'the refusal',
      );
      expect(refused.text).not.toMatch(/covers/);
      expect(refused.text).toMatch(/not allowed|permission/i);
    } finally {
      await backend.stop();
    }
  });
});
