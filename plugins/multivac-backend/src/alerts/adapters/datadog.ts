import { z } from 'zod';
import { AlertAdapter } from '../types';
import { parsePayload } from './parsePayload';

/**
 * Datadog's webhook integration sends the payload its webhook is given, with
 * its `$` variables filled in
 * (https://docs.datadoghq.com/integrations/webhooks/#variables); Multivac
 * reads this template (README, "Alerts"):
 *
 * {"alertId": "$ALERT_ID", "alertCycleKey": "$ALERT_CYCLE_KEY",
 *  "aggregKey": "$AGGREG_KEY", "transition": "$ALERT_TRANSITION",
 *  "priority": "$ALERT_PRIORITY", "tags": "$TAGS", "link": "$LINK",
 *  "date": "$DATE", "title": "$EVENT_TITLE", "body": "$EVENT_MSG"}
 */
const datadogSchema = z.object({
  alertId: z.string().max(100).optional(),
  /** Links a monitor's events from trigger to recovery: the identity. */
  alertCycleKey: z.string().min(1).max(400),
  aggregKey: z.string().max(400).optional(),
  /** Triggered, Re-Triggered, Warn, No Data, Renotify, Recovered, … */
  transition: z.string().min(1).max(100),
  /** P1…P5; empty for a monitor without priority. */
  priority: z.string().max(20).optional(),
  /** Comma-separated, e.g. `env:prod,service:payments-api`. */
  tags: z.string().max(10_000).optional(),
  link: z.string().max(2000).optional(),
  /** Epoch milliseconds. */
  date: z.union([z.string(), z.number()]).optional(),
  title: z.string().min(1).max(1000),
  body: z.string().max(100_000).optional(),
});

export const datadogAdapter: AlertAdapter = payload => {
  const dd = parsePayload(datadogSchema, payload, 'Datadog');
  const labels: Record<string, string> = {};
  for (const tag of (dd.tags ?? '').split(',')) {
    const colon = tag.indexOf(':');
    if (colon > 0) {
      labels[tag.slice(0, colon).trim()] = tag.slice(colon + 1).trim();
    }
  }
  if (dd.alertId) labels['datadog.monitor'] = dd.alertId;
  if (dd.aggregKey) labels['datadog.aggregation'] = dd.aggregKey;
  labels['datadog.transition'] = dd.transition;
  return [
    {
      dedupKey: dd.alertCycleKey,
      status: /^recovered$/i.test(dd.transition) ? 'resolved' : 'firing',
      summary: dd.title,
      // Unprioritized monitors are low urgency unless mapped.
      severity: dd.priority ? dd.priority.toLowerCase() : 'unprioritized',
      labels,
      links: dd.link ? [dd.link] : [],
      startsAt: epochToIso(dd.date),
    },
  ];
};

function epochToIso(date: string | number | undefined): string | undefined {
  const ms = Number(date);
  return date !== undefined && date !== '' && Number.isFinite(ms)
    ? new Date(ms).toISOString()
    : undefined;
}
