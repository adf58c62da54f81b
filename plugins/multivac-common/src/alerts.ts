import { z } from 'zod';
import { httpUrlSchema, refSchema } from './limits';

/**
 * Alerts from monitoring (Alertmanager, Grafana, Datadog, Sumo Logic, a
 * generic JSON format), routed to catalog entities, deduplicated and
 * grouped; Zendesk tickets arrive on the same endpoints but become reports.
 */

/** @public */
export type AlertStatus = 'firing' | 'resolved';

/** @public */
export type AlertUrgency = 'high' | 'low';

/** @public */
export type AlertVendor =
  | 'alertmanager'
  | 'grafana'
  | 'generic'
  | 'datadog'
  | 'sumologic'
  /** Ticket webhooks: each ticket becomes a triage report, not an alert. */
  | 'zendesk';

/** @public */
export const ALERT_VENDORS: readonly AlertVendor[] = [
  'alertmanager',
  'grafana',
  'generic',
  'datadog',
  'sumologic',
  'zendesk',
];

/**
 * One alert as Multivac keeps it: a repeated delivery of the same vendor
 * alert updates it.
 *
 * @public
 */
export interface Alert {
  id: string;
  integrationId: string;
  /** The vendor's identity of the alert (e.g. fingerprint + startsAt). */
  dedupKey: string;
  status: AlertStatus;
  summary: string;
  /** As the vendor said it, e.g. `critical`. */
  severity?: string;
  urgency: AlertUrgency;
  labels: Record<string, string>;
  links: string[];
  /** The catalog entity it was routed to; none when no route matched. */
  entityRef?: string;
  /** How it was routed: `label:service`, `rule:1`, `default`. */
  routedBy?: string;
  groupId?: string;
  /** The active incident it was attached to instead of paging. */
  incidentId?: string;
  startsAt?: string;
  resolvedAt?: string;
  /** How many deliveries carried it. */
  deliveries: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Alerts on one entity within the integration's rolling window; it pages
 * once.
 *
 * @public
 */
export interface AlertGroup {
  id: string;
  entityRef: string;
  /** `resolved` once all its alerts are. */
  status: AlertStatus;
  /** High when any of its alerts is. */
  urgency: AlertUrgency;
  alertCount: number;
  firingCount: number;
  /** The page it sent, if any. */
  pageId?: string;
  /** The active incident its alerts were attached to. */
  incidentId?: string;
  createdAt: string;
  lastAlertAt: string;
  resolvedAt?: string;
}

/** @public */
export interface AlertGroupDetails extends AlertGroup {
  alerts: Alert[];
}

/**
 * An integration as admins see it: never its secrets.
 *
 * @public
 */
export interface AlertIntegrationInfo {
  id: string;
  name: string;
  vendor: AlertVendor;
  /** Where the sender posts its deliveries. */
  url: string;
  /** How many secrets are valid now (two while rotating). */
  secretCount: number;
  defaultEntityRef?: string;
  rules: Array<{ match: Record<string, string>; entityRef: string }>;
  urgency: Record<string, AlertUrgency>;
  groupWindowMinutes: number;
  /** Zendesk only: the account URL ticket links start with. */
  zendeskUrl?: string;
  /**
   * `config`: from `multivac.alerts.integrations` (GitOps; read-only in the
   * portal); `portal`: created through the REST API, stored in the database.
   */
  managedBy: 'config' | 'portal';
  /** ISO time; portal-managed only. */
  createdAt?: string;
  /** ISO time of the last rotation; portal-managed only. */
  secretRotatedAt?: string;
  /** ISO time until which the secret before the rotation is still accepted. */
  previousSecretValidUntil?: string;
}

/** Id of an integration: the last segment of its delivery URL. @public */
export const alertIntegrationIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,99}$/i,
    "must be letters, digits, '-' or '_' (at most 100), starting with a letter or digit",
  );

/**
 * `POST /alerts/integrations` body (`multivac.integration.manage`).
 *
 * @public
 */
export const createAlertIntegrationRequestSchema = z
  .object({
    id: alertIntegrationIdSchema,
    name: z.string().trim().min(1).max(200),
    vendor: z.enum(ALERT_VENDORS as [AlertVendor, ...AlertVendor[]]),
    defaultEntityRef: refSchema().optional(),
    /** Vendor severity (any case) to urgency; merged over the defaults. */
    urgency: z
      .record(z.string().min(1).max(100), z.enum(['high', 'low']))
      .refine(r => Object.keys(r).length <= 50, 'at most 50 severities')
      .optional(),
    groupWindowMinutes: z.number().int().min(1).max(1440).optional(),
    /**
     * Zendesk only: the account's URL (`https://acme.zendesk.com`), for the
     * ticket link on each report.
     */
    zendeskUrl: httpUrlSchema.optional(),
  })
  .strict();

/** @public */
export type CreateAlertIntegrationRequest = z.infer<
  typeof createAlertIntegrationRequestSchema
>;

/**
 * `POST /alerts/integrations/:id/rotate-secret` body: how long the secret
 * before the rotation stays valid (minutes, 0..10080, default 60).
 *
 * @public
 */
export const rotateAlertIntegrationSecretRequestSchema = z
  .object({
    graceMinutes: z.number().int().min(0).max(10_080).default(60),
  })
  .strict();

/** @public */
export type RotateAlertIntegrationSecretRequest = z.input<
  typeof rotateAlertIntegrationSecretRequestSchema
>;

/**
 * The answer to creating an integration or rotating its secret: the only
 * time the secret is shown (it is stored hashed).
 *
 * @public
 */
export interface AlertIntegrationSecret {
  integration: AlertIntegrationInfo;
  secret: string;
}

/** `GET /alerts` query. @public */
export const listAlertsQuerySchema = z.object({
  status: z.enum(['firing', 'resolved']).optional(),
  urgency: z.enum(['high', 'low']).optional(),
  /** Also what a Group owns or a System contains (a team's alerts). */
  entityRef: z.string().min(1).max(400).optional(),
  integration: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

/** @public */
export type ListAlertsQuery = z.infer<typeof listAlertsQuerySchema>;

/** Where one alert of a sample payload would go. @public */
export interface AlertRoutePreview {
  dedupKey: string;
  summary: string;
  status: AlertStatus;
  urgency: AlertUrgency;
  /** The entity it would page; none when no candidate is in the catalog. */
  entityRef?: string;
  /** What matched: `label:service`, `entityRef`, `rule:2`, `default`. */
  matched?: string;
  /** Every candidate, best first, whether in the catalog or not. */
  candidates: Array<{ entityRef: string; matched: string; inCatalog: boolean }>;
}
