import { z } from 'zod';
import { AlertAdapter } from '../types';
import {
  alertmanagerAlertSchema,
  alertmanagerBodySchema,
  normalizePrometheusAlert,
} from './alertmanager';
import { parsePayload } from './parsePayload';

/**
 * Grafana Alerting's webhook contact point body: Alertmanager's plus
 * `orgId`, `title`, `state`, `message` and, per alert, `values`,
 * `silenceURL`, `dashboardURL`, `panelURL`
 * (https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/).
 */
const grafanaBodySchema = alertmanagerBodySchema.extend({
  orgId: z.number().optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
  alerts: z
    .array(
      alertmanagerAlertSchema.extend({
        values: z.record(z.number().nullable()).nullable().optional(),
        silenceURL: z.string().optional(),
        dashboardURL: z.string().optional(),
        panelURL: z.string().optional(),
      }),
    )
    .min(1)
    .max(10_000),
});

export const grafanaAdapter: AlertAdapter = payload =>
  parsePayload(grafanaBodySchema, payload, 'Grafana').alerts.map(alert => {
    const normalized = normalizePrometheusAlert(alert, [
      alert.dashboardURL,
      alert.panelURL,
      alert.silenceURL,
    ]);
    const values = Object.entries(alert.values ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    return values
      ? {
          ...normalized,
          labels: { ...normalized.labels, 'grafana.values': values },
        }
      : normalized;
  });
