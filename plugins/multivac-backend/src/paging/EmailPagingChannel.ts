import { Config } from '@backstage/config';
import {
  PagingChannel,
  PagingDelivery,
  PagingDeliveryResult,
} from '@multivac/plugin-multivac-node';
import nodemailer, { Transporter } from 'nodemailer';
import { PeopleDirectory } from '../oncall/PeopleDirectory';
import { namesOf } from './readable';
import { escapeHtml, pageFacts, userRefsInDetails } from './pageFacts';

const CONFIG_KEY = 'multivac.paging.email';
/** A sender: `pager@example.com` or `Multivac <pager@example.com>`. */
const ADDRESS = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

/** How long the SMTP server may take; a page must not wait longer. */
const TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 20_000,
};

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
}

/**
 * `multivac.paging.email`; undefined when it is not configured (the email
 * channel is then not enabled). A bad value fails the start-up naming the
 * key.
 */
export function readEmailSettings(
  config: Config,
): { smtp: SmtpSettings; from: string } | undefined {
  const email = config.getOptionalConfig(CONFIG_KEY);
  if (!email) {
    return undefined;
  }
  const smtp = email.getConfig('smtp');
  const host = smtp.getString('host').trim();
  if (!host || /\s/.test(host)) {
    throw new Error(
      `${CONFIG_KEY}.smtp.host must be a host name, got '${host}'`,
    );
  }
  const secure = smtp.getOptionalBoolean('secure') ?? false;
  const port = smtp.getOptionalNumber('port') ?? (secure ? 465 : 587);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(
      `${CONFIG_KEY}.smtp.port must be a port number from 1 to 65535, got ${port}`,
    );
  }
  const auth = smtp.getOptionalConfig('auth');
  const from = email.getString('from');
  if (!ADDRESS.test(from)) {
    throw new Error(
      `${CONFIG_KEY}.from must be an email address such as 'Multivac <pager@example.com>', got '${from}'`,
    );
  }
  return {
    smtp: {
      host,
      port,
      secure,
      auth: auth && {
        user: auth.getString('user'),
        pass: auth.getString('pass'),
      },
    },
    from,
  };
}

/**
 * Pages people by email over SMTP: the page's details and a signed link
 * that acknowledges it. Needs the person's `spec.profile.email`.
 */
export class EmailPagingChannel implements PagingChannel {
  readonly id = 'email';

  /**
   * Undefined when `multivac.paging.email` is not configured. `people`
   * names the users the page's details mention (the reporter) by display
   * name.
   */
  static fromConfig(
    config: Config,
    people?: Pick<PeopleDirectory, 'lookup'>,
  ): EmailPagingChannel | undefined {
    const settings = readEmailSettings(config);
    return (
      settings &&
      new EmailPagingChannel(
        nodemailer.createTransport({ ...settings.smtp, ...TIMEOUTS }),
        settings.from,
        people,
      )
    );
  }

  constructor(
    private readonly transport: Transporter,
    private readonly from: string,
    private readonly people?: Pick<PeopleDirectory, 'lookup'>,
  ) {}

  async deliver(
    delivery: PagingDelivery,
    signal: AbortSignal,
  ): Promise<PagingDeliveryResult> {
    const { person } = delivery;
    if (!person.email) {
      return {
        status: 'failed',
        error: `${person.name} has no email address in the catalog (spec.profile.email)`,
      };
    }
    const names = await namesOf(this.people, userRefsInDetails(delivery.page));
    const sent = this.transport.sendMail({
      from: this.from,
      to: { name: person.name, address: person.email },
      messageId: `<${delivery.deliveryId}@multivac.paging>`,
      priority: delivery.page.urgency === 'high' ? 'high' : 'normal',
      ...pageEmail(delivery, names),
    });
    const info = await Promise.race([sent, aborted(signal)]);
    if (info.rejected.length > 0) {
      return {
        status: 'failed',
        error: `the mail server refused ${person.email}: ${info.response}`,
      };
    }
    return { status: 'delivered', detail: `sent to ${person.email}` };
  }
}

/** Subject, text and HTML of the email to a person paged. */
export function pageEmail(
  { page, acknowledgeUrl }: PagingDelivery,
  nameOf?: (ref: string) => string,
): {
  subject: string;
  text: string;
  html: string;
} {
  const facts = pageFacts(page, nameOf);
  const heading = `You are paged (${page.urgency} urgency): ${page.summary}`;
  const text = [
    heading,
    '',
    ...facts.map(f => `${f.label}: ${f.value}`),
    '',
    `Acknowledge: ${acknowledgeUrl}`,
    '(The link asks you to confirm; it acknowledges this page only, as you, and expires.)',
  ].join('\n');
  const html = `<!doctype html>
<html><body style="font-family: sans-serif">
<h2>${escapeHtml(heading)}</h2>
<table>${facts
    .map(
      f =>
        `<tr><th align="left" valign="top">${escapeHtml(
          f.label,
        )}</th><td>${escapeHtml(f.value)}</td></tr>`,
    )
    .join('')}</table>
<p><a href="${escapeHtml(
    acknowledgeUrl,
  )}" style="display:inline-block;padding:10px 16px;background:#1f5493;color:#fff;text-decoration:none;border-radius:4px">Acknowledge</a></p>
<p style="color:#666">The link asks you to confirm; it acknowledges this page only, as you, and expires.</p>
</body></html>`;
  return { subject: `[Multivac] ${heading}`, text, html };
}

/** Rejects when the job's attempt is aborted (its deadline passed). */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () =>
      reject(
        new Error(`the mail server did not answer in time (${signal.reason})`),
      );
    if (signal.aborted) {
      fail();
    } else {
      signal.addEventListener('abort', fail, { once: true });
    }
  });
}
