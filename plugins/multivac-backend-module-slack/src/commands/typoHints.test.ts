import request from 'supertest';
import {
  chatCatalog,
  guestToken,
  startChatBackend,
} from '../__testUtils__/chatBackend';

jest.setTimeout(60_000);

type Backend = Awaited<ReturnType<typeof startChatBackend>>['backend'];

/**
 * Typos in the chat route (the shell's, with the Slack bot's commands):
 * the core refuses an unknown service with what was probably meant, and
 * the chat says it as people talk.
 */
describe('typo hints, through the chat route', () => {
  let backend: Backend;
  let token: string;

  function chat(text: string) {
    return request(backend.server)
      .post('/api/multivac/chat')
      .set('Authorization', `Bearer ${token}`)
      .send({ text })
      .expect(200);
  }

  beforeAll(async () => {
    ({ backend } = await startChatBackend({
      guest: 'user:default/ada.lovelace',
      entities: chatCatalog,
    }));
    token = await guestToken(backend.server);
  });
  afterAll(() => backend.stop());

  it('answers an unknown service with what was probably meant', async () => {
    const typo = await chat('oncall paymnets-api');
    expect(typo.body).toMatchObject({
      outcome: 'failed',
      replies: ['No service named paymnets-api. Did you mean `payments-api`?'],
    });
    const farOff = await chat('oncall billing-engine');
    expect(farOff.body).toMatchObject({
      outcome: 'failed',
      replies: ['No service named billing-engine.'],
    });
  });

  it('answers a typo in a command with the command probably meant', async () => {
    const res = await chat('oncal payments-api');
    expect(res.body).toMatchObject({
      outcome: 'unknown',
      replies: ["I don't know `oncal`. Did you mean `oncall`? Try `help`."],
    });
  });
});
