/*
 * Reads the PagerDuty accounts of `multivac.pagerDuty` and makes their
 * clients.
 */
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { TtlCache } from './cache';
import { PagerDutyEventsClient } from './PagerDutyEventsClient';
import {
  DEFAULT_CACHE_TTL_SECONDS,
  PagerDutyRestClient,
  PagerDutyRestClientOptions,
} from './PagerDutyRestClient';
import {
  oauthRegionSchema,
  PagerDutyAccount,
  PagerDutyOAuth,
} from './pagerDutySchemas';

/** The account of the top-level credentials in `multivac.pagerDuty`. */
export const DEFAULT_ACCOUNT = 'default';

const DEFAULT_API_BASE_URL = 'https://api.pagerduty.com';
const DEFAULT_EVENTS_BASE_URL = 'https://events.pagerduty.com';
const DEFAULT_TOKEN_URL = 'https://identity.pagerduty.com/oauth/token';
/** What the module reads and writes; `incidents.read` finds incidents by key. */
const DEFAULT_OAUTH_SCOPES =
  'services.read escalation_policies.read schedules.read users.read ' +
  'users:contact_methods.read oncalls.read incidents.read incidents.write';

/** The clients of one PagerDuty account. */
export interface PagerDutyAccountClients {
  account: PagerDutyAccount;
  rest: PagerDutyRestClient;
  events: PagerDutyEventsClient;
}

export type PagerDutyClientsOptions = Omit<PagerDutyRestClientOptions, 'cache'>;

/**
 * The clients of each account in `multivac.pagerDuty`, keyed by account id
 * (the top-level credentials are `default`). The REST clients share one
 * cache.
 */
export function pagerDutyClientsFromConfig(
  config: Config,
  options: PagerDutyClientsOptions = {},
): Map<string, PagerDutyAccountClients> {
  const path = 'multivac.pagerDuty';
  const pagerDuty = config.getConfig(path);
  const apiBaseUrl = readUrl(
    pagerDuty,
    path,
    'apiBaseUrl',
    DEFAULT_API_BASE_URL,
  );
  const eventsBaseUrl = readUrl(
    pagerDuty,
    path,
    'eventsBaseUrl',
    DEFAULT_EVENTS_BASE_URL,
  );
  const fromEmail = pagerDuty.getOptionalString('fromEmail');
  const ttlSeconds =
    pagerDuty.getOptionalNumber('cacheTtlSeconds') ?? DEFAULT_CACHE_TTL_SECONDS;
  const cache = new TtlCache(ttlSeconds * 1000, options.now);

  const accounts: PagerDutyAccount[] = [
    {
      id: DEFAULT_ACCOUNT,
      apiBaseUrl,
      eventsBaseUrl,
      fromEmail,
      directPageServiceId: pagerDuty.getOptionalString('directPageServiceId'),
      ...readCredentials(pagerDuty, path),
    },
    ...(pagerDuty.getOptionalConfigArray('accounts') ?? []).map(
      (account, index) => {
        const accountPath = `${path}.accounts[${index}]`;
        return {
          id: account.getString('id'),
          apiBaseUrl: readUrl(account, accountPath, 'apiBaseUrl', apiBaseUrl),
          eventsBaseUrl: readUrl(
            account,
            accountPath,
            'eventsBaseUrl',
            eventsBaseUrl,
          ),
          fromEmail: account.getOptionalString('fromEmail') ?? fromEmail,
          directPageServiceId: account.getOptionalString('directPageServiceId'),
          ...readCredentials(account, accountPath),
        };
      },
    ),
  ];
  const clients = new Map<string, PagerDutyAccountClients>();
  for (const account of accounts) {
    if (clients.has(account.id)) {
      throw new InputError(
        `multivac.pagerDuty.accounts: id '${account.id}' is used more than once ` +
          `('${DEFAULT_ACCOUNT}' is the top-level account)`,
      );
    }
    clients.set(account.id, {
      account,
      rest: new PagerDutyRestClient(account, { ...options, cache }),
      events: new PagerDutyEventsClient(account, options),
    });
  }
  return clients;
}

/** An absolute URL without trailing slashes, so paths can be appended. */
function readUrl(
  config: Config,
  path: string,
  key: string,
  fallback: string,
): string {
  const value = config.getOptionalString(key) ?? fallback;
  if (!URL.canParse(value)) {
    throw new InputError(
      `PagerDuty ${key} '${value}' in ${path} is not an absolute URL`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** Exactly one of `apiToken` and `oauth`, at `path` in the config. */
function readCredentials(
  config: Config,
  path: string,
): { apiToken: string } | { oauth: PagerDutyOAuth } {
  const apiToken = config.getOptionalString('apiToken');
  const oauth = config.getOptionalConfig('oauth');
  if (apiToken && !oauth) {
    return { apiToken };
  }
  if (!oauth || apiToken) {
    throw new InputError(
      `Set exactly one of ${path}.apiToken and ${path}.oauth (found ${
        apiToken ? 'both' : 'neither'
      })`,
    );
  }
  return { oauth: readOAuth(oauth, `${path}.oauth`) };
}

function readOAuth(config: Config, path: string): PagerDutyOAuth {
  const region = config.getOptionalString('region') ?? 'us';
  const knownRegion = oauthRegionSchema.safeParse(region);
  if (!knownRegion.success) {
    throw new InputError(
      `${path}.region must be one of ${oauthRegionSchema.options.join(
        ', ',
      )}, not '${region}'`,
    );
  }
  return {
    clientId: config.getString('clientId'),
    clientSecret: config.getString('clientSecret'),
    region: knownRegion.data,
    subdomain: config.getString('subdomain'),
    scopes: config.getOptionalString('scopes') ?? DEFAULT_OAUTH_SCOPES,
    tokenUrl: readUrl(config, path, 'tokenUrl', DEFAULT_TOKEN_URL),
  };
}
