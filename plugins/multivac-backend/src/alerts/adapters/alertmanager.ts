import { z } from 'zod';
import { AlertAdapter, NormalizedAlert } from '../types';
import { parsePayload } from './parsePayload';

/**
 * Prometheus Alertmanager's webhook body, version 4
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
 * Grafana Alerting sends the same body with a few fields more.
 */
export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string()),
  annotations: z.record(z.string()).default({}),
  // A time Date can read: it is stored, and part of the dedup key.
  startsAt: z
    .string()
    .min(1)
    .refine(value => !Number.isNaN(Date.parse(value)), 'must be a date-time'),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1),
});

export const alertmanagerBodySchema = z.object({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlertSchema).min(1).max(10_000),
});

type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;

/** What Alertmanager and Grafana alerts share; `links` adds vendor links. */
export function normalizePrometheusAlert(
  alert: AlertmanagerAlert,
  links: Array<string | undefined>,
): NormalizedAlert {
  const { labels, annotations } = alert;
  return {
    // startsAt tells two firings of the same series apart; the resolved
    // notification carries the same startsAt as its firing.
    dedupKey: `${alert.fingerprint}:${new Date(alert.startsAt).toISOString()}`,
    status: alert.status,
    summary:
      annotations.summary ??
      annotations.description ??
      labels.alertname ??
      'Alert',
    severity: labels.severity,
    labels: { ...labels },
    links: [alert.generatorURL, annotations.runbook_url, ...links].filter(
      (l): l is string => Boolean(l),
    ),
    startsAt: new Date(alert.startsAt).toISOString(),
  };
}

export const alertmanagerAdapter: AlertAdapter = payload =>
  parsePayload(alertmanagerBodySchema, payload, 'Alertmanager').alerts.map(
    alert => normalizePrometheusAlert(alert, []),
  );
