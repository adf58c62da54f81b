import request from 'supertest';
import {
  guestToken,
  SERVICE_TOKEN,
  startChatBackend,
} from '../__testUtils__/chatBackend';

jest.setTimeout(60_000);

type Backend = Awaited<ReturnType<typeof startChatBackend>>['backend'];

function chat(backend: Backend, token: string, body: object) {
  return request(backend.server)
    .post('/api/multivac/chat')
    .set('Authorization', `Bearer ${token}`)
    .send(body);
}

describe('POST /api/multivac/chat, without Slack config', () => {
  let backend: Backend;
  let token: string;

  beforeAll(async () => {
    ({ backend } = await startChatBackend({
      guest: 'user:default/ada.lovelace',
    }));
    token = await guestToken(backend.server);
  });
  afterAll(() => backend.stop());

  it('declares an incident with start and returns it as the one to be in', async () => {
    const res = await chat(backend, token, {
      text: 'start payments-api sev2 Checkout down',
    });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      outcome: 'done',
      replies: ['Declared INC-1 (SEV2); your next commands apply to it.'],
      incident: {
        id: expect.any(String),
        reference: 'INC-1',
        title: 'Checkout down',
        status: 'triggered',
      },
    });
    const stored = await request(backend.server)
      .get('/api/multivac/incidents/INC-1')
      .set('Authorization', `Bearer ${token}`);
    expect(stored.body).toMatchObject({
      severity: 'SEV2',
      entityRefs: ['component:default/payments-api'],
      createdBy: 'user:default/ada.lovelace',
    });
  });

  it('runs incident commands in the incident sent, and reports its status as plain text', async () => {
    const changed = await chat(backend, token, {
      text: 'sev 1',
      incident: 'INC-1',
    });
    const moved = await chat(backend, token, {
      text: 'status investigating',
      incident: 'INC-1',
    });
    const status = await chat(backend, token, {
      text: 'status',
      incident: 'INC-1',
    });

    expect(changed.body).toEqual({
      outcome: 'done',
      replies: [],
      incident: expect.objectContaining({ reference: 'INC-1' }),
    });
    expect(moved.body.incident.status).toBe('investigating');
    expect(status.body.replies).toEqual([
      [
        '*INC-1: Checkout down*',
        'SEV1 | investigating | controller: Ada Lovelace',
        'Portal: http://portal.example/multivac/incidents/INC-1',
      ].join('\n'),
    ]);
  });

  it('unescapes what people typed', async () => {
    const started = await chat(backend, token, {
      text: 'start payments-api Tom & Jerry <b>',
    });
    const status = await chat(backend, token, {
      text: 'status',
      incident: started.body.incident.reference,
    });

    expect(status.body.replies[0]).toMatch(/^\*INC-\d+: Tom & Jerry <b>\*\n/);
  });

  it('finds people by @name, name, ref or email', async () => {
    for (const handle of [
      '@grace.hopper',
      'ada.lovelace',
      'user:default/grace.hopper',
    ]) {
      const res = await chat(backend, token, {
        text: `controller ${handle}`,
        incident: 'INC-1',
      });
      expect(res.body.outcome).toBe('done');
    }
    const byEmail = await chat(backend, token, {
      text: 'controller ada.lovelace@nimbus.example',
      incident: 'INC-1',
    });
    const unknown = await chat(backend, token, {
      text: 'controller @nobody',
      incident: 'INC-1',
    });
    const incident = await request(backend.server)
      .get('/api/multivac/incidents/INC-1')
      .set('Authorization', `Bearer ${token}`);
    const timeline = await request(backend.server)
      .get('/api/multivac/incidents/INC-1/timeline')
      .set('Authorization', `Bearer ${token}`);

    expect(byEmail.body.outcome).toBe('done');
    expect(unknown.body).toMatchObject({
      outcome: 'failed',
      replies: [
        'I cannot find @nobody in the catalog, so they cannot take a role or be paged.',
      ],
    });
    expect(incident.body.roles).toContainEqual(
      expect.objectContaining({
        role: 'controller',
        userRef: 'user:default/ada.lovelace',
      }),
    );
    expect(JSON.stringify(timeline.body)).toContain(
      'user:default/grace.hopper',
    );
  });

  it('pages a person by handle, and a service by name', async () => {
    const person = await chat(backend, token, {
      text: 'page @grace.hopper',
      incident: 'INC-1',
    });
    const service = await chat(backend, token, {
      text: 'page payments-api',
      incident: 'INC-1',
    });

    expect(person.body.replies).toEqual([
      expect.stringMatching(/^Paged Grace Hopper \(/),
    ]);
    expect(service.body.replies).toEqual([
      expect.stringMatching(/^Paged Grace Hopper \(/),
    ]);
  });

  it('writes the post-mortem of a resolved incident, once', async () => {
    const started = await chat(backend, token, {
      text: 'start payments-api sev3 Slow refunds',
    });
    const incident = started.body.incident.reference;
    const early = await chat(backend, token, { text: 'postmortem', incident });
    expect(early.body).toMatchObject({
      outcome: 'failed',
      replies: [
        `${incident} is triggered: its post-mortem can be written once it is resolved`,
      ],
    });

    await chat(backend, token, { text: 'resolve', incident });
    const written = await chat(backend, token, {
      text: 'postmortem',
      incident,
    });
    const number = incident.replace('INC-', '');
    expect(written.body).toMatchObject({
      outcome: 'done',
      replies: [
        `Created PM-${number}: Post-mortem: Slow refunds (http://portal.example/multivac/postmortems/PM-${number}). The facts and the timeline are filled in; write the rest there.`,
      ],
    });
    const again = await chat(backend, token, { text: 'postmortem', incident });
    expect(again.body.replies).toEqual([
      `${incident} already has its post-mortem: PM-${number}: Post-mortem: Slow refunds (http://portal.example/multivac/postmortems/PM-${number}) (draft).`,
    ]);
  });

  it('answers help, report and incident commands outside an incident in shell words', async () => {
    const help = await chat(backend, token, { text: 'help' });
    const report = await chat(backend, token, { text: 'report' });
    const sev = await chat(backend, token, { text: 'sev 2' });

    expect(help.body.outcome).toBe('done');
    expect(help.body.replies[0]).toContain(
      '• `start <service> [sev1-4] [title]` — declare an incident',
    );
    expect(help.body.replies[0]).toContain('`:use INC-3`');
    expect(help.body.replies[0]).not.toContain('/multivac');
    expect(report.body.replies).toEqual([
      'Report a problem with the form at http://portal.example/multivac/report',
    ]);
    expect(sev.body).toEqual({
      outcome: 'failed',
      replies: [
        '`sev` needs an incident: enter one with `:use INC-3`, or start one with `start <service> [sev1-4] [title]`.',
      ],
    });
  });

  it('answers a word it does not know with the help hint', async () => {
    const res = await chat(backend, token, {
      text: 'dance <&> now',
      incident: 'INC-1',
    });

    expect(res.body).toEqual({
      outcome: 'unknown',
      replies: ["I don't know `dance`. Try `help`."],
      incident: expect.objectContaining({ reference: 'INC-1' }),
    });
  });

  it('turns command errors into replies', async () => {
    const res = await chat(backend, token, {
      text: 'status sleeping',
      incident: 'INC-1',
    });

    const usage = await chat(backend, token, {
      text: 'note',
      incident: 'INC-1',
    });

    expect(res.body.outcome).toBe('failed');
    expect(res.body.replies[0]).toMatch(/^sleeping is not a state; use one of/);
    expect(usage.body).toMatchObject({
      outcome: 'failed',
      replies: ['Usage: `note <text>`'],
    });
  });

  it('answers 404 for an incident that does not exist', async () => {
    const res = await chat(backend, token, {
      text: 'status',
      incident: 'INC-99',
    });

    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('No incident INC-99');
  });

  it.each([
    [{}, 'Invalid chat message: text: type a command, e.g. help'],
    [{ text: '   ' }, 'Invalid chat message: text: type a command, e.g. help'],
    [
      { text: 42 },
      'Invalid chat message: text: Expected string, received number',
    ],
    [
      { text: 'x'.repeat(4001) },
      'Invalid chat message: text: String must contain at most 4000 character(s)',
    ],
    [
      { text: 'status', incident: '' },
      'Invalid chat message: incident: String must contain at least 1 character(s)',
    ],
    [
      { text: 'help', timeZone: 'Mars/Olympus_Mons' },
      'Invalid chat message: timeZone: unknown time zone "Mars/Olympus_Mons", e.g. Europe/Berlin',
    ],
  ])('answers 400 for %j', async (body, message) => {
    const res = await chat(backend, token, body);

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ name: 'InputError', message });
  });

  it('answers 401 without a token', async () => {
    const res = await request(backend.server)
      .post('/api/multivac/chat')
      .send({ text: 'help' });

    expect(res.status).toBe(401);
  });

  it('answers 403 to a service token: commands run as a user', async () => {
    const res = await chat(backend, SERVICE_TOKEN, { text: 'help' });

    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'The chat route runs commands as a signed-in Backstage user; send a user token, not a service token',
    );
  });

  it('says who the signed-in user is by display name (GET /chat/me)', async () => {
    const me = (bearer?: string) => {
      const req = request(backend.server).get('/api/multivac/chat/me');
      return bearer ? req.set('Authorization', `Bearer ${bearer}`) : req;
    };

    const res = await me(token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      userRef: 'user:default/ada.lovelace',
      name: 'Ada Lovelace',
    });
    expect((await me()).status).toBe(401);
    expect((await me(SERVICE_TOKEN)).status).toBe(403);
  });
});

describe('POST /api/multivac/chat for users the bot may not act for', () => {
  it('refuses what the policy denies the user', async () => {
    const { backend } = await startChatBackend({
      guest: 'user:default/grace.hopper',
      deniedUsers: ['user:default/grace.hopper'],
    });
    try {
      const token = await guestToken(backend.server);

      const start = await chat(backend, token, {
        text: 'start payments-api Checkout down',
      });
      const inIncident = await chat(backend, token, {
        text: 'help',
        incident: 'INC-1',
      });

      expect(start.body).toEqual({
        outcome: 'failed',
        replies: [
          'Sorry, you are not allowed to multivac.incident.create (start).',
        ],
      });
      expect(inIncident.status).toBe(403);
      expect(inIncident.body.error.message).toBe(
        'You are not allowed to multivac.incident.read',
      );
    } finally {
      await backend.stop();
    }
  });

  it('politely refuses a user who is not in the catalog', async () => {
    const { backend } = await startChatBackend({
      guest: 'user:default/nobody',
    });
    try {
      const token = await guestToken(backend.server);

      const res = await chat(backend, token, { text: 'help' });

      expect(res.body).toEqual({
        outcome: 'failed',
        replies: [
          'Sorry, I cannot find you (user:default/nobody) in the Backstage catalog, so I cannot act for you. Ask your Backstage admins to add your User to the catalog.',
        ],
      });
      // No name to give: the ref alone.
      const me = await request(backend.server)
        .get('/api/multivac/chat/me')
        .set('Authorization', `Bearer ${token}`);
      expect(me.body).toEqual({ userRef: 'user:default/nobody' });
    } finally {
      await backend.stop();
    }
  });
});
