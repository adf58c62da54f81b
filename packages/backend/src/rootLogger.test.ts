import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { ConfigReader } from '@backstage/config';
import { loadConfigSchema } from '@backstage/config-loader';
import { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
/* eslint-enable @backstage/no-undeclared-imports */

type JsonObject = Parameters<LoggerService['child']>[0];

// Watched, not replaced: Backstage's way to compile a config schema (its
// secret enumerator calls it from source; from a built schema nothing
// should).
jest.mock('@backstage/config-loader', () => {
  const actual = jest.requireActual('@backstage/config-loader');
  return { ...actual, loadConfigSchema: jest.fn(actual.loadConfigSchema) };
});

import {
  createRootLogger,
  CredentialRedactingLogger,
  loadBuiltConfigSchema,
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

const SIGNING_SECRET = 'example-signing-secret-8f3a1c9e';

/** A config schema as `backstage-cli config:schema --format json --no-merge` writes it. */
const SERIALIZED_SCHEMA = {
  backstageConfigSchemaVersion: 1,
  schemas: [
    {
      // A key no workspace config.d.ts declares: only this schema makes it secret.
      path: 'plugins/example/config.d.ts',
      value: {
        type: 'object',
        properties: {
          example: {
            type: 'object',
            properties: {
              signingSecret: { type: 'string', visibility: 'secret' },
              channel: { type: 'string' },
            },
          },
        },
      },
    },
  ],
};

/** The formatted lines Winston would write, after its redaction. */
function capturedTransport() {
  const lines: string[] = [];
  const transport = Object.assign(
    new Writable({
      objectMode: true,
      write(info, _encoding, done) {
        lines.push(String(info[Symbol.for('message')]));
        done();
      },
    }),
    { log: (_info: unknown, next: () => void) => next() },
  );
  return { lines, transports: [transport as never] };
}

describe('createRootLogger', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'root-logger-'));
    jest.mocked(loadConfigSchema).mockClear();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const config = new ConfigReader({
    example: { signingSecret: SIGNING_SECRET, channel: '#ops' },
  });

  it('redacts the secrets of the schema built with the backend', async () => {
    const schemaFile = join(dir, 'config-schema.json');
    writeFileSync(schemaFile, JSON.stringify(SERIALIZED_SCHEMA));
    const { lines, transports } = capturedTransport();

    const logger = await createRootLogger(config, { schemaFile, transports });
    logger.info(`verifying requests with ${SIGNING_SECRET} for #ops`);

    expect(lines.join('\n')).toContain(
      `from the schema built with the backend, ${schemaFile}`,
    );
    expect(lines.at(-1)).toContain('verifying requests with *** for #ops');
    expect(lines.join('\n')).not.toContain(SIGNING_SECRET);
    // Read for its secret paths, never compiled (about 200 MB at start).
    expect(loadConfigSchema).not.toHaveBeenCalled();
  });

  it('redacts the secrets of a changed config too', async () => {
    const schemaFile = join(dir, 'config-schema.json');
    writeFileSync(schemaFile, JSON.stringify(SERIALIZED_SCHEMA));
    const { lines, transports } = capturedTransport();
    let data = { example: { signingSecret: SIGNING_SECRET } };
    let onChange = () => {};
    // A config whose values can change, as the root config's do when a
    // config file is edited.
    const changing = new Proxy({} as ConfigReader, {
      get(_target, key) {
        if (key === 'subscribe') {
          return (listener: () => void) => {
            onChange = listener;
            return { unsubscribe() {} };
          };
        }
        const reader = new ConfigReader(data);
        const value = (reader as any)[key];
        return typeof value === 'function' ? value.bind(reader) : value;
      },
    });

    const logger = await createRootLogger(changing, { schemaFile, transports });
    data = { example: { signingSecret: 'the-rotated-signing-secret' } };
    onChange();
    logger.info(`old ${SIGNING_SECRET}, new the-rotated-signing-secret`);

    expect(lines.at(-1)).toContain('old ***, new ***');
  });

  it('compiles the schema at start without a built one', async () => {
    const { lines, transports } = capturedTransport();

    await createRootLogger(new ConfigReader({}), {
      schemaFile: join(dir, 'config-schema.json'),
      transports,
    });

    expect(lines.join('\n')).toContain(
      'from the config schema compiled at start',
    );
    // From source, Backstage's own enumerator compiles it, as before.
    expect(loadConfigSchema).toHaveBeenCalledWith(
      expect.objectContaining({ dependencies: expect.any(Array) }),
    );
  }, 60_000);

  it('reads the built schema when the file is there, nothing when not', async () => {
    const schemaFile = join(dir, 'config-schema.json');
    await expect(loadBuiltConfigSchema(schemaFile)).resolves.toBeUndefined();

    writeFileSync(schemaFile, JSON.stringify(SERIALIZED_SCHEMA));
    const schema = await loadBuiltConfigSchema(schemaFile);

    expect(schema).toEqual(SERIALIZED_SCHEMA);
  });

  it.each([
    ['is not JSON', '{"backstageConfigSchemaVersion": 1,'],
    ['is not a serialized schema', JSON.stringify({ type: 'object' })],
  ])('fails the start when the built schema %s', async (_name, text) => {
    const schemaFile = join(dir, 'config-schema.json');
    writeFileSync(schemaFile, text);

    await expect(
      createRootLogger(config, {
        schemaFile,
        transports: capturedTransport().transports,
      }),
    ).rejects.toThrow(
      `The config schema built with the backend, ${schemaFile}, is not a serialized config schema`,
    );
  });

  it('fails the start when the built schema has a secret it cannot find', async () => {
    const schemaFile = join(dir, 'config-schema.json');
    writeFileSync(
      schemaFile,
      JSON.stringify({
        backstageConfigSchemaVersion: 1,
        schemas: [
          {
            path: 'plugins/example/config.d.ts',
            value: { properties: { a: { $ref: '#/definitions/gone' } } },
          },
        ],
      }),
    );

    await expect(
      createRootLogger(config, {
        schemaFile,
        transports: capturedTransport().transports,
      }),
    ).rejects.toThrow(
      `The config schema built with the backend, ${schemaFile}, cannot be read for its secrets`,
    );
  });

  it('fails the start when the built schema cannot be read', async () => {
    // A folder where the file should be: EISDIR, not a missing file.
    await expect(loadBuiltConfigSchema(dir)).rejects.toThrow(
      `Could not read the config schema built with the backend, ${dir}`,
    );
  });
});
