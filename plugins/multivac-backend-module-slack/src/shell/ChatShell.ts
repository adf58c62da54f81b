import { createInterface } from 'node:readline';
import type {
  ChatIdentity,
  ChatRequest,
  ChatResponse,
} from '../chat/ChatRouter';

/** Signs in again this long before the guest token expires. */
const REFRESH_MARGIN_MS = 60_000;

const SHELL_HELP = [
  'Type the bot\'s commands as in Slack, without /multivac (try "help").',
  '  :use INC-3   enter an incident: incident commands apply to it',
  '  :leave       leave the incident',
  '  :quit        exit (or Ctrl-D)',
  '  :help        this text',
].join('\n');

/** A failure to show the person as it is, without a stack. */
class ShellError extends Error {}

export interface ChatShellOptions {
  /** The backend, e.g. `http://localhost:7007` (`MULTIVAC_URL`). */
  baseUrl: string;
  /** A user's Backstage token (`MULTIVAC_TOKEN`); unset: guest sign-in. */
  token?: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch, for the guest token's expiry. */
  now?: () => number;
  /** The IANA zone times are shown in; by default this machine's. */
  timeZone?: string;
}

type Incident = NonNullable<ChatResponse['incident']>;

/**
 * The bot in a terminal, like Hubot's shell adapter: reads lines, sends
 * each to `POST /api/multivac/chat` as the signed-in user, prints the
 * replies, and remembers the incident the commands apply to.
 */
export class ChatShell {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private incident?: Incident;
  private guest?: { token: string; refreshAt: number };

  constructor(private readonly options: ChatShellOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  /** Runs until `:quit` or the end of the input (Ctrl-D). */
  async run(): Promise<void> {
    const { input, output } = this.options;
    const lines = createInterface({
      input,
      output,
      terminal: (output as { isTTY?: boolean }).isTTY === true,
    });
    // Made now, so that lines typed while signing in are kept.
    const typed = lines[Symbol.asyncIterator]();
    let closed = false;
    lines.on('close', () => {
      closed = true;
    });
    lines.on('SIGINT', () => lines.close());
    const prompt = () => {
      if (!closed) {
        lines.setPrompt(this.prompt());
        lines.prompt();
      }
    };

    this.print(
      `Multivac at ${this.baseUrl}. Type "help" for the bot's commands, ":help" for the shell's.`,
    );
    if (this.options.token) {
      await this.attempt(async () =>
        this.print(`Using MULTIVAC_TOKEN: signed in as ${await this.me()}.`),
      );
    } else {
      await this.attempt(async () => {
        await this.signIn();
        this.print(`Signed in as guest: ${await this.me()}.`);
      });
    }
    prompt();
    for (let line = await typed.next(); !line.done; line = await typed.next()) {
      if (!(await this.handle(line.value.trim()))) {
        break;
      }
      prompt();
    }
    lines.close();
    this.print('Bye.');
  }

  private prompt(): string {
    return this.incident
      ? `multivac ${this.incident.reference}> `
      : 'multivac> ';
  }

  /** Whether to go on reading. */
  private async handle(line: string): Promise<boolean> {
    const [word = '', ...rest] = line.split(/\s+/);
    const argument = rest.join(' ');
    switch (word) {
      case '':
        return true;
      case ':quit':
        return false;
      case ':help':
        this.print(SHELL_HELP);
        return true;
      case ':leave':
        this.print(
          this.incident
            ? `Left ${this.incident.reference}.`
            : 'You are not in an incident.',
        );
        this.incident = undefined;
        return true;
      case ':use':
        if (!argument) {
          this.print('Usage: :use INC-3');
        } else {
          // Shows the incident, and answers 404 when there is none.
          await this.attempt(() => this.send('status', argument));
        }
        return true;
      default:
        if (word.startsWith(':')) {
          this.print(`Unknown shell command ${word}. Try :help.`);
        } else {
          await this.attempt(() => this.send(line, this.incident?.reference));
        }
        return true;
    }
  }

  private async send(text: string, incident?: string): Promise<void> {
    const body: ChatRequest = {
      text,
      incident,
      timeZone:
        this.options.timeZone ??
        Intl.DateTimeFormat().resolvedOptions().timeZone,
    };
    let response = await this.post(body);
    if (response.status === 401 && !this.options.token) {
      // The backend no longer takes the guest token (e.g. new signing keys).
      this.guest = undefined;
      response = await this.post(body);
    }
    if (response.status === 401 && this.options.token) {
      throw new ShellError(
        `MULTIVAC_TOKEN was refused (${await errorMessage(
          response,
        )}): it may have expired; set a fresh one.`,
      );
    }
    if (!response.ok) {
      throw new ShellError(await errorMessage(response));
    }
    const answer: ChatResponse = await response.json();
    this.incident = answer.incident;
    if (answer.replies.length > 0) {
      this.print(answer.replies.join('\n'));
    } else if (answer.outcome === 'done') {
      this.print('Done.');
    }
  }

  private async post(body: ChatRequest): Promise<Response> {
    return this.request('/api/multivac/chat', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await this.token()}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
  }

  private async token(): Promise<string> {
    if (this.options.token) {
      return this.options.token;
    }
    if (!this.guest || this.now() >= this.guest.refreshAt) {
      await this.signIn();
    }
    return this.guest!.token;
  }

  /** Guest sign-in, as the portal's sign-in page does it. */
  private async signIn(): Promise<void> {
    const response = await this.request('/api/auth/guest/refresh', {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    if (!response.ok) {
      throw new ShellError(
        response.status === 404
          ? `Guest sign-in is not enabled on ${this.baseUrl}: set MULTIVAC_TOKEN to your Backstage token.`
          : `Guest sign-in failed (${await errorMessage(
              response,
            )}): set MULTIVAC_TOKEN to your Backstage token.`,
      );
    }
    const { backstageIdentity } = await response.json();
    this.guest = {
      token: backstageIdentity.token,
      refreshAt:
        this.now() +
        (backstageIdentity.expiresInSeconds ?? 0) * 1000 -
        REFRESH_MARGIN_MS,
    };
  }

  /**
   * The signed-in user as people read them: their display name in the
   * catalog (the ref only for a user the catalog does not have).
   */
  private async me(): Promise<string> {
    const response = await this.request('/api/multivac/chat/me', {
      headers: { Authorization: `Bearer ${await this.token()}` },
    });
    if (!response.ok) {
      throw new ShellError(
        response.status === 401 && this.options.token
          ? `MULTIVAC_TOKEN was refused (${await errorMessage(
              response,
            )}): it may have expired; set a fresh one.`
          : `Cannot tell who you are signed in as (${await errorMessage(
              response,
            )}).`,
      );
    }
    const identity: ChatIdentity = await response.json();
    return identity.name ?? `${identity.userRef} (not in the catalog)`;
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetch(`${this.baseUrl}${path}`, init);
    } catch {
      throw new ShellError(
        `Cannot reach Multivac at ${this.baseUrl}. Is \`npm start\` running?`,
      );
    }
  }

  /** Runs `action`, printing a failure instead of ending the shell. */
  private async attempt(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.print(
        error instanceof ShellError ? error.message : `Error: ${error}`,
      );
    }
  }

  private print(text: string): void {
    this.options.output.write(`${text}\n`);
  }
}

/** The message of a Backstage error response, else its status. */
async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const message = JSON.parse(text)?.error?.message;
    if (typeof message === 'string') {
      return message;
    }
  } catch {
    // Not JSON: fall back to the status.
  }
  return `${response.status} ${response.statusText}`.trim();
}
