import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * An SMS gateway that checks the signature as the README documents it, then
 * answers `status` (after `delayMs`).
 */
export async function startWebhookGateway(
  secret: string,
  answer: { status: number; delayMs?: number },
) {
  const received: Array<{
    verified: boolean;
    body: any;
    headers: IncomingMessage['headers'];
  }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const timestamp = String(req.headers['x-multivac-timestamp']);
      const expected = Buffer.from(
        `sha256=${createHmac('sha256', secret)
          .update(`${timestamp}.${body}`)
          .digest('hex')}`,
      );
      const given = Buffer.from(String(req.headers['x-multivac-signature']));
      received.push({
        verified:
          given.length === expected.length && timingSafeEqual(given, expected),
        body: JSON.parse(body),
        headers: req.headers,
      });
      setTimeout(() => {
        res.statusCode = answer.status;
        res.end(answer.status === 200 ? 'queued' : 'carrier unavailable');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/page`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
