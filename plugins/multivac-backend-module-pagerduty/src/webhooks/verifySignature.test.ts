import { createHmac } from 'node:crypto';
import { signatureOf, verifySignature } from './verifySignature';

describe('verifySignature', () => {
  const body = Buffer.from(
    '{"event":{"id":"E1","event_type":"incident.resolved"}}',
  );

  it('accepts the HMAC-SHA256 of the raw body, hex, as v1', () => {
    const header = `v1=${createHmac('sha256', 'secret')
      .update(body)
      .digest('hex')}`;

    expect(signatureOf(body, 'secret')).toBe(header);
    expect(() => verifySignature(body, header, ['secret'])).not.toThrow();
  });

  it('accepts any of several signatures against any of several secrets', () => {
    const header = `${signatureOf(body, 'retired')}, ${signatureOf(
      body,
      'current',
    )}`;

    expect(() =>
      verifySignature(body, header, ['other', 'current']),
    ).not.toThrow();
  });

  it('rejects a missing header', () => {
    expect(() => verifySignature(body, undefined, ['secret'])).toThrow(
      expect.objectContaining({
        name: 'AuthenticationError',
        message:
          'Missing X-PagerDuty-Signature header: PagerDuty signs every v3 webhook',
      }),
    );
  });

  it.each([
    ['another secret', signatureOf(body, 'other')],
    ['another body', signatureOf('{}', 'secret')],
    ['another version', signatureOf(body, 'secret').replace('v1=', 'v2=')],
    ['a cut signature', signatureOf(body, 'secret').slice(0, 20)],
    ['garbage', 'v1=zz'],
  ])('rejects a signature made with %s', (_, header) => {
    expect(() => verifySignature(body, header, ['secret'])).toThrow(
      expect.objectContaining({
        name: 'AuthenticationError',
        message:
          'X-PagerDuty-Signature does not match the body for any configured webhook secret',
      }),
    );
  });
});
