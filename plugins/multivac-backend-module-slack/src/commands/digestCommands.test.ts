import request from 'supertest';
import { guestToken, startChatBackend } from '../__testUtils__/chatBackend';

jest.setTimeout(60_000);

type Backend = Awaited<ReturnType<typeof startChatBackend>>['backend'];

function chat(backend: Backend, token: string, text: string) {
  return request(backend.server)
    .post('/api/multivac/chat')
    .set('Authorization', `Bearer ${token}`)
    .send({ text });
}

describe('the digest command (shell and Slack share it)', () => {
  it("answers the last 24 hours, of everyone or one team, with tonight's on-call", async () => {
    const { backend } = await startChatBackend({
      guest: 'user:default/ada.lovelace',
    });
    try {
      const token = await guestToken(backend.server);
      // SEV4 pages nobody when declared.
      const start = await chat(
        backend,
        token,
        'start payments-api sev4 Ledger lags',
      );
      expect(start.body.outcome).toBe('done');

      const all = await chat(backend, token, 'digest');
      expect(all.status).toBe(200);
      expect(all.body.outcome).toBe('done');
      const [text] = all.body.replies as string[];
      expect(text).toMatch(/^:newspaper: \*Digest\*: the last 24 hours up to /);
      const lines = text.split('\n');
      expect(lines).toContain('*Declared (1)*');
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^• INC-1 \(http:\/\/portal\.example\/multivac\/incidents\/INC-1\) SEV4 Ledger lags \(payments-api\)$/,
        ),
      );
      expect(lines).toContain('*Resolved (0)*: none');
      expect(lines).toContain('*Still open (1)*');
      expect(lines).toContain('*Reports (0)*: none');
      expect(lines).toContain('*Pages (0)*: none');
      expect(lines).toContain('*Post-mortems due (0)*: none');
      expect(lines).toContain('*Releases in the next 24 hours (0)*: none');
      expect(lines).toContain('*On call tonight*');
      // Grace holds Payments primary every day.
      expect(lines).toContain('• Payments primary: Grace Hopper');

      const team = await chat(backend, token, 'digest payments');
      expect(team.body.outcome).toBe('done');
      expect(team.body.replies[0]).toMatch(
        /^:newspaper: \*Digest for payments\*: the last 24 hours up to /,
      );
      expect(team.body.replies[0]).toContain('*Declared (1)*');

      const two = await chat(backend, token, 'digest payments storefront');
      expect(two.body).toEqual({
        outcome: 'failed',
        replies: [
          'Name one team, e.g. `digest payments`; got `payments storefront`',
        ],
      });
      const unknown = await chat(backend, token, 'digest nowhere');
      expect(unknown.body).toEqual({
        outcome: 'failed',
        replies: ['team: group:default/nowhere is not in the catalog'],
      });
    } finally {
      await backend.stop();
    }
  });

  it('needs multivac.insights.read', async () => {
    const { backend } = await startChatBackend({
      guest: 'user:default/grace.hopper',
      deniedUsers: ['user:default/grace.hopper'],
    });
    try {
      const token = await guestToken(backend.server);
      const res = await chat(backend, token, 'digest');
      expect(res.body).toEqual({
        outcome: 'failed',
        replies: [
          'Sorry, you are not allowed to multivac.insights.read (digest).',
        ],
      });
    } finally {
      await backend.stop();
    }
  });
});
