import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  ALERT_VENDORS,
  AlertUrgency,
  AlertVendor,
} from '@multivac/plugin-multivac-common';

/** A label matcher: an exact value, or a regular expression. */
export type LabelMatcher = {
  label: string;
  value: string | RegExp;
  /** As configured: a value, or a regular expression between slashes. */
  raw: string;
};

export interface RoutingRule {
  match: LabelMatcher[];
  entityRef: string;
}

/** A secret stored hashed (see integrationSecrets.ts). */
export interface HashedSecret {
  hash: string;
  /** Epoch milliseconds after which it is refused; none: no end. */
  validUntil?: number;
}

/**
 * One alert source: from `multivac.alerts.integrations[]` (`config`), or
 * created in the portal and stored in the database (`portal`).
 */
export interface AlertIntegration {
  id: string;
  name: string;
  vendor: AlertVendor;
  managedBy: 'config' | 'portal';
  /**
   * Config: the secrets as written, any of them accepted (several while
   * rotating); also the keys signatures are checked with.
   */
  secrets: string[];
  /** Portal: the current secret and, during a rotation's grace, the previous one. */
  hashedSecrets: HashedSecret[];
  defaultEntityRef?: string;
  rules: RoutingRule[];
  /** Vendor severity (lower case) to urgency; others are low. */
  urgency: Record<string, AlertUrgency>;
  groupWindowMinutes: number;
  /** Grafana's HMAC signature headers (lower case). */
  signatureHeader: string;
  timestampHeader: string;
  /** Zendesk: the account URL ticket links start with. */
  zendeskUrl?: string;
  /** Portal-managed only, ISO times. */
  createdAt?: string;
  secretRotatedAt?: string;
}

const KEY = 'multivac.alerts.integrations';

export const DEFAULT_URGENCY: Record<string, AlertUrgency> = {
  critical: 'high',
  high: 'high',
  error: 'high',
  // Datadog monitor priorities
  p1: 'high',
  p2: 'high',
};

export const DEFAULT_GROUP_WINDOW_MINUTES = 10;
export const GRAFANA_SIGNATURE_HEADER = 'X-Grafana-Alerting-Signature';
export const GRAFANA_TIMESTAMP_HEADER = 'X-Grafana-Alerting-Timestamp';
/** Where senders that cannot sign (Datadog, Sumo Logic) put the secret. */
export const SECRET_HEADER = 'X-Multivac-Secret';

/**
 * Reads and checks `multivac.alerts.integrations` once at start-up; a bad
 * entry fails the start-up with a message naming the key.
 */
export function readAlertIntegrations(config: Config): AlertIntegration[] {
  const list = config.getOptionalConfigArray(KEY) ?? [];
  const seen = new Set<string>();
  return list.map((c, index) => {
    const at = `${KEY}[${index}]`;
    const id = c.getString('id');
    if (!/^[a-z0-9][a-z0-9_-]{0,99}$/i.test(id)) {
      throw new Error(
        `${at}.id: '${id}' must be letters, digits, '-' or '_' (at most 100)`,
      );
    }
    if (seen.has(id)) {
      throw new Error(`${at}.id: '${id}' is used by another integration`);
    }
    seen.add(id);
    const vendor = c.getString('vendor') as AlertVendor;
    if (!ALERT_VENDORS.includes(vendor)) {
      throw new Error(
        `${at}.vendor: '${vendor}' is not one of ${ALERT_VENDORS.join(', ')}`,
      );
    }
    const secrets = c.getStringArray('secrets');
    if (secrets.length === 0 || secrets.some(s => s.length < 16)) {
      throw new Error(
        `${at}.secrets: give at least one secret, each at least 16 characters`,
      );
    }
    const urgencyConfig = c.getOptionalConfig('urgency');
    const urgency = urgencyWithDefaults(
      Object.fromEntries(
        (urgencyConfig?.keys() ?? []).map(severity => {
          const value = urgencyConfig!.getString(severity);
          if (value !== 'high' && value !== 'low') {
            throw new Error(
              `${at}.urgency.${severity}: '${value}' is not high or low`,
            );
          }
          return [severity, value];
        }),
      ),
    );
    const groupWindowMinutes =
      c.getOptionalNumber('groupWindowMinutes') ?? DEFAULT_GROUP_WINDOW_MINUTES;
    if (!(groupWindowMinutes > 0 && groupWindowMinutes <= 24 * 60)) {
      throw new Error(
        `${at}.groupWindowMinutes: ${groupWindowMinutes} is not between 1 and 1440`,
      );
    }
    const defaultRef = c.getOptionalString('defaultEntityRef');
    return {
      id,
      name: c.getString('name'),
      vendor,
      managedBy: 'config' as const,
      secrets,
      hashedSecrets: [],
      defaultEntityRef:
        defaultRef === undefined
          ? undefined
          : entityRefAt(defaultRef, `${at}.defaultEntityRef`),
      rules: (c.getOptionalConfigArray('rules') ?? []).map((rule, r) =>
        readRule(rule, `${at}.rules[${r}]`),
      ),
      urgency,
      groupWindowMinutes,
      signatureHeader: (
        c.getOptionalString('signatureHeader') ?? GRAFANA_SIGNATURE_HEADER
      ).toLowerCase(),
      timestampHeader: (
        c.getOptionalString('timestampHeader') ?? GRAFANA_TIMESTAMP_HEADER
      ).toLowerCase(),
      zendeskUrl: zendeskUrlAt(
        c.getOptionalString('zendeskUrl'),
        `${at}.zendeskUrl`,
      ),
    };
  });
}

/** The default urgencies with an integration's own (any case) over them. */
export function urgencyWithDefaults(
  own: Record<string, AlertUrgency> = {},
): Record<string, AlertUrgency> {
  const urgency = { ...DEFAULT_URGENCY };
  for (const [severity, value] of Object.entries(own)) {
    urgency[severity.toLowerCase()] = value;
  }
  return urgency;
}

/** An entity ref in its full form (`component:default/x`); throws when it is none. */
export function fullEntityRef(ref: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    }),
  );
}

/** The Zendesk account URL without a trailing slash; http(s) only. */
function zendeskUrlAt(url: string | undefined, at: string) {
  if (url === undefined) {
    return undefined;
  }
  if (!/^https?:\/\/[^/\s]+/i.test(url)) {
    throw new Error(`${at}: '${url}' is not an http(s) URL`);
  }
  return url.replace(/\/+$/, '');
}

function readRule(rule: Config, at: string): RoutingRule {
  const matchConfig = rule.getConfig('match');
  const match = matchConfig.keys().map(label => {
    const raw = matchConfig.getString(label);
    const regex = /^\/(.*)\/$/s.exec(raw);
    if (!regex) {
      return { label, value: raw, raw };
    }
    try {
      // Anchored: `/api-.*/` matches the whole value.
      return { label, value: new RegExp(`^(?:${regex[1]})$`), raw };
    } catch (error) {
      throw new Error(`${at}.match.${label}: bad regular expression ${raw}`);
    }
  });
  if (match.length === 0) {
    throw new Error(`${at}.match: name at least one label`);
  }
  return {
    match,
    entityRef: entityRefAt(rule.getString('entityRef'), `${at}.entityRef`),
  };
}

function entityRefAt(ref: string, at: string): string {
  try {
    return fullEntityRef(ref);
  } catch {
    throw new Error(`${at}: '${ref}' is not an entity ref`);
  }
}
