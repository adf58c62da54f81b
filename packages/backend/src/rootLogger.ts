import { createConfigSecretEnumerator } from '@backstage/backend-defaults/rootConfig';
import {
  WinstonLogger,
  WinstonLoggerLevelOverride,
} from '@backstage/backend-defaults/rootLogger';
import {
  coreServices,
  createServiceFactory,
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';

type JsonObject = Parameters<LoggerService['child']>[0];

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
 * Backstage's root logger (Winston, `backend.logger.*`, config secrets
 * redacted) wrapped in {@link CredentialRedactingLogger}.
 */
export const rootLoggerServiceFactory = createServiceFactory({
  service: coreServices.rootLogger,
  deps: { config: coreServices.rootConfig },
  async factory({ config }) {
    const logger = WinstonLogger.create({
      meta: {
        service: 'backstage',
        ...config.getOptionalConfig('backend.logger.meta')?.get<JsonObject>(),
      },
      level:
        process.env.LOG_LEVEL ||
        config.getOptionalString('backend.logger.level') ||
        'info',
    });
    const secrets = await createConfigSecretEnumerator({ logger });
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
  },
});
