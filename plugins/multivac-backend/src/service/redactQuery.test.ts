import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import express from 'express';
import request from 'supertest';
import { redactQuery } from './redactQuery';

describe('redactQuery', () => {
  function appLoggingTo(lines: string[]) {
    const logger = mockServices.logger.mock({
      info: (message: string) => lines.push(message),
    });
    const middleware = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger,
    });
    const app = express();
    app.use(middleware.logging());
    app.get('/feed.ics', redactQuery('token'), (req, res) => {
      // The handler still reads the real value.
      res.send(String(req.query.token));
    });
    return app;
  }

  it("keeps the value out of Backstage's request log but hands it to the route", async () => {
    const lines: string[] = [];
    const secret = 'Zm9vYmFyLXNlY3JldC10b2tlbg';
    const response = await request(appLoggingTo(lines)).get(
      `/feed.ics?environment=production&token=${secret}`,
    );
    expect(response.text).toBe(secret);
    await new Promise(resolve => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      '"GET /feed.ics?environment=production&token=*** HTTP/1.1" 200',
    );
    expect(lines[0]).not.toContain(secret);
  });

  it('leaves URLs without the parameter as they were', async () => {
    const lines: string[] = [];
    await request(appLoggingTo(lines)).get('/feed.ics?entityRef=a%3Ab');
    await new Promise(resolve => setImmediate(resolve));
    expect(lines[0]).toContain('"GET /feed.ics?entityRef=a%3Ab HTTP/1.1"');
  });
});
