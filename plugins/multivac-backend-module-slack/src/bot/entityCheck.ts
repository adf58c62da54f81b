import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * How long a report modal's submission waits for the catalog. Slack closes
 * the modal with an error after 3 seconds, and the bot needs some of those.
 */
export const ENTITY_CHECK_DEADLINE_MS = 1500;

/**
 * Why the entity typed in the report modal cannot be reported on, for
 * Slack to show under the input; undefined when it is in the catalog, or
 * when the catalog did not answer in time (the report job checks again, and
 * tells the reporter).
 */
export async function entityProblem(options: {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** As typed: `payments-api` or `component:default/payments-api`. */
  entity: string;
  deadlineMs?: number;
}): Promise<string | undefined> {
  const { catalog, auth, logger, entity } = options;
  let ref: string;
  try {
    // As the core reads it (CatalogEntities in the multivac backend).
    ref = stringifyEntityRef(
      parseEntityRef(entity.trim(), {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return `"${entity}" is not a catalog name: write it like payments-api or component:default/payments-api`;
  }
  const lookup = auth
    .getOwnServiceCredentials()
    .then(credentials =>
      catalog.getEntityByRef(ref, {
        credentials,
      }),
    )
    .then(found => (found ? ('found' as const) : ('unknown' as const)));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>(resolve => {
    timer = setTimeout(
      () => resolve('late'),
      options.deadlineMs ?? ENTITY_CHECK_DEADLINE_MS,
    );
  });
  try {
    const answer = await Promise.race([lookup, late]);
    if (answer === 'late') {
      logger.info(
        `The catalog did not say in time whether ${ref} exists; the report job checks it`,
      );
      return undefined;
    }
    return answer === 'unknown'
      ? `There is no ${ref} in the catalog: check the spelling`
      : undefined;
  } catch (error) {
    logger.warn(`Could not look ${ref} up in the catalog: ${error}`);
    return undefined;
  } finally {
    clearTimeout(timer);
    // A lookup that fails after the deadline must not go unhandled.
    lookup.catch(() => {});
  }
}
