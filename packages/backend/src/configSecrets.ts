import { Config } from '@backstage/config';

/**
 * A config schema as `backstage-cli config:schema --format json --no-merge`
 * serializes it (and `ConfigSchema.serialize()` returns it): the JSON
 * Schema of each package's `config.d.ts` or `config.schema.json`.
 */
export interface SerializedConfigSchema {
  backstageConfigSchemaVersion: 1;
  schemas: Array<{ path: string; value: unknown; packageName?: string }>;
}

/**
 * `json` as a serialized config schema; throws when it is not one (no
 * version 1, no list of schemas, a schema that is not a JSON Schema).
 */
export function asSerializedConfigSchema(
  json: unknown,
): SerializedConfigSchema {
  const candidate = json as Partial<SerializedConfigSchema> | null;
  if (candidate?.backstageConfigSchemaVersion !== 1) {
    throw new Error('no backstageConfigSchemaVersion 1');
  }
  if (!Array.isArray(candidate.schemas)) {
    throw new Error('no list of schemas');
  }
  for (const [index, schema] of candidate.schemas.entries()) {
    const value = (schema as { value?: unknown } | null)?.value;
    if (
      typeof schema?.path !== 'string' ||
      (typeof value !== 'boolean' &&
        (typeof value !== 'object' || value === null || Array.isArray(value)))
    ) {
      throw new Error(
        `schema ${index} is not a { path, value } with a JSON Schema as its value`,
      );
    }
  }
  return candidate as SerializedConfigSchema;
}

type SchemaObject = { [keyword: string]: unknown };

/**
 * One JSON Schema of the config schema, reduced to what leads to a value
 * marked secret. Cycles (a recursive `$ref`) stay cycles.
 */
interface SecretNode {
  /** `visibility: 'secret'` or `deepVisibility: 'secret'`: the value here is secret. */
  secret: boolean;
  /** `deepVisibility: 'secret'`: every string from here down is secret, declared or not. */
  deep: boolean;
  /** Schemas that apply to the same value: `anyOf`, `oneOf`, `allOf`, `$ref`, `if`/`then`/`else`, `not`, `dependencies`. */
  same: SecretNode[];
  /** `properties`. */
  properties: Map<string, SecretNode[]>;
  /** `patternProperties`. */
  patternProperties: Array<{
    pattern: RegExp;
    source: string;
    nodes: SecretNode[];
  }>;
  /** `additionalProperties` (schema form), applied to every key: more than JSON Schema does, never less. */
  anyProperty: SecretNode[];
  /** `items` (schema form) and `contains`: every element. */
  anyItem: SecretNode[];
  /** `items` (tuple form) and `prefixItems`: the element at each index. */
  tupleItems: SecretNode[][];
  /** `additionalItems` (or `items` beside `prefixItems`): the elements after the tuple. */
  laterItems: SecretNode[];
  /**
   * The lists above before schemas that lead to no secret were dropped:
   * what the schema declares inside a value marked secret.
   */
  unpruned?: SecretNodeChildren;
}

type SecretNodeChildren = Pick<
  SecretNode,
  | 'same'
  | 'properties'
  | 'patternProperties'
  | 'anyProperty'
  | 'anyItem'
  | 'tupleItems'
  | 'laterItems'
>;

/** A step of a secret path pattern: a key, any key, a key matching a pattern, an index, any index. */
export type SecretPathStep =
  | { key: string }
  | { anyKey: true }
  | { keyPattern: string }
  | { index: number }
  | { anyIndex: true }
  | { indexFrom: number };

/** Keywords whose values are data (examples, defaults), never schemas. */
const DATA_KEYWORDS = new Set(['default', 'examples', 'const', 'enum']);
/** Keywords whose values are schemas by name (a name may be any word). */
const SCHEMA_MAP_KEYWORDS = new Set([
  'properties',
  'patternProperties',
  'dependencies',
  'dependentSchemas',
]);
/** Keywords that hold named schemas reached only through a `$ref`. */
const DEFINITION_KEYWORDS = new Set(['definitions', '$defs']);

function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSecret(schema: SchemaObject) {
  return schema.visibility === 'secret' || schema.deepVisibility === 'secret';
}

/** The schema a local `$ref` (`#`, `#/definitions/...`) points at in `root`. */
function resolveLocalRef(root: unknown, ref: string): unknown {
  if (ref !== '#' && !ref.startsWith('#/')) {
    throw new Error(`$ref ${ref} is not a reference within the schema`);
  }
  let target: unknown = root;
  for (const encoded of ref.slice(2).split('/').filter(Boolean)) {
    const key = decodeURIComponent(encoded)
      .replace(/~1/g, '/')
      .replace(/~0/g, '~');
    if (!isSchemaObject(target) || !(key in target)) {
      throw new Error(`$ref ${ref} points at nothing`);
    }
    target = target[key];
  }
  return target;
}

/**
 * Every value of a schema (not its definitions, defaults or examples) that
 * is marked secret, with where it is: to check that the compile reached
 * each of them.
 */
function secretMarks(
  schema: unknown,
  pointer: string,
  found: Array<{ schema: SchemaObject; pointer: string }>,
) {
  if (Array.isArray(schema)) {
    schema.forEach((item, index) =>
      secretMarks(item, `${pointer}/${index}`, found),
    );
    return;
  }
  if (!isSchemaObject(schema)) {
    return;
  }
  if (isSecret(schema)) {
    found.push({ schema, pointer });
  }
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAP_KEYWORDS.has(key) && isSchemaObject(value)) {
      // Named schemas: a property called `default` is still a schema.
      for (const [name, child] of Object.entries(value)) {
        secretMarks(child, `${pointer}/${key}/${name}`, found);
      }
    } else if (!DATA_KEYWORDS.has(key) && !DEFINITION_KEYWORDS.has(key)) {
      secretMarks(value, `${pointer}/${key}`, found);
    }
  }
}

/** The secret-leading form of each schema of one package's JSON Schema. */
class PackageSchemaCompiler {
  readonly nodes = new Map<SchemaObject, SecretNode>();

  constructor(private readonly root: unknown, private readonly path: string) {}

  compile(schema: unknown): SecretNode | undefined {
    if (!isSchemaObject(schema)) {
      // true, false, or not a schema: nothing secret below.
      return undefined;
    }
    const known = this.nodes.get(schema);
    if (known) {
      return known;
    }
    const node: SecretNode = {
      secret: isSecret(schema),
      deep: schema.deepVisibility === 'secret',
      same: [],
      properties: new Map(),
      patternProperties: [],
      anyProperty: [],
      anyItem: [],
      tupleItems: [],
      laterItems: [],
    };
    // Before the children: a $ref back to this schema finds it.
    this.nodes.set(schema, node);

    const add = (list: SecretNode[], child: unknown) => {
      const compiled = this.compile(child);
      if (compiled) {
        list.push(compiled);
      }
    };
    const addEach = (list: SecretNode[], children: unknown) => {
      if (Array.isArray(children)) {
        for (const child of children) {
          add(list, child);
        }
      }
    };

    for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
      addEach(node.same, schema[keyword]);
    }
    for (const keyword of ['not', 'if', 'then', 'else']) {
      add(node.same, schema[keyword]);
    }
    for (const keyword of ['dependencies', 'dependentSchemas']) {
      const byKey = schema[keyword];
      if (isSchemaObject(byKey)) {
        // The array form of `dependencies` lists keys, not a schema.
        for (const dependent of Object.values(byKey)) {
          add(node.same, dependent);
        }
      }
    }
    if (typeof schema.$ref === 'string') {
      let target: unknown;
      try {
        target = resolveLocalRef(this.root, schema.$ref);
      } catch (error) {
        throw new Error(`${this.path}: ${(error as Error).message}`);
      }
      add(node.same, target);
    }

    if (isSchemaObject(schema.properties)) {
      for (const [key, child] of Object.entries(schema.properties)) {
        const list: SecretNode[] = [];
        add(list, child);
        node.properties.set(key, list);
      }
    }
    if (isSchemaObject(schema.patternProperties)) {
      for (const [source, child] of Object.entries(schema.patternProperties)) {
        const nodes: SecretNode[] = [];
        add(nodes, child);
        node.patternProperties.push({
          // As ajv builds the pattern of patternProperties.
          pattern: new RegExp(source, 'u'),
          source,
          nodes,
        });
      }
    }
    add(node.anyProperty, schema.additionalProperties);
    add(node.anyProperty, schema.unevaluatedProperties);

    if (Array.isArray(schema.items)) {
      node.tupleItems = schema.items.map(child => {
        const list: SecretNode[] = [];
        add(list, child);
        return list;
      });
      add(node.laterItems, schema.additionalItems);
    } else if (Array.isArray(schema.prefixItems)) {
      node.tupleItems = schema.prefixItems.map(child => {
        const list: SecretNode[] = [];
        add(list, child);
        return list;
      });
      add(node.laterItems, schema.items);
    } else {
      add(node.anyItem, schema.items);
    }
    add(node.anyItem, schema.contains);
    add(node.anyItem, schema.unevaluatedItems);
    return node;
  }
}

function childLists(node: SecretNode): SecretNode[][] {
  return [
    node.same,
    ...node.properties.values(),
    ...node.patternProperties.map(p => p.nodes),
    node.anyProperty,
    node.anyItem,
    ...node.tupleItems,
    node.laterItems,
  ];
}

/**
 * Drops every schema from which no secret can be reached, so that a config
 * is only walked where a secret may be. Works on cycles: a schema reaches a
 * secret when it is one or a child reaches one, repeated until nothing
 * changes.
 */
function prune(nodes: Iterable<SecretNode>) {
  const all = [...nodes];
  const live = new Set(all.filter(node => node.secret));
  for (let changed = true; changed; ) {
    changed = false;
    for (const node of all) {
      if (
        !live.has(node) &&
        childLists(node).some(list => list.some(child => live.has(child)))
      ) {
        live.add(node);
        changed = true;
      }
    }
  }
  for (const node of all) {
    node.unpruned = {
      same: node.same,
      properties: new Map(node.properties),
      patternProperties: node.patternProperties,
      anyProperty: node.anyProperty,
      anyItem: node.anyItem,
      tupleItems: node.tupleItems,
      laterItems: node.laterItems,
    };
  }
  const keep = (list: SecretNode[]) => list.filter(child => live.has(child));
  for (const node of live) {
    node.same = keep(node.same);
    for (const [key, list] of node.properties) {
      const kept = keep(list);
      if (kept.length) {
        node.properties.set(key, kept);
      } else {
        node.properties.delete(key);
      }
    }
    node.patternProperties = node.patternProperties
      .map(p => ({ ...p, nodes: keep(p.nodes) }))
      .filter(p => p.nodes.length > 0);
    node.anyProperty = keep(node.anyProperty);
    node.anyItem = keep(node.anyItem);
    node.tupleItems = node.tupleItems.map(keep);
    node.laterItems = keep(node.laterItems);
  }
  return live;
}

/** Every string in `value`, however deep. */
function addStrings(value: unknown, into: Set<string>) {
  if (typeof value === 'string') {
    into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) {
      addStrings(item, into);
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) {
      addStrings(item, into);
    }
  }
}

/**
 * `nodes` and every schema that applies to the same value as one of them:
 * of those that lead to a secret, or (`unpruned`) of all.
 */
function closure(
  nodes: Iterable<SecretNode>,
  unpruned = false,
): Set<SecretNode> {
  const result = new Set<SecretNode>();
  const pending = [...nodes];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (!result.has(node)) {
      result.add(node);
      pending.push(...((unpruned && node.unpruned) || node).same);
    }
  }
  return result;
}

/**
 * Which config values are secrets, from a serialized config schema, without
 * compiling it: each package's JSON Schema is walked once for the values
 * marked `visibility: 'secret'` (or `deepVisibility: 'secret'`), through
 * `properties`, `additionalProperties`, `patternProperties`, `items`
 * (both forms), `additionalItems`, `prefixItems`, `contains`,
 * `anyOf`/`oneOf`/`allOf`, `if`/`then`/`else`, `not`, `dependencies` and
 * local `$ref`s (recursive ones included). A config's secrets are then
 * every string at such a path, and in an object or array at such a path
 * every string but those under a key the schema declares by name without
 * marking it secret (see `collectMarked`).
 *
 * It errs on the side of secrecy where Backstage's enumerator
 * (`createConfigSecretEnumerator`, which validates the config against the
 * compiled schema with ajv) is narrower: it ignores the JSON types (a
 * string where the schema wants an object is still at a secret path),
 * applies every branch of an `anyOf`/`oneOf` (ajv stops at the first that
 * matches), applies `additionalProperties` to declared keys too, and takes
 * the undeclared strings inside an object marked secret (Backstage's
 * filter keeps the object but none of its keys: it does not redact the
 * values of the scaffolder's `defaultEnvironment.secrets`, for one).
 * A schema with a secret mark that the walk cannot reach (a keyword it does
 * not know) or a `$ref` it cannot resolve fails the compile: a secret must
 * not go unredacted for that.
 */
export class ConfigSecretPaths {
  private constructor(
    private readonly roots: SecretNode[],
    private readonly live: Set<SecretNode>,
  ) {}

  static fromSerializedSchema(
    serialized: SerializedConfigSchema,
  ): ConfigSecretPaths {
    const roots: SecretNode[] = [];
    const all: SecretNode[] = [];
    for (const { path, value } of serialized.schemas) {
      const compiler = new PackageSchemaCompiler(value, path);
      const root = compiler.compile(value);
      const marks: Array<{ schema: SchemaObject; pointer: string }> = [];
      secretMarks(value, '', marks);
      const missed = marks.find(mark => !compiler.nodes.has(mark.schema));
      if (missed) {
        throw new Error(
          `${path}: the value marked secret at ${
            missed.pointer || '/'
          } is under a JSON Schema keyword that secret enumeration does not know`,
        );
      }
      if (root) {
        roots.push(root);
      }
      all.push(...compiler.nodes.values());
    }
    const live = prune(all);
    return new ConfigSecretPaths(
      roots.filter(root => live.has(root)),
      live,
    );
  }

  /** Every string of `config` at a secret path (see the class). */
  secretsOf(config: Config): Set<string> {
    const secrets = new Set<string>();
    this.collect(config.getOptional() ?? {}, this.roots, secrets);
    return secrets;
  }

  /** The secrets in `value`, which `nodes` describe and is not inside a value marked secret. */
  private collect(value: unknown, nodes: SecretNode[], into: Set<string>) {
    if (nodes.length === 0) {
      return;
    }
    const here = [...closure(nodes)];
    if (here.some(node => node.secret)) {
      this.collectMarked(value, nodes, into);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        const children = here.flatMap(node => [
          ...node.anyItem,
          ...(index < node.tupleItems.length
            ? node.tupleItems[index]
            : node.laterItems),
        ]);
        this.collect(item, children, into);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const children = here.flatMap(node => [
          ...(node.properties.get(key) ?? []),
          ...node.patternProperties
            .filter(p => p.pattern.test(key))
            .flatMap(p => p.nodes),
          ...node.anyProperty,
        ]);
        this.collect(item, children, into);
      }
    }
  }

  /**
   * The secrets in `value`, which is or is inside a value marked secret
   * (`nodes` describe it, if anything does): every string, except under a
   * key that the schema declares by name (`properties`) and does not mark
   * secret, such as a database connection's `host` beside its `password`
   * (under `deepVisibility: 'secret'`, every string).
   * Backstage takes none of the strings of an object marked secret unless
   * they are marked themselves (its filter keeps the object, not its keys);
   * the strings of an array marked secret it takes.
   */
  private collectMarked(
    value: unknown,
    nodes: SecretNode[],
    into: Set<string>,
  ) {
    if (typeof value === 'string') {
      into.add(value);
      return;
    }
    if (typeof value !== 'object' || value === null) {
      return;
    }
    const all = [...closure(nodes, true)];
    if (all.some(node => node.deep)) {
      addStrings(value, into);
      return;
    }
    const here = all.map(node => node.unpruned ?? node);
    if (Array.isArray(value)) {
      value.forEach((item, index) =>
        this.collectMarked(
          item,
          here.flatMap(node => [
            ...node.anyItem,
            ...(index < node.tupleItems.length
              ? node.tupleItems[index]
              : node.laterItems),
          ]),
          into,
        ),
      );
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      const declared = here.flatMap(node => node.properties.get(key) ?? []);
      const children = [
        ...declared,
        ...here.flatMap(node => [
          ...node.patternProperties
            .filter(p => p.pattern.test(key))
            .flatMap(p => p.nodes),
          ...node.anyProperty,
        ]),
      ];
      if (
        declared.length > 0 &&
        ![...closure(children, true)].some(node => node.secret)
      ) {
        // Declared by name and not secret: only what is marked inside.
        this.collect(
          item,
          children.filter(node => this.live.has(node)),
          into,
        );
      } else {
        this.collectMarked(item, children, into);
      }
    }
  }

  /**
   * Every path at which the schema marks a value secret, each as the steps
   * from the config's root; a recursive schema's paths are listed until
   * they would go round the recursion again. For tests and diagnostics.
   */
  secretPaths(): SecretPathStep[][] {
    const paths: SecretPathStep[][] = [];
    const seen = new Set<string>();
    const visit = (
      nodes: SecretNode[],
      steps: SecretPathStep[],
      onPath: Set<SecretNode>,
    ) => {
      const here = [...closure(nodes)].filter(node => !onPath.has(node));
      if (here.length === 0) {
        return;
      }
      if (here.some(node => node.secret)) {
        const key = JSON.stringify(steps);
        if (!seen.has(key)) {
          seen.add(key);
          paths.push(steps);
        }
      }
      const inner = new Set([...onPath, ...here]);
      const keys = new Set(here.flatMap(node => [...node.properties.keys()]));
      for (const key of keys) {
        visit(
          here.flatMap(node => node.properties.get(key) ?? []),
          [...steps, { key }],
          inner,
        );
      }
      for (const node of here) {
        for (const { source, nodes: children } of node.patternProperties) {
          visit(children, [...steps, { keyPattern: source }], inner);
        }
        node.tupleItems.forEach((children, index) =>
          visit(children, [...steps, { index }], inner),
        );
        visit(
          node.laterItems,
          [...steps, { indexFrom: node.tupleItems.length }],
          inner,
        );
      }
      visit(
        here.flatMap(node => node.anyProperty),
        [...steps, { anyKey: true }],
        inner,
      );
      visit(
        here.flatMap(node => node.anyItem),
        [...steps, { anyIndex: true }],
        inner,
      );
    };
    visit(this.roots, [], new Set());
    return paths;
  }
}

/** A secret path as text: `a.b.*.c[*]`, `[0]`, `[1..]`, `/pattern/`. */
export function formatSecretPath(steps: SecretPathStep[]): string {
  return steps
    .map((step, index) => {
      const dot = index === 0 ? '' : '.';
      if ('key' in step) return `${dot}${step.key}`;
      if ('anyKey' in step) return `${dot}*`;
      if ('keyPattern' in step) return `${dot}/${step.keyPattern}/`;
      if ('index' in step) return `[${step.index}]`;
      if ('indexFrom' in step) return `[${step.indexFrom}..]`;
      return '[*]';
    })
    .join('');
}
