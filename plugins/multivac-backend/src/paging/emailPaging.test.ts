import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';
import { eventually } from '../__testUtils__/waitFor';
import { AcknowledgeLinks } from './AcknowledgeLinks';
import { startSmtpServer } from './__testUtils__/smtpServer';

jest.setTimeout(60_000);

const SECRET = 'acknowledge-links-test-secret';

describe('paging by email', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  beforeEach(async () => {
    smtp = await startSmtpServer();
  });
  afterEach(() => smtp.close());

  const start = () =>
    startBackend(undefined, {
      jobs: { pollIntervalSeconds: 0.1, initialBackoffSeconds: 0.1 },
      paging: {
        email: {
          smtp: { host: '127.0.0.1', port: smtp.port, secure: false },
          from: 'Multivac <pager@nimbus.example>',
        },
        acknowledgeLinks: { secret: SECRET },
      },
    });

  /** Pages Ken, on call for `shop-247` around the clock. */
  const pageKen = (server: Parameters<typeof request>[0]) =>
    request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({
        scheduleId: 'shop-247',
        entityRef: 'component:default/ledger',
        summary: 'Ledger writes fail',
        details: {
          incident: 'INC-7',
          region: 'eu-central-1',
          reportedBy: 'user:default/grace.hopper',
          startedAt: '2026-11-27T14:40:00.000Z',
        },
      });

  it('emails the page with its details and a signed link that acknowledges it after a confirmation', async () => {
    const { server } = await start();
    const paged = await pageKen(server);
    expect(paged.status).toBe(201);
    expect(paged.body.delivery).toBe(
      'recorded; sent to each person through their paging channels',
    );

    await eventually(
      async () => smtp.received.length,
      n => n > 0,
    );
    const [mail] = smtp.received;
    expect(mail.from).toBe('pager@nimbus.example');
    expect(mail.to).toEqual(['ken.thompson@nimbus.example']);
    expect(mail.headers.subject).toBe(
      '[Multivac] You are paged (high urgency): Ledger writes fail',
    );
    expect(mail.text).toContain('About: ledger');
    expect(mail.text).toContain('Schedule: Shop 24/7 (level 1)');
    expect(mail.text).toContain('incident: INC-7');
    expect(mail.text).toContain('region: eu-central-1');
    // People by display name, times with the zone named.
    expect(mail.text).toContain('reportedBy: Grace Hopper');
    expect(mail.text).toContain('startedAt: Nov 27, 2026, 2:40 PM UTC');
    expect(mail.text).not.toContain('user:default/');
    const link = /Acknowledge: (\S+)/.exec(mail.text)![1];
    expect(link).toMatch(
      /^http:\/\/localhost:\d+\/api\/multivac\/paging\/acknowledge\?token=/,
    );
    expect(mail.html).toContain(`href="${link.replace(/&/g, '&amp;')}"`);

    // the delivery is stored with the page
    const withDelivery = await eventually(
      async () =>
        (
          await request(server)
            .get(`/api/multivac/pages/${paged.body.id}`)
            .set(asAda)
        ).body,
      page => page.deliveries?.[0]?.status === 'delivered',
    );
    expect(withDelivery.deliveries).toEqual([
      expect.objectContaining({
        level: 1,
        userRef: 'user:default/ken.thompson',
        name: 'Ken Thompson',
        channel: 'email',
        status: 'delivered',
        detail: 'sent to ken.thompson@nimbus.example',
      }),
    ]);

    // following the link (no sign-in) only shows a confirmation
    const path = link.replace(/^http:\/\/localhost:\d+/, '');
    const shown = await request(server).get(path);
    expect(shown.status).toBe(200);
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(shown.text).toContain('Acknowledge this page?');
    expect(shown.text).toContain('Ledger writes fail');
    expect(shown.text).toContain('<td>Grace Hopper</td>');
    expect(shown.text).toContain('<form method="post">');
    const pageNow = () =>
      request(server).get(`/api/multivac/pages/${paged.body.id}`).set(asAda);
    expect((await pageNow()).body.status).toBe('triggered');

    // confirming acknowledges it, as the person the link was sent to
    const token = new URL(link).searchParams.get('token')!;
    const confirmed = await request(server)
      .post(path)
      .type('form')
      .send({ token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('Page acknowledged');
    // by display name, not by ref
    expect(confirmed.text).toContain('Acknowledged by Ken Thompson.');
    expect((await pageNow()).body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'user:default/ken.thompson',
    });

    // the link cannot acknowledge twice
    const again = await request(server).post(path).type('form').send({ token });
    expect(again.status).toBe(409);
    expect(again.text).toContain('already acknowledged by Ken Thompson');
    expect(again.text).not.toContain('user:default/');
  });

  it('refuses a tampered, expired or malformed link with a 4xx that says why', async () => {
    const { server } = await start();
    const paged = await pageKen(server);
    const links = AcknowledgeLinks.fromConfig(
      new ConfigReader({
        multivac: { paging: { acknowledgeLinks: { secret: SECRET } } },
      }),
      { discovery: mockServices.discovery() },
    );
    const claims = {
      pageId: paged.body.id,
      userRef: 'user:default/ken.thompson',
    };
    const valid = links.sign(claims, Date.now() + 60_000);
    const url = (token: string) =>
      `/api/multivac/paging/acknowledge?token=${encodeURIComponent(token)}`;
    expect((await request(server).get(url(valid))).status).toBe(200);

    // another page id in the same signature
    const [payload, mac] = valid.split('.');
    const forged = `${Buffer.from(
      JSON.stringify({
        p: 'another-page',
        u: claims.userRef,
        e: Date.now() + 60_000,
      }),
    ).toString('base64url')}.${mac}`;
    for (const token of [forged, `${payload}.${mac.slice(0, -2)}`, 'garbage']) {
      const res = await request(server)
        .post(url(token))
        .type('form')
        .send({ token });
      expect(res.status).toBe(400);
      expect(res.text).toContain('This acknowledge link is not valid');
    }
    // signed with another secret
    const other = new AcknowledgeLinks(
      Buffer.from('another key'),
      60_000,
      async () => '',
    ).sign(claims, Date.now() + 60_000);
    expect((await request(server).get(url(other))).status).toBe(400);

    const expired = links.sign(claims, Date.now() - 1000);
    const late = await request(server)
      .post(url(expired))
      .type('form')
      .send({ token: expired });
    expect(late.status).toBe(403);
    // When, with the zone named, not an ISO time.
    expect(late.text).toMatch(
      /This acknowledge link expired at \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M UTC: acknowledge the page in the portal instead/,
    );

    const missing = await request(server).get(
      '/api/multivac/paging/acknowledge',
    );
    expect(missing.status).toBe(400);
    const tooLong = await request(server).get(url('a'.repeat(5000)));
    expect(tooLong.status).toBe(400);

    // nothing of this acknowledged the page
    const page = await request(server)
      .get(`/api/multivac/pages/${paged.body.id}`)
      .set(asAda);
    expect(page.body.status).toBe('triggered');
  });
});
