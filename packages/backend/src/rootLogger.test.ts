import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { ConfigReader } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import request from 'supertest';
/* eslint-enable @backstage/no-undeclared-imports */

type JsonObject = Parameters<LoggerService['child']>[0];
import {
  CredentialRedactingLogger,
  redactCredentialQueries,
} from './rootLogger';

const FEED_TOKEN = 'Zm9vYmFyLWNhbGVuZGFyLWZlZWQtdG9rZW4tdmFsdWU';

/** Keeps every log entry, message and fields, as the transport would get them. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  constructor(private readonly fields: JsonObject = {}) {}
  error(message: string, meta?: Error | JsonObject) {
    this.keep(message, meta);
  }
  warn(message: string, meta?: Error | JsonObject) {
    this.keep(message, meta);
  }
  info(message: string, meta?: Error | JsonObject) {
    this.keep(message, meta);
  }
  debug(message: string, meta?: Error | JsonObject) {
    this.keep(message, meta);
  }
  child(meta: JsonObject): LoggerService {
    const child = new CapturingLogger({ ...this.fields, ...meta });
    (child as { lines: string[] }).lines = this.lines;
    return child;
  }
  private keep(message: string, meta?: Error | JsonObject) {
    const fields =
      meta instanceof Error
        ? { message: meta.message, stack: meta.stack }
        : meta;
    this.lines.push(
      `${message} ${JSON.stringify({ ...this.fields, ...fields })}`,
    );
  }
}

/**
 * The backend's request log and error handler (Backstage's own middleware)
 * in front of a route that only the multivac router would reach.
 */
function backendWith(logger: LoggerService) {
  const middleware = MiddlewareFactory.create({
    config: new ConfigReader({}),
    logger,
  });
  const app = express();
  app.use(middleware.logging());
  app.use('/api/multivac', express.json(), (_req, _res, next) =>
    next(new Error('the database is down')),
  );
  app.use(middleware.notFound());
  app.use(middleware.error());
  return app;
}

describe('CredentialRedactingLogger', () => {
  it.each([
    [
      'a malformed JSON body',
      (app: express.Express) =>
        request(app)
          .get(`/api/multivac/releases/calendar.ics?token=${FEED_TOKEN}`)
          .set('content-type', 'application/json')
          .send('{"not json'),
      400,
    ],
    [
      'an odd path',
      (app: express.Express) =>
        request(app).get(`/api/releases//calendar.ics?x=1&token=${FEED_TOKEN}`),
      404,
    ],
    [
      'a server error (logged with its request)',
      (app: express.Express) =>
        request(app).get(
          `/api/multivac/releases/calendar.ics;token=${FEED_TOKEN}`,
        ),
      500,
    ],
  ])(
    'never logs a feed token of a request that fails before the route: %s',
    async (_name, send, status) => {
      const captured = new CapturingLogger();
      const app = backendWith(new CredentialRedactingLogger(captured));

      const res = await send(app);

      expect(res.status).toBe(status);
      expect(captured.lines.length).toBeGreaterThan(0);
      expect(captured.lines.join('\n')).not.toContain(FEED_TOKEN);
      expect(captured.lines.join('\n')).toContain('token=***');
    },
  );

  it('logs the token without the wrapper (the test would catch a leak)', async () => {
    const captured = new CapturingLogger();
    await request(backendWith(captured)).get(
      `/api/elsewhere?token=${FEED_TOKEN}`,
    );
    expect(captured.lines.join('\n')).toContain(FEED_TOKEN);
  });

  it('redacts in messages, fields, child fields and errors', () => {
    const captured = new CapturingLogger();
    const logger = new CredentialRedactingLogger(captured);
    logger
      .child({ url: `/feed?token=${FEED_TOKEN}` })
      .warn(`GET /feed?a=b&token=${FEED_TOKEN}`, {
        referrer: `https://x/?token=${FEED_TOKEN}&y=2`,
      });
    logger.error(
      'failed',
      new Error(`could not fetch /feed?token=${FEED_TOKEN}`),
    );
    expect(captured.lines.join('\n')).not.toContain(FEED_TOKEN);
    expect(captured.lines).toHaveLength(2);
  });

  it('passes redactions on to the logger it wraps', () => {
    const added: string[] = [];
    const inner = Object.assign(new CapturingLogger(), {
      addRedactions: (redactions: Iterable<string>) =>
        added.push(...redactions),
    });
    new CredentialRedactingLogger(inner).addRedactions(['s3cret']);
    expect(added).toEqual(['s3cret']);
  });

  it('keeps other query parameters', () => {
    expect(
      redactCredentialQueries(
        '/calendar.ics?entityRef=component:default/a&TOKEN=abc&environment=prod',
      ),
    ).toBe(
      '/calendar.ics?entityRef=component:default/a&TOKEN=***&environment=prod',
    );
  });
});
