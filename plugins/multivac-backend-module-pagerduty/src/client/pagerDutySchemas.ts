/*
 * What the PagerDuty clients send and read: the zod schemas of PagerDuty's
 * answers, the types inferred from them, and the accounts and requests the
 * clients take.
 */
import { z } from 'zod';

const reference = z.object({ id: z.string(), summary: z.string().optional() });

const escalationPolicySchema = z.object({
  id: z.string(),
  name: z.string(),
  html_url: z.string().nullish(),
  escalation_rules: z.array(
    z.object({ escalation_delay_in_minutes: z.number() }),
  ),
});

/** As read with `include[]=escalation_policies`: the whole policy inline. */
const serviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  html_url: z.string().nullish(),
  escalation_policy: escalationPolicySchema,
});

const dateTime = z.string().datetime({ offset: true });

const onCallSchema = z.object({
  user: reference,
  escalation_policy: reference,
  escalation_level: z.number(),
  /** `null` for a permanent on-call (a user targeted directly). */
  start: dateTime.nullable(),
  /** `null` when the user does not go off call. */
  end: dateTime.nullable(),
});

const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().optional(),
  /** The user's zone, an IANA name (e.g. `Europe/Berlin`). */
  time_zone: z.string().nullish(),
  contact_methods: z
    .array(
      z.object({
        type: z.string(),
        address: z.string().optional(),
        country_code: z.number().optional(),
      }),
    )
    .default([]),
});

export const serviceBodySchema = z.object({ service: serviceSchema });
export const userBodySchema = z.object({ user: userSchema });
/** Classic pagination: `more` tells whether another page follows. */
const pageSchema = z.object({ more: z.boolean().nullish() });
export const servicesPageSchema = pageSchema.extend({
  services: z.array(serviceSchema),
});
export const onCallsPageSchema = pageSchema.extend({
  oncalls: z.array(onCallSchema),
});
export const usersPageSchema = pageSchema.extend({
  users: z.array(userSchema),
});

const incidentSchema = z.object({
  id: z.string(),
  incident_number: z.number().optional(),
  title: z.string(),
  status: z.enum(['triggered', 'acknowledged', 'resolved']),
  /** `null` for incidents grouped from several alerts. */
  incident_key: z.string().nullish(),
  urgency: z.enum(['high', 'low']).optional(),
  html_url: z.string().nullish(),
  service: reference,
});
export const incidentBodySchema = z.object({ incident: incidentSchema });
export const incidentsPageSchema = z.object({
  incidents: z.array(incidentSchema),
});

export const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().positive(),
});

export const eventResultSchema = z.object({
  status: z.string(),
  message: z.string().optional(),
  dedup_key: z.string().optional(),
});

/** REST errors are `{ error: {...} }`, Events API errors are top level. */
const errorDetails = z.object({
  message: z.string().optional(),
  errors: z.array(z.string()).optional(),
});
export const errorBodySchema = errorDetails.extend({
  error: errorDetails.optional(),
});
/** The token endpoint answers with standard OAuth errors. */
export const oauthErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

/** Service regions of PagerDuty accounts. */
export const oauthRegionSchema = z.enum(['us', 'eu']);

export type PagerDutyService = z.infer<typeof serviceSchema>;
export type PagerDutyEscalationPolicy = z.infer<typeof escalationPolicySchema>;
export type PagerDutyOnCall = z.infer<typeof onCallSchema>;
export type PagerDutyUser = z.infer<typeof userSchema>;
export type PagerDutyEventResult = z.infer<typeof eventResultSchema>;
export type PagerDutyIncident = z.infer<typeof incidentSchema>;

/** An incident to open through the REST API (`POST /incidents`). */
export interface PagerDutyIncidentRequest {
  serviceId: string;
  title: string;
  urgency: 'high' | 'low';
  /** Details shown on the incident. */
  body?: string;
  /** Rejected by PagerDuty while an open incident of the service has it. */
  incidentKey?: string;
  /** Instead of the service's escalation policy. */
  escalationPolicyId?: string;
  /** PagerDuty users to assign it to, instead of any escalation policy. */
  assigneeIds?: string[];
}

/** An Events API v2 event; the client adds the `routing_key`. */
export interface PagerDutyEvent {
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  /** Required for `trigger`. */
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    custom_details?: Record<string, unknown>;
  };
  links?: Array<{ href: string; text?: string }>;
}

/**
 * An Events API v2 change event (`POST /v2/change/enqueue`): something that
 * changed, shown next to the service's incidents; it opens no incident and
 * notifies nobody. The client adds the `routing_key`.
 */
export interface PagerDutyChangeEvent {
  payload: {
    summary: string;
    /** When the change happened (ISO 8601); PagerDuty's receipt time without it. */
    timestamp?: string;
    source?: string;
    custom_details?: Record<string, unknown>;
  };
  links?: Array<{ href: string; text?: string }>;
}

/** Scoped OAuth client credentials of a PagerDuty app. */
export interface PagerDutyOAuth {
  clientId: string;
  clientSecret: string;
  /** Service region of the account, the `<region>` of `as_account-`. */
  region: z.infer<typeof oauthRegionSchema>;
  /** The account's `<subdomain>.pagerduty.com`. */
  subdomain: string;
  /** Space-separated scopes, without the `as_account-` one. */
  scopes: string;
  tokenUrl: string;
}

/** An account authenticates with either an API token or an OAuth client. */
export type PagerDutyAccount = {
  /** `default`, or the `pagerduty.com/account` value that selects it. */
  id: string;
  apiBaseUrl: string;
  eventsBaseUrl: string;
  /** Email of the PagerDuty user sent as `From` when changing incidents. */
  fromEmail?: string;
  /**
   * Service on which incidents paging one person are opened when the page
   * is not about an entity with a service of this account.
   */
  directPageServiceId?: string;
} & (
  | { apiToken: string; oauth?: undefined }
  | { oauth: PagerDutyOAuth; apiToken?: undefined }
);
