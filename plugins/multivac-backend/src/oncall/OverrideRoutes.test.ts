import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DateTime } from 'luxon';
import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const ken = 'user:default/ken.thompson';
const base = '/api/multivac/oncall/schedules/payments-primary/overrides';

describe('Covering a shift: /oncall/schedules/:id/overrides', () => {
  it('puts the covering person on call during the window, lists it and cancels it', async () => {
    const { server } = await startBackend();
    const now = DateTime.now();
    const level1 = async (path: string) =>
      (await request(server).get(path).set(asAda)).body;
    const before = await level1('/api/multivac/oncall?entityRef=payments-api');
    const scheduled = before.levels[0].onCall[0].person.userRef;
    expect(scheduled).not.toBe(ken);

    const made = await request(server)
      .post(base)
      .set(asAda)
      .send({
        userRef: 'ken.thompson',
        start: now.minus({ hours: 1 }).toISO(),
        end: now.plus({ hours: 2 }).toISO(),
        reason: 'Swap for the concert',
      });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      scheduleId: 'payments-primary',
      userRef: ken,
      createdBy: 'user:default/ada.lovelace',
      reason: 'Swap for the concert',
      person: { name: 'Ken Thompson' },
    });

    const during = await level1('/api/multivac/oncall?entityRef=payments-api');
    expect(during.levels[0].onCall[0].person).toMatchObject({
      userRef: ken,
      name: 'Ken Thompson',
    });
    // The window's end hands back to the rotation.
    expect(during.next.person.userRef).toBe(scheduled);
    expect(DateTime.fromISO(during.next.start).toMillis()).toBe(
      DateTime.fromISO(made.body.end).toMillis(),
    );
    const card = await level1(
      '/api/multivac/oncall/card?entityRef=payments-api',
    );
    expect(card.onCall.levels[0].onCall[0].person.userRef).toBe(ken);
    // After the window: the rotation again.
    const later = await level1(
      `/api/multivac/oncall?entityRef=payments-api&at=${encodeURIComponent(
        now.plus({ hours: 3 }).toISO()!,
      )}`,
    );
    expect(later.levels[0].onCall[0].person.userRef).toBe(scheduled);
    // The schedules overview (the On call page's timeline) shows it too.
    const overview = await level1('/api/multivac/oncall/schedules?days=1');
    expect(
      overview.items.find((s: any) => s.id === 'payments-primary').onCallNow
        .person.userRef,
    ).toBe(ken);

    const listed = await request(server).get(base).set(asAda);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((o: any) => o.id)).toEqual([made.body.id]);

    const cancelled = await request(server)
      .delete(`${base}/${made.body.id}`)
      .set(asAda);
    expect(cancelled.status).toBe(204);
    const again = await request(server)
      .delete(`${base}/${made.body.id}`)
      .set(asAda);
    expect(again.status).toBe(404);
    expect((await request(server).get(base).set(asAda)).body.items).toEqual([]);
    const after = await level1('/api/multivac/oncall?entityRef=payments-api');
    expect(after.levels[0].onCall[0].person.userRef).toBe(scheduled);
  });

  it('notes a cover on the timeline of open incidents whose on-call is the schedule, and its cancellation', async () => {
    const { server } = await startBackend();
    const declare = async (entityRef: string) => {
      const res = await request(server)
        .post('/api/multivac/incidents')
        .set(asAda)
        .send({
          title: 'Card payments failing',
          severity: 'SEV4',
          entityRefs: [entityRef],
        });
      expect(res.status).toBe(201);
      return res.body.reference as string;
    };
    const payments = await declare('payments-api');
    // Its on-call is shop-247: no note.
    const ledger = await declare('ledger');
    const now = DateTime.now();
    const made = await request(server)
      .post(base)
      .set(asAda)
      .send({
        userRef: ken,
        start: now.plus({ hours: 1 }).toISO(),
        end: now.plus({ hours: 9 }).toISO(),
        reason: 'Grace is travelling',
      });
    expect(made.status).toBe(201);
    await request(server).delete(`${base}/${made.body.id}`).set(asAda);

    const notes = async (reference: string) =>
      (
        await request(server)
          .get(`/api/multivac/incidents/${reference}/timeline`)
          .set(asAda)
      ).body.items
        .filter((e: any) => e.type === 'note')
        .map((e: any) => [e.actor, e.payload.text]);
    const onPayments = await notes(payments);
    expect(onPayments).toHaveLength(2);
    expect(onPayments[0][0]).toBe('user:default/ada.lovelace');
    expect(onPayments[0][1]).toMatch(
      /^Shift cover: Ken Thompson covers \w{3} \d{1,2} \w{3} \d{2}:\d{2} – \w{3} \d{1,2} \w{3} \d{2}:\d{2} \(Europe\/Berlin\) on payments-primary: Grace is travelling$/,
    );
    expect(onPayments[1][1]).toMatch(
      /^Shift cover: cancelled: Ken Thompson covering .* on payments-primary$/,
    );
    expect(await notes(ledger)).toEqual([]);
  });

  it('refuses bad windows and people with 400 naming the field, unknown schedules with 404', async () => {
    const { server } = await startBackend();
    const now = DateTime.now();
    const post = (body: object, path = base) =>
      request(server).post(path).set(asAda).send(body);
    const window = {
      start: now.plus({ hours: 1 }).toISO(),
      end: now.plus({ hours: 5 }).toISO(),
    };

    const tooLong = await post({
      userRef: ken,
      start: window.start,
      end: now.plus({ days: 15 }).toISO(),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/end.*at most 14 days/);

    const backwards = await post({
      userRef: ken,
      start: window.end,
      end: window.start,
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toMatch(/end.*must be after start/);

    const past = await post({
      userRef: ken,
      start: now.minus({ days: 2 }).toISO(),
      end: now.minus({ days: 1 }).toISO(),
    });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toMatch(/end: .*entirely in the past/);

    const notUser = await post({
      userRef: 'group:default/payments',
      ...window,
    });
    expect(notUser.status).toBe(400);
    expect(notUser.body.error.message).toMatch(/userRef/);
    const nobody = await post({ userRef: 'no.such.person', ...window });
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.message).toMatch(/userRef/);

    const badTime = await post({
      userRef: ken,
      start: 'tonight',
      end: window.end,
    });
    expect(badTime.status).toBe(400);
    expect(badTime.body.error.message).toMatch(/start/);

    const unknown = await post(
      { userRef: ken, ...window },
      '/api/multivac/oncall/schedules/no-such-schedule/overrides',
    );
    expect(unknown.status).toBe(404);
  });

  it('needs multivac.oncall.override', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY);
    const now = DateTime.now();
    const res = await request(server)
      .post(base)
      .set(asAda)
      .send({
        userRef: ken,
        start: now.toISO(),
        end: now.plus({ hours: 1 }).toISO(),
      });
    expect(res.status).toBe(403);
  });
});
