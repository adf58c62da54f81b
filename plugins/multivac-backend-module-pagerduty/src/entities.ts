import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { ANNOTATION_PAGERDUTY_ACCOUNT } from '@multivac/plugin-multivac-common';
import { DEFAULT_ACCOUNT } from './client/pagerDutyConfig';

/** The annotation's value; an empty one counts as missing. */
export function annotation(entity: Entity, key: string): string | undefined {
  return entity.metadata.annotations?.[key] || undefined;
}

/**
 * The client of the account the entity's `pagerduty.com/account` names, or
 * of the default account without it.
 */
export function clientForEntity<Client>(
  clients: ReadonlyMap<string, Client>,
  entity: Entity,
): Client {
  const account =
    annotation(entity, ANNOTATION_PAGERDUTY_ACCOUNT) ?? DEFAULT_ACCOUNT;
  const client = clients.get(account);
  if (!client) {
    throw new NotFoundError(
      `${stringifyEntityRef(entity)} names PagerDuty account '${account}' ` +
        `(${ANNOTATION_PAGERDUTY_ACCOUNT}), which is not in multivac.pagerDuty.accounts`,
    );
  }
  return client;
}
