import { createConfigSecretEnumerator } from '@backstage/backend-defaults/rootConfig';
import {
  WinstonLogger,
  WinstonLoggerLevelOverride,
  WinstonLoggerOptions,
} from '@backstage/backend-defaults/rootLogger';
import {
  coreServices,
  createServiceFactory,
  LoggerService,
  RootConfigService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  asSerializedConfigSchema,
  ConfigSecretPaths,
  SerializedConfigSchema,
} from './configSecrets';

type JsonObject = Parameters<LoggerService['child']>[0];

/**
 * The config schema `npm run build:all` serializes beside the built backend
 * (`packages/backend/dist/config-schema.json`, in the bundle too). From
 * source (`npm start`) there is none.
 */
// The backend's build keeps one module per source file, so __dirname is
// dist/ as built and src/ from source (not resolvePackagePath, which would
// find a built schema from source too).
// eslint-disable-next-line no-restricted-syntax
export const BUILT_CONFIG_SCHEMA = join(__dirname, 'config-schema.json');

/**
 * Query parameters that carry a credential: calendar apps can only send the
 * release feed's token in the URL (`/releases/calendar.ics?token=...`).
 */
const CREDENTIAL_QUERY = /([?&;]token=)[^&#\s"'\\]+/gi;

/** `text` with the value of every credential query parameter replaced by `***`. */
export function redactCredentialQueries(text: string): string {
  return text.replace(CREDENTIAL_QUERY, '$1***');
}

function redactMeta(meta: Error | JsonObject | undefined) {
  if (meta instanceof Error) {
    // A copy: the error is still on its way to the error handler.
    const copy = new Error(redactCredentialQueries(meta.message));
    copy.name = meta.name;
    copy.stack = meta.stack && redactCredentialQueries(meta.stack);
    return copy;
  }
  if (!meta) {
    return meta;
  }
  return Object.fromEntries(
    Object.entries(meta).map(([key, value]) => [
      key,
      typeof value === 'string' ? redactCredentialQueries(value) : value,
    ]),
  );
}

/**
 * A root logger that redacts credential query parameters from every
 * message and field, whoever logs them: the request log and the error
 * handler write the URL of requests that fail before any route could
 * redact it (a malformed body, an odd path). Config secrets are redacted
 * by the Winston logger it wraps, as Backstage's default does.
 */
export class CredentialRedactingLogger implements RootLoggerService {
  constructor(private readonly inner: LoggerService) {}

  error(message: string, meta?: Error | JsonObject): void {
    this.inner.error(redactCredentialQueries(message), redactMeta(meta));
  }

  warn(message: string, meta?: Error | JsonObject): void {
    this.inner.warn(redactCredentialQueries(message), redactMeta(meta));
  }

  info(message: string, meta?: Error | JsonObject): void {
    this.inner.info(redactCredentialQueries(message), redactMeta(meta));
  }

  debug(message: string, meta?: Error | JsonObject): void {
    this.inner.debug(redactCredentialQueries(message), redactMeta(meta));
  }

  /** Backstage's way to add secrets to redact, as its root logger has. */
  addRedactions(redactions: Iterable<string>): void {
    (this.inner as Partial<WinstonLogger>).addRedactions?.(redactions);
  }

  child(meta: JsonObject): LoggerService {
    return new CredentialRedactingLogger(
      this.inner.child(redactMeta(meta) as JsonObject),
    );
  }
}

/**
 * The config schema serialized in `file`, or undefined when there is no
 * such file. A file that cannot be read or is not a serialized schema
 * fails: a broken build must not start without redacting secrets. It is
 * read, not compiled (see {@link ConfigSecretPaths}).
 */
export async function loadBuiltConfigSchema(
  file: string,
): Promise<SerializedConfigSchema | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new Error(
      `Could not read the config schema built with the backend, ${file}: ${error}`,
    );
  }
  try {
    return asSerializedConfigSchema(JSON.parse(text));
  } catch (error) {
    throw new Error(
      `The config schema built with the backend, ${file}, is not a serialized config schema ` +
        `(rebuild with \`npm run build:all\`): ${error}`,
    );
  }
}

/**
 * How the config's secrets are found from the schema built with the
 * backend: the paths it marks secret ({@link ConfigSecretPaths}), with no
 * ajv compile of the whole workspace's schema (which is what Backstage's
 * `createConfigSecretEnumerator({ schema })` does: about 200 MB allocated
 * at start and 50–80 MB more RSS kept, bench/README.md). A schema the walk
 * cannot follow fails here.
 */
function builtSchemaSecrets(
  schema: SerializedConfigSchema,
  file: string,
  logger: LoggerService,
): (config: RootConfigService) => Iterable<string> {
  let paths: ConfigSecretPaths;
  try {
    paths = ConfigSecretPaths.fromSerializedSchema(schema);
  } catch (error) {
    throw new Error(
      `The config schema built with the backend, ${file}, cannot be read for its secrets ` +
        `(rebuild with \`npm run build:all\`): ${error}`,
    );
  }
  return config => {
    const secrets = paths.secretsOf(config);
    logger.info(
      `Found ${secrets.size} new secrets in config that will be redacted`,
    );
    return secrets;
  };
}

/**
 * Backstage's root logger (Winston, `backend.logger.*`, config secrets
 * redacted) wrapped in {@link CredentialRedactingLogger}. The secrets come
 * from the config schema in `schemaFile` when there is one (the built
 * backend), walked for the paths it marks secret without compiling it
 * ({@link ConfigSecretPaths}); otherwise (from source) from the
 * workspace's `config.d.ts` files compiled now by Backstage's
 * `createConfigSecretEnumerator`, as Backstage's default does, which costs
 * a few hundred MB of memory for as long as the backend runs
 * (bench/README.md). Either way they are enumerated again whenever the
 * config changes.
 */
export async function createRootLogger(
  config: RootConfigService,
  options: {
    schemaFile: string;
    transports?: WinstonLoggerOptions['transports'];
  },
): Promise<CredentialRedactingLogger> {
  const logger = WinstonLogger.create({
    meta: {
      service: 'backstage',
      ...config.getOptionalConfig('backend.logger.meta')?.get<JsonObject>(),
    },
    level:
      process.env.LOG_LEVEL ||
      config.getOptionalString('backend.logger.level') ||
      'info',
    transports: options.transports,
  });
  const schema = await loadBuiltConfigSchema(options.schemaFile);
  logger.info(
    schema
      ? `Config secrets to redact from the schema built with the backend, ${options.schemaFile}`
      : `Config secrets to redact from the config schema compiled at start (no ${options.schemaFile})`,
  );
  const secrets = schema
    ? builtSchemaSecrets(schema, options.schemaFile, logger)
    : await createConfigSecretEnumerator({ logger });
  logger.addRedactions(secrets(config));
  config.subscribe?.(() => logger.addRedactions(secrets(config)));
  const overrides = config
    .getOptionalConfigArray('backend.logger.overrides')
    ?.map(
      (override): WinstonLoggerLevelOverride => ({
        level: override.getString('level'),
        matchers: override.getConfig('matchers').get(),
      }),
    );
  logger.setLevelOverrides(overrides ?? []);
  return new CredentialRedactingLogger(logger);
}

/** {@link createRootLogger} with the schema built beside the backend. */
export const rootLoggerServiceFactory = createServiceFactory({
  service: coreServices.rootLogger,
  deps: { config: coreServices.rootConfig },
  factory: ({ config }) =>
    createRootLogger(config, { schemaFile: BUILT_CONFIG_SCHEMA }),
});
