import { ConflictError, NotFoundError } from '@backstage/errors';
import { CreateAlertIntegrationRequest } from '@multivac/plugin-multivac-common';
import { IncomingHttpHeaders } from 'node:http';
import {
  AlertIntegration,
  DEFAULT_GROUP_WINDOW_MINUTES,
  fullEntityRef,
  GRAFANA_SIGNATURE_HEADER,
  GRAFANA_TIMESTAMP_HEADER,
  urgencyWithDefaults,
} from './integrations';
import {
  hashIntegrationSecret,
  newIntegrationSecret,
} from './integrationSecrets';
import { IntegrationStore, StoredIntegration } from './IntegrationStore';
import { Verdict, verifySender } from './verifySender';

/**
 * How long a replica trusts what it read about a portal integration. A
 * change made on another replica (a new integration, a rotation, a
 * deletion) reaches this one within it; an unknown id and a secret this
 * replica does not know yet are looked up at once, so a new integration or
 * secret works everywhere immediately and only a deleted integration (or a
 * secret rotated with no grace) may linger this long on other replicas.
 */
export const INTEGRATION_CACHE_TTL_MS = 5_000;
const INTEGRATION_CACHE_SIZE = 1_000;

/**
 * The alert integrations: those of `multivac.alerts.integrations` (GitOps,
 * read-only here) and those created in the portal (in the database, secrets
 * hashed, rotatable with a grace period). Config ids win; the portal cannot
 * take one.
 */
export class AlertIntegrations {
  private readonly configured: Map<string, AlertIntegration>;
  /** Portal integrations read lately; an unknown id is not remembered. */
  private readonly cache = new Map<
    string,
    { integration: AlertIntegration; expires: number }
  >();

  constructor(
    private readonly options: {
      configured: AlertIntegration[];
      store: IntegrationStore;
      now?: () => number;
    },
  ) {
    this.configured = new Map(options.configured.map(i => [i.id, i]));
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The integration; 404 when there is none. */
  async get(id: string, options: { fresh?: boolean } = {}) {
    const integration = await this.find(id, options);
    if (!integration) {
      throw new NotFoundError(`No alert integration ${id}`);
    }
    return integration;
  }

  private async find(
    id: string,
    { fresh = false }: { fresh?: boolean },
  ): Promise<AlertIntegration | undefined> {
    const configured = this.configured.get(id);
    if (configured) {
      return configured;
    }
    const cached = this.cache.get(id);
    if (!fresh && cached && cached.expires > this.now()) {
      return cached.integration;
    }
    const stored = await this.options.store.get(id);
    if (!stored) {
      this.cache.delete(id);
      return undefined;
    }
    const integration = fromStored(stored);
    this.remember(id, integration);
    return integration;
  }

  private remember(id: string, integration: AlertIntegration) {
    this.cache.delete(id);
    if (this.cache.size >= INTEGRATION_CACHE_SIZE) {
      // Maps iterate in insertion order: the first is the oldest.
      this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(id, {
      integration,
      expires: this.now() + INTEGRATION_CACHE_TTL_MS,
    });
  }

  /**
   * The integration a delivery is for, and whether it comes from its
   * sender. A portal integration whose secret was refused is read again
   * first: another replica may have rotated it a moment ago.
   */
  async authenticate(
    id: string,
    headers: IncomingHttpHeaders,
    rawBody: Buffer,
  ): Promise<{ integration: AlertIntegration; verdict: Verdict }> {
    let integration = await this.get(id);
    let verdict = verifySender(integration, headers, rawBody, this.now());
    if (!verdict.ok && integration.managedBy === 'portal') {
      integration = await this.get(id, { fresh: true });
      verdict = verifySender(integration, headers, rawBody, this.now());
    }
    return { integration, verdict };
  }

  async list(): Promise<AlertIntegration[]> {
    const stored = (await this.options.store.list())
      .filter(s => !this.configured.has(s.id))
      .map(fromStored);
    return [...this.configured.values(), ...stored];
  }

  /** Stores a new portal integration; its secret is returned this once. */
  async create(
    request: CreateAlertIntegrationRequest,
    createdBy: string,
  ): Promise<{ integration: AlertIntegration; secret: string }> {
    if (this.configured.has(request.id)) {
      throw new ConflictError(
        `The alert integration ${request.id} is defined in app-config.yaml`,
      );
    }
    const secret = newIntegrationSecret();
    const stored: StoredIntegration = {
      id: request.id,
      name: request.name,
      vendor: request.vendor,
      defaultEntityRef:
        request.defaultEntityRef && fullEntityRef(request.defaultEntityRef),
      urgency: urgencyWithDefaults(request.urgency),
      groupWindowMinutes:
        request.groupWindowMinutes ?? DEFAULT_GROUP_WINDOW_MINUTES,
      zendeskUrl: request.zendeskUrl?.replace(/\/+$/, ''),
      secretHash: hashIntegrationSecret(secret),
      createdBy,
      createdAt: new Date(this.now()).toISOString(),
    };
    await this.options.store.insert(stored);
    const integration = fromStored(stored);
    this.remember(integration.id, integration);
    return { integration, secret };
  }

  /**
   * A new secret for a portal integration; the current one stays valid for
   * `graceMinutes` (a secret from before the previous rotation ends now).
   * 409 for a config integration (rotate it in app-config.yaml).
   */
  async rotate(
    id: string,
    graceMinutes: number,
  ): Promise<{ integration: AlertIntegration; secret: string }> {
    this.refuseConfigured(id, 'rotate its secrets');
    const secret = newIntegrationSecret();
    const stored = await this.options.store.rotate(
      id,
      hashIntegrationSecret(secret),
      new Date(this.now() + graceMinutes * 60_000),
    );
    if (!stored) {
      throw new NotFoundError(`No alert integration ${id}`);
    }
    const integration = fromStored(stored);
    this.remember(id, integration);
    return { integration, secret };
  }

  /** 409 for a config integration, 404 when there is none. */
  async delete(id: string): Promise<void> {
    this.refuseConfigured(id, 'remove it');
    if (!(await this.options.store.delete(id))) {
      throw new NotFoundError(`No alert integration ${id}`);
    }
    this.cache.delete(id);
  }

  private refuseConfigured(id: string, what: string) {
    if (this.configured.has(id)) {
      throw new ConflictError(
        `The alert integration ${id} is managed in app-config.yaml (multivac.alerts.integrations): ${what} there`,
      );
    }
  }
}

function fromStored(stored: StoredIntegration): AlertIntegration {
  return {
    id: stored.id,
    name: stored.name,
    vendor: stored.vendor,
    managedBy: 'portal',
    secrets: [],
    hashedSecrets: [
      { hash: stored.secretHash },
      ...(stored.previousSecretHash && stored.previousSecretValidUntil
        ? [
            {
              hash: stored.previousSecretHash,
              validUntil: Date.parse(stored.previousSecretValidUntil),
            },
          ]
        : []),
    ],
    defaultEntityRef: stored.defaultEntityRef,
    rules: [],
    urgency: stored.urgency,
    groupWindowMinutes: stored.groupWindowMinutes,
    signatureHeader: GRAFANA_SIGNATURE_HEADER.toLowerCase(),
    timestampHeader: GRAFANA_TIMESTAMP_HEADER.toLowerCase(),
    zendeskUrl: stored.zendeskUrl,
    createdAt: stored.createdAt,
    secretRotatedAt: stored.secretRotatedAt,
  };
}
