import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { checkIdParams, hideDatabaseErrors, parseInput } from './validation';
import { z } from 'zod';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A router like the plugin's: its routes, then the database error mapping. */
function appWith(route: (req: express.Request) => Promise<unknown>) {
  const router = Router();
  checkIdParams(router, 'id');
  router.get('/things/:id', async (req, res) => {
    res.json(await route(req));
  });
  router.use(hideDatabaseErrors());
  const app = express();
  app.use(router);
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return app;
}

describe('hideDatabaseErrors', () => {
  it.each(databases.eachSupportedId())(
    'answers a database error with a generic 500, no SQL in the body (%s)',
    async id => {
      const knex: Knex = await databases.init(id);
      const app = appWith(() =>
        knex.raw('select * from no_such_table where secret = ?', ['s3cret']),
      );
      const res = await request(app).get('/things/1');
      expect(res.status).toBe(500);
      expect(res.body.error.message).toBe(
        'The database could not complete the request',
      );
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/no_such_table|select|s3cret/i);
      await knex.destroy();
    },
  );

  it('leaves other errors as they are', async () => {
    const app = appWith(async req => {
      throw new NotFoundError(`No thing ${req.params.id}`);
    });
    const res = await request(app).get('/things/7');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('No thing 7');
  });

  it('refuses ids with NUL bytes or longer than 255 characters', async () => {
    const app = appWith(async () => 'found');
    expect((await request(app).get('/things/a%00b')).status).toBe(400);
    expect((await request(app).get(`/things/${'x'.repeat(256)}`)).status).toBe(
      400,
    );
    expect((await request(app).get(`/things/${'x'.repeat(255)}`)).body).toBe(
      'found',
    );
  });
});

describe('parseInput', () => {
  const schema = z.object({ text: z.string(), extra: z.unknown().optional() });

  it('refuses NUL bytes anywhere in the input, keys included', () => {
    expect(() => parseInput(schema, { text: 'a\u0000' }, 'note')).toThrow(
      'Invalid note: text: must not contain NUL bytes',
    );
    expect(() =>
      parseInput(schema, { text: 'a', extra: { deep: ['\u0000'] } }, 'note'),
    ).toThrow('Invalid note: extra.deep.0: must not contain NUL bytes');
    expect(() =>
      parseInput(schema, { text: 'a', extra: { 'k\u0000': 1 } }, 'note'),
    ).toThrow('Invalid note: extra: keys must not contain NUL bytes');
  });

  it('refuses input nested thousands deep without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(() =>
      parseInput(schema, { text: 'a', extra: deep }, 'note'),
    ).toThrow('Invalid note: extra');
  });
});
