import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { guestToken, startChatBackend } from '../__testUtils__/chatBackend';
import { eventually } from '../__testUtils__/slackBackend';
import { ChatShell, ChatShellOptions } from './ChatShell';

jest.setTimeout(60_000);

const ALERT_SECRET = 'shell-test-alert-secret-0123';

/** A terminal: types lines into the shell and reads what it printed. */
class Terminal {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  printed = '';
  readonly done: Promise<void>;

  constructor(options: Omit<ChatShellOptions, 'input' | 'output'>) {
    this.output.on('data', chunk => {
      this.printed += chunk;
    });
    this.done = new ChatShell({
      ...options,
      input: this.input,
      output: this.output,
    }).run();
  }

  /** Waits for the prompt, and returns everything printed until then. */
  async ready(): Promise<string> {
    await eventually(() => /> $/.test(this.printed), 'the prompt');
    return this.printed;
  }

  /** Types `line` and returns what the shell printed, up to the next prompt. */
  async type(line: string): Promise<string> {
    const from = this.printed.length;
    this.input.write(`${line}\n`);
    await eventually(
      () => /> $/.test(this.printed.slice(from)),
      `the prompt after ${line}`,
    );
    return this.printed.slice(from);
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('ChatShell', () => {
  let backend: Awaited<ReturnType<typeof startChatBackend>>;

  beforeAll(async () => {
    backend = await startChatBackend({
      guest: 'user:default/ada.lovelace',
      multivac: {
        alerts: {
          integrations: [
            {
              id: 'cron',
              name: 'Cron jobs',
              vendor: 'generic',
              secrets: [ALERT_SECRET],
              defaultEntityRef: 'payments-api',
            },
          ],
        },
      },
    });
  });
  afterAll(() => backend.backend.stop());

  it('signs in as guest and runs commands in the incident it is in', async () => {
    const terminal = new Terminal({ baseUrl: backend.url });

    expect(await terminal.ready()).toBe(
      [
        `Multivac at ${backend.url}. Type "help" for the bot's commands, ":help" for the shell's.`,
        'Signed in as guest: Ada Lovelace.',
        'multivac> ',
      ].join('\n'),
    );
    expect(await terminal.type('start payments-api sev2 Checkout down')).toBe(
      'Declared INC-1 (SEV2); your next commands apply to it.\nmultivac INC-1> ',
    );
    expect(await terminal.type('sev 1')).toBe('Done.\nmultivac INC-1> ');
    expect(await terminal.type('status')).toBe(
      [
        '*INC-1: Checkout down*',
        'SEV1 | triggered | controller: Ada Lovelace',
        'Portal: http://portal.example/multivac/incidents/INC-1',
        'multivac INC-1> ',
      ].join('\n'),
    );
    expect(await terminal.type('dance')).toBe(
      "I don't know `dance`. Try `help`.\nmultivac INC-1> ",
    );
    expect(await terminal.type(':leave')).toBe('Left INC-1.\nmultivac> ');
    expect(await terminal.type('note hello')).toBe(
      '`note` needs an incident: enter one with `:use INC-3`, or start one with `start <service> [sev1-4] [title]`.\nmultivac> ',
    );
    expect(await terminal.type(':use INC-99')).toBe(
      'No incident INC-99\nmultivac> ',
    );
    expect(await terminal.type(':use INC-1')).toMatch(
      /^\*INC-1: Checkout down\*\n.*\nmultivac INC-1> $/s,
    );
    expect(await terminal.type('')).toBe('multivac INC-1> ');

    terminal.input.write(':quit\n');
    await terminal.done;
    expect(terminal.printed).toMatch(/multivac INC-1> Bye\.\n$/);
  });

  it('lists what is firing on a service or team', async () => {
    const terminal = new Terminal({
      baseUrl: backend.url,
      timeZone: 'Asia/Tokyo',
    });
    await terminal.ready();
    await request(backend.backend.server)
      .post('/api/multivac/alerts/integrations/cron')
      .set('Authorization', `Bearer ${ALERT_SECRET}`)
      .send({ summary: 'Ledger lags 40 minutes', dedupKey: 'ledger-lag' })
      .expect(202);

    await eventually(async () => {
      const answer = await terminal.type('alerts payments');
      return answer.startsWith('*1 alert firing on payments*') && answer;
    }, 'the alert in the list');
    const answer = await terminal.type('alerts payments');
    // since when, in the shell's zone (Tokyo's: no abbreviation, an offset)
    expect(answer).toMatch(
      /^\*1 alert firing on payments\*\n• \*payments-api\* — low urgency, 1 alert \(http:\/\/portal\.example\/multivac\/alerts\/groups\/[^)]+\), since [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M GMT\+9: Ledger lags 40 minutes\nall alerts in Backstage \(http:\/\/portal\.example\/multivac\/alerts\?entityRef=group%3Adefault%2Fpayments\)\nmultivac> $/,
    );
    expect(await terminal.type('alerts nowhere')).toBe(
      "There is no service or team 'nowhere' in the catalog (looked for component:default/nowhere, group:default/nowhere, system:default/nowhere)\nmultivac> ",
    );
    terminal.input.end();
    await terminal.done;
  });

  it("says until when someone is on call in the shell's zone, named, and the schedule's", async () => {
    const terminal = new Terminal({
      baseUrl: backend.url,
      timeZone: 'America/New_York',
    });
    await terminal.ready();

    // New York's clock, then the schedule's (UTC), each zone named
    expect(await terminal.type('oncall payments-api')).toMatch(
      /^\*On call for payments-api\* \(Payments primary, builtin\):\nLevel 1: Grace Hopper until [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M E[SD]T \(([A-Z][a-z]{2} \d{1,2}, \d{4}, )?\d{1,2}:\d\d [AP]M UTC schedule time\)\nmultivac> $/,
    );
    terminal.input.end();
    await terminal.done;
  });

  it('explains its own commands, and ends with Ctrl-D', async () => {
    const terminal = new Terminal({ baseUrl: backend.url });
    await terminal.ready();

    expect(await terminal.type(':help')).toContain(
      ':use INC-3   enter an incident',
    );
    expect(await terminal.type(':use')).toBe('Usage: :use INC-3\nmultivac> ');
    expect(await terminal.type(':dance')).toBe(
      'Unknown shell command :dance. Try :help.\nmultivac> ',
    );
    expect(await terminal.type('help')).toContain(
      '• `sev <1-4>` — change the severity',
    );

    terminal.input.end();
    await terminal.done;
    expect(terminal.printed).toMatch(/Bye\.\n$/);
  });

  it('signs in again as guest when the token is about to expire', async () => {
    let clock = Date.now();
    const signIns: string[] = [];
    const terminal = new Terminal({
      baseUrl: backend.url,
      now: () => clock,
      fetch: (url, init) => {
        if (String(url).endsWith('/api/auth/guest/refresh')) {
          signIns.push(String(url));
        }
        return fetch(url, init);
      },
    });
    await terminal.ready();
    await terminal.type('help');
    expect(signIns).toHaveLength(1);

    clock += 2 * 60 * 60 * 1000;
    expect(await terminal.type('help')).toContain('What I can do');

    expect(signIns).toHaveLength(2);
    terminal.input.end();
    await terminal.done;
  });

  it('uses MULTIVAC_TOKEN when set, and says when it is refused', async () => {
    const token = await guestToken(backend.backend.server);
    const withToken = new Terminal({ baseUrl: backend.url, token });
    const withBadToken = new Terminal({ baseUrl: backend.url, token: 'nope' });

    expect(await withToken.ready()).toContain(
      'Using MULTIVAC_TOKEN: signed in as Ada Lovelace.',
    );
    expect(await withToken.type('help')).toContain('What I can do');
    await withBadToken.ready();
    expect(await withBadToken.type('help')).toMatch(
      /^MULTIVAC_TOKEN was refused \(.+\): it may have expired; set a fresh one\.\nmultivac> $/,
    );
    withToken.input.end();
    withBadToken.input.end();
    await Promise.all([withToken.done, withBadToken.done]);
  });
});

describe('ChatShell without a backend to talk to', () => {
  it('says when guest sign-in is not enabled', async () => {
    const { backend, url } = await startChatBackend({ guest: false });
    try {
      const terminal = new Terminal({ baseUrl: url });

      expect(await terminal.ready()).toContain(
        `Guest sign-in is not enabled on ${url}: set MULTIVAC_TOKEN to your Backstage token.\nmultivac> `,
      );
      expect(await terminal.type('help')).toBe(
        `Guest sign-in is not enabled on ${url}: set MULTIVAC_TOKEN to your Backstage token.\nmultivac> `,
      );
      terminal.input.end();
      await terminal.done;
    } finally {
      await backend.stop();
    }
  });

  it('asks whether the backend is running when nothing answers', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const terminal = new Terminal({ baseUrl: `${url}/` });
    const down = `Cannot reach Multivac at ${url}. Is \`npm start\` running?`;

    expect(await terminal.ready()).toContain(`${down}\nmultivac> `);
    expect(await terminal.type('help')).toBe(`${down}\nmultivac> `);
    expect(await terminal.type(':use INC-1')).toBe(`${down}\nmultivac> `);
    terminal.input.end();
    await terminal.done;
  });
});
