import { createConfigSecretEnumerator } from '@backstage/backend-defaults/rootConfig';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  ConfigSources,
  FileConfigSource,
  loadConfigSchema,
} from '@backstage/config-loader';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  asSerializedConfigSchema,
  ConfigSecretPaths,
  formatSecretPath,
  SecretPathStep,
  SerializedConfigSchema,
} from './configSecrets';

function schemaOf(...values: unknown[]): SerializedConfigSchema {
  return {
    backstageConfigSchemaVersion: 1,
    schemas: values.map((value, index) => ({
      path: `plugins/p${index}/config.d.ts`,
      value,
    })),
  };
}

function secretsOf(schema: SerializedConfigSchema, data: object): string[] {
  return [
    ...ConfigSecretPaths.fromSerializedSchema(schema).secretsOf(
      new ConfigReader(data),
    ),
  ].sort();
}

function pathsOf(schema: SerializedConfigSchema): string[] {
  return ConfigSecretPaths.fromSerializedSchema(schema)
    .secretPaths()
    .map(formatSecretPath)
    .sort();
}

const obj = (properties: object, rest: object = {}) => ({
  type: 'object',
  properties,
  ...rest,
});
const secret = { type: 'string', visibility: 'secret' };
const plain = { type: 'string' };

describe('ConfigSecretPaths, each schema construct', () => {
  it('properties: the secret one, not its siblings', () => {
    const schema = schemaOf(
      obj({
        a: obj({
          token: secret,
          name: plain,
          frontend: { ...plain, visibility: 'frontend' },
        }),
      }),
    );
    expect(pathsOf(schema)).toEqual(['a.token']);
    expect(
      secretsOf(schema, {
        a: { token: 's1', name: 'n', frontend: 'f' },
        b: 'x',
      }),
    ).toEqual(['s1']);
  });

  it('additionalProperties (schema form): under every key', () => {
    const schema = schemaOf(
      obj({
        byName: {
          type: 'object',
          additionalProperties: obj({ password: secret, user: plain }),
        },
        open: { type: 'object', additionalProperties: true },
      }),
    );
    expect(pathsOf(schema)).toEqual(['byName.*.password']);
    expect(
      secretsOf(schema, {
        byName: { x: { password: 'p1', user: 'u' }, y: { password: 'p2' } },
        open: { password: 'not declared secret' },
      }),
    ).toEqual(['p1', 'p2']);
  });

  it('patternProperties: under the keys that match', () => {
    const schema = schemaOf(
      obj({
        keys: { type: 'object', patternProperties: { '^k\\d+$': secret } },
      }),
    );
    expect(pathsOf(schema)).toEqual(['keys./^k\\d+$/']);
    expect(
      secretsOf(schema, { keys: { k1: 's1', k22: 's2', other: 'o' } }),
    ).toEqual(['s1', 's2']);
  });

  it('items, schema form: every element', () => {
    const schema = schemaOf(
      obj({
        list: { type: 'array', items: obj({ key: secret, id: plain }) },
        tokens: { type: 'array', items: plain, visibility: 'secret' },
      }),
    );
    expect(pathsOf(schema)).toEqual(['list[*].key', 'tokens']);
    expect(
      secretsOf(schema, {
        list: [
          { key: 'k1', id: 'i1' },
          { key: 'k2', id: 'i2' },
        ],
        tokens: ['t1', 't2'],
      }),
    ).toEqual(['k1', 'k2', 't1', 't2']);
  });

  it('items, tuple form, and additionalItems', () => {
    const schema = schemaOf(
      obj({
        pair: {
          type: 'array',
          items: [plain, secret],
          additionalItems: obj({ key: secret }),
        },
        prefixed: { type: 'array', prefixItems: [secret], items: plain },
      }),
    );
    expect(pathsOf(schema)).toEqual([
      'pair[1]',
      'pair[2..].key',
      'prefixed[0]',
    ]);
    expect(
      secretsOf(schema, {
        pair: ['user', 's1', { key: 's2', other: 'o' }],
        prefixed: ['s3', 'plain'],
      }),
    ).toEqual(['s1', 's2', 's3']);
  });

  it.each(['anyOf', 'oneOf', 'allOf'])(
    '%s: every branch, whatever the type of the value',
    keyword => {
      const schema = schemaOf(
        obj({
          connection: {
            [keyword]: [plain, obj({ password: secret, host: plain })],
          },
        }),
      );
      expect(pathsOf(schema)).toEqual(['connection.password']);
      expect(
        secretsOf(schema, { connection: { password: 's1', host: 'h' } }),
      ).toEqual(['s1']);
      expect(secretsOf(schema, { connection: 'just-a-string' })).toEqual([]);
    },
  );

  it('if/then/else, not and dependencies', () => {
    const schema = schemaOf(
      obj({
        a: {
          if: obj({ x: plain }),
          then: obj({ s1: secret }),
          else: obj({ s2: secret }),
        },
        b: { not: obj({ s3: secret }) },
        c: { dependencies: { x: obj({ s4: secret }), y: ['x'] } },
      }),
    );
    expect(pathsOf(schema)).toEqual(['a.s1', 'a.s2', 'b.s3', 'c.s4']);
    expect(
      secretsOf(schema, {
        a: { s1: 'v1', s2: 'v2', x: 'x' },
        b: { s3: 'v3' },
        c: { s4: 'v4', x: 'x' },
      }),
    ).toEqual(['v1', 'v2', 'v3', 'v4']);
  });

  it('$ref to a local definition, recursive ones included', () => {
    const schema = schemaOf({
      type: 'object',
      properties: { tree: { $ref: '#/definitions/node' } },
      definitions: {
        node: obj({
          key: secret,
          label: plain,
          children: { type: 'array', items: { $ref: '#/definitions/node' } },
          'odd/name': { $ref: '#/definitions/odd~1name%20x' },
        }),
        'odd/name x': { type: 'string', visibility: 'secret' },
      },
    });
    expect(pathsOf(schema)).toEqual(['tree.key', 'tree.odd/name']);
    expect(
      secretsOf(schema, {
        tree: {
          key: 'k1',
          label: 'l',
          children: [{ key: 'k2', children: [{ key: 'k3', label: 'l3' }] }],
          'odd/name': 'o1',
        },
      }),
    ).toEqual(['k1', 'k2', 'k3', 'o1']);
  });

  it('a secret object or array: its strings but those declared plain, numbers not', () => {
    const schema = schemaOf(
      obj({
        env: {
          type: 'object',
          additionalProperties: plain,
          visibility: 'secret',
        },
        deep: obj({ declared: plain }, { deepVisibility: 'secret' }),
        port: { type: 'number', visibility: 'secret' },
        connection: {
          visibility: 'secret',
          anyOf: [
            plain,
            obj({
              host: plain,
              password: secret,
              tls: obj({ ca: plain, key: secret }),
            }),
          ],
        },
        nodes: {
          type: 'array',
          items: { type: 'object' },
          visibility: 'secret',
        },
      }),
    );
    expect(pathsOf(schema)).toEqual([
      'connection',
      'connection.password',
      'connection.tls.key',
      'deep',
      'env',
      'nodes',
      'port',
    ]);
    expect(
      secretsOf(schema, {
        env: { A: 'a1', B: 'b1' },
        deep: { declared: 'd0', x: { y: ['d1', { z: 'd2' }] }, n: 3 },
        port: 5432,
        connection: {
          host: 'h',
          password: 'c1',
          tls: { ca: 'ca', key: 'c2' },
          other: 'c3',
        },
        nodes: [{ url: 'n1' }, 'n2'],
      }),
    ).toEqual(['a1', 'b1', 'c1', 'c2', 'c3', 'd0', 'd1', 'd2', 'n1', 'n2']);
    expect(secretsOf(schema, { connection: 'c4' })).toEqual(['c4']);
  });

  it('secrets of several packages, the same key declared twice', () => {
    const schema = schemaOf(
      obj({ shared: obj({ a: secret, b: plain }) }),
      obj({ shared: obj({ b: secret }) }),
      true,
    );
    expect(pathsOf(schema)).toEqual(['shared.a', 'shared.b']);
    expect(secretsOf(schema, { shared: { a: 'a1', b: 'b1' } })).toEqual([
      'a1',
      'b1',
    ]);
  });

  it('fails on a $ref it cannot resolve or a secret it cannot reach', () => {
    expect(() =>
      ConfigSecretPaths.fromSerializedSchema(
        schemaOf(obj({ a: { $ref: '#/definitions/missing' } })),
      ),
    ).toThrow(
      'plugins/p0/config.d.ts: $ref #/definitions/missing points at nothing',
    );
    expect(() =>
      ConfigSecretPaths.fromSerializedSchema(
        schemaOf(obj({ a: { $ref: 'https://example.test/other.json' } })),
      ),
    ).toThrow('is not a reference within the schema');
    expect(() =>
      ConfigSecretPaths.fromSerializedSchema(
        schemaOf(obj({ a: { somethingNew: obj({ key: secret }) } })),
      ),
    ).toThrow(
      'plugins/p0/config.d.ts: the value marked secret at /properties/a/somethingNew/properties/key is under a JSON Schema keyword',
    );
  });

  it('reads a serialized schema, refuses anything else', () => {
    const schema = schemaOf(obj({ a: secret }));
    expect(
      asSerializedConfigSchema(JSON.parse(JSON.stringify(schema))),
    ).toEqual(schema);
    expect(() => asSerializedConfigSchema({ type: 'object' })).toThrow(
      'no backstageConfigSchemaVersion 1',
    );
    expect(() =>
      asSerializedConfigSchema({ backstageConfigSchemaVersion: 1 }),
    ).toThrow('no list of schemas');
    expect(() =>
      asSerializedConfigSchema({
        backstageConfigSchemaVersion: 1,
        schemas: [{ path: 'x', value: 'string' }],
      }),
    ).toThrow('schema 0 is not a { path, value }');
  });
});

// The workspace's real schema, against Backstage's own enumerator.

type LoadedSerialized = Extract<
  Parameters<typeof loadConfigSchema>[0],
  { serialized: unknown }
>['serialized'];

const ROOT = resolve(__dirname, '../../..');

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };
type Schema = { [keyword: string]: any };

/**
 * A config with a different string at every path each package's schema
 * declares (an object wherever a schema allows one, `sample` for any key,
 * one element for any array); `where` tells the path of each string.
 */
function sampleConfig(schema: SerializedConfigSchema) {
  const where = new Map<string, string>();
  let counter = 0;
  const sample = (
    node: Schema,
    root: Schema,
    path: string,
    refs: string[],
  ): Json | undefined => {
    if (typeof node !== 'object' || node === null) {
      return undefined;
    }
    if (typeof node.$ref === 'string') {
      if (refs.includes(node.$ref)) {
        return undefined;
      }
      const target = node.$ref
        .slice(2)
        .split('/')
        .reduce((at: Schema, key: string) => at[key], root);
      return sample(target, root, path, [...refs, node.$ref]);
    }
    const branches: Schema[] = [
      ...(node.anyOf ?? []),
      ...(node.oneOf ?? []),
      ...(node.allOf ?? []),
    ];
    const isObject =
      node.properties ||
      typeof node.additionalProperties === 'object' ||
      node.type === 'object';
    if (isObject) {
      const out: { [key: string]: Json } = {};
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        const value = sample(child as Schema, root, `${path}.${key}`, refs);
        if (value !== undefined) out[key] = value;
      }
      if (typeof node.additionalProperties === 'object') {
        const value = sample(
          node.additionalProperties,
          root,
          `${path}.sample`,
          refs,
        );
        if (value !== undefined) out.sample = value;
      }
      for (const branch of branches) {
        const value = sample(branch, root, path, refs);
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [key, item] of Object.entries(value)) {
            if (!(key in out)) out[key] = item;
          }
        }
      }
      return out;
    }
    if (node.items && !Array.isArray(node.items)) {
      const value = sample(node.items, root, `${path}[0]`, refs);
      return value === undefined ? [] : [value];
    }
    for (const branch of branches) {
      const value = sample(branch, root, path, refs);
      if (value && typeof value === 'object') return value;
    }
    const types = [node.type ?? []].flat();
    if (types.length && !types.includes('string')) {
      return undefined;
    }
    const value = `value-${++counter}`;
    where.set(value, path.slice(1));
    return value;
  };
  const merge = (into: Json, from: Json): Json => {
    if (
      into &&
      typeof into === 'object' &&
      !Array.isArray(into) &&
      from &&
      typeof from === 'object' &&
      !Array.isArray(from)
    ) {
      for (const [key, value] of Object.entries(from)) {
        into[key] = key in into ? merge(into[key], value) : value;
      }
    }
    return into;
  };
  let config: Json = {};
  for (const { value } of schema.schemas) {
    const part = sample(value as Schema, value as Schema, '', []);
    if (part !== undefined) config = merge(config, part);
  }
  return { config: config as { [key: string]: Json }, where };
}

/** `config` with `value` at `steps` (any key: `sample`, any index: 0). */
function withValueAt(
  config: Json,
  steps: SecretPathStep[],
  value: string,
): Json {
  const [step, ...rest] = steps;
  if (!step) return value;
  if ('index' in step || 'anyIndex' in step || 'indexFrom' in step) {
    let index = 0;
    if ('index' in step) index = step.index;
    if ('indexFrom' in step) index = step.indexFrom;
    const array = Array.isArray(config) ? [...config] : [];
    while (array.length < index) array.push('filler');
    array[index] = withValueAt(array[index] ?? {}, rest, value);
    return array;
  }
  if ('keyPattern' in step) {
    throw new Error(`no sample key for the pattern ${step.keyPattern}`);
  }
  const key = 'key' in step ? step.key : 'sample';
  const object =
    config && typeof config === 'object' && !Array.isArray(config)
      ? { ...config }
      : {};
  object[key] = withValueAt(object[key] ?? {}, rest, value);
  return object;
}

/**
 * Where ours finds more than Backstage in the sample config: strings inside
 * an object (or objects inside an array) that the schema marks secret as a
 * whole. Backstage's filter keeps the object but none of its keys, so it
 * does not redact them; they are secrets all the same (the scaffolder's
 * `defaultEnvironment.secrets` are, by name).
 */
const EXTRA_IN_OBJECTS_MARKED_SECRET: string[] = [
  'scaffolder.defaultEnvironment.secrets.sample',
];

describe('ConfigSecretPaths on the workspace schema, against Backstage', () => {
  let serialized: SerializedConfigSchema;
  let ours: ConfigSecretPaths;
  let theirs: Array<[string, (config: ConfigReader) => Iterable<string>]>;

  beforeAll(async () => {
    // As `npm run build:all` writes packages/backend/dist/config-schema.json.
    // Into a file: read from a pipe, the CLI's output comes back cut short.
    const dir = mkdtempSync(join(tmpdir(), 'config-schema-'));
    try {
      const file = join(dir, 'config-schema.json');
      const out = openSync(file, 'w');
      try {
        execFileSync(
          join(ROOT, 'node_modules/.bin/backstage-cli'),
          ['config:schema', '--format', 'json', '--no-merge'],
          { cwd: ROOT, stdio: ['ignore', out, 'ignore'] },
        );
      } finally {
        closeSync(out);
      }
      serialized = asSerializedConfigSchema(
        JSON.parse(readFileSync(file, 'utf8')),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    ours = ConfigSecretPaths.fromSerializedSchema(serialized);
    const logger: LoggerService = {
      error: () => {},
      warn: () => {},
      info: () => {},
      debug: () => {},
      child: () => logger,
    };
    theirs = [
      // What the backend did as built before: the same file, compiled.
      [
        'the built schema, compiled',
        await createConfigSecretEnumerator({
          logger,
          schema: await loadConfigSchema({
            serialized: serialized as unknown as LoadedSerialized,
          }),
        }),
      ],
      // What it still does from source: the workspace's packages, compiled.
      [
        'the workspace compiled',
        await createConfigSecretEnumerator({ logger, dir: ROOT }),
      ],
    ];
  }, 300_000);

  it('finds the secret paths of the workspace', () => {
    const paths = ours.secretPaths().map(formatSecretPath);
    // A few that must be there, from Backstage and from Multivac.
    expect(paths).toEqual(
      expect.arrayContaining([
        'backend.database.connection',
        'backend.auth.keys[*].secret',
        'integrations.github[*].token',
        'multivac.slack.botToken',
        'multivac.pagerDuty.webhookSecrets',
        'multivac.alerts.integrations[*].secrets',
      ]),
    );
    expect(paths.length).toBeGreaterThan(50);
  });

  it('a string at every secret path: the same secrets as Backstage', () => {
    const { config: sample } = sampleConfig(serialized);
    const paths = ours.secretPaths();
    for (const [index, steps] of paths.entries()) {
      const secretValue = `secret-${index}-${formatSecretPath(steps)}`;
      const config = new ConfigReader(
        withValueAt(sample, steps, secretValue) as object,
      );
      const found = ours.secretsOf(config);
      expect({
        path: formatSecretPath(steps),
        found: found.has(secretValue),
      }).toEqual({
        path: formatSecretPath(steps),
        found: true,
      });
      for (const [name, enumerate] of theirs) {
        const expected = new Set(enumerate(config));
        // Every secret Backstage finds, we find.
        expect({
          name,
          path: formatSecretPath(steps),
          missing: [...expected].filter(s => !found.has(s)),
        }).toEqual({ name, path: formatSecretPath(steps), missing: [] });
      }
    }
  });

  it('every declared value: no fewer secrets than Backstage, more only inside objects marked secret', () => {
    const { config: sample, where } = sampleConfig(serialized);
    const config = new ConfigReader(sample);
    const found = ours.secretsOf(config);
    const plainValues = [...where.keys()].filter(v => !found.has(v));
    expect(plainValues.length).toBeGreaterThan(100);
    for (const [name, enumerate] of theirs) {
      const expected = new Set(enumerate(config));
      expect({
        name,
        missing: [...expected].filter(s => !found.has(s)),
      }).toEqual({
        name,
        missing: [],
      });
      const extra = [...found]
        .filter(s => !expected.has(s))
        .map(s => where.get(s) ?? s)
        .sort();
      expect({ name, extra }).toEqual({
        name,
        extra: EXTRA_IN_OBJECTS_MARKED_SECRET,
      });
    }
  });

  it("the demo's app-config.yaml and app-config.production.yaml: the same secrets", async () => {
    const config = await ConfigSources.toConfig(
      ConfigSources.merge(
        ['app-config.yaml', 'app-config.production.yaml'].map(file =>
          FileConfigSource.create({
            path: join(ROOT, file),
            watch: false,
            substitutionFunc: async name => `env-${name}-value`,
          }),
        ),
      ),
    );
    try {
      const reader = new ConfigReader(config.getOptional() as object);
      const found = ours.secretsOf(reader);
      expect([...found].sort()).toEqual(
        expect.arrayContaining([
          'env-BACKEND_SECRET-value',
          'env-POSTGRES_PASSWORD-value',
          'env-GITHUB_TOKEN-value',
        ]),
      );
      for (const [name, enumerate] of theirs) {
        const expected = new Set(enumerate(reader));
        expect({
          name,
          missing: [...expected].filter(s => !found.has(s)),
        }).toEqual({ name, missing: [] });
        // The SQLite folder of backend.database.connection, an object
        // marked secret that does not declare `directory`: Backstage
        // redacts none of that object's strings but the password.
        expect({
          name,
          extra: [...found].filter(s => !expected.has(s)),
        }).toEqual({ name, extra: ['./.multivac-data'] });
      }
    } finally {
      config.close();
    }
  });
});
