import { z } from 'zod';
import { AlertAdapter } from '../types';
import { parsePayload } from './parsePayload';

/**
 * A Sumo Logic webhook connection sends its payload template with the alert
 * variables filled in
 * (https://www.sumologic.com/help/docs/alerts/monitors/alert-variables/);
 * the same connection carries the alert and its recovery. Multivac reads
 * this template (README, "Alerts"):
 *
 * {"id": "{{Id}}", "name": "{{AlertName}}", "triggerType": "{{TriggerType}}",
 *  "description": "{{Description}}", "queryUrl": "{{QueryURL}}",
 *  "triggerTime": "{{TriggerTime}}", "results": {{ResultsJson}}}
 */
const sumoSchema = z.object({
  /** The alert's id: the same on its recovery. */
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(1000),
  /** Critical, Warning, MissingData, ResolvedCritical, ResolvedWarning, ResolvedMissingData. */
  triggerType: z.string().min(1).max(100),
  description: z.string().max(10_000).optional(),
  queryUrl: z.string().max(4000).optional(),
  triggerTime: z.string().max(100).optional(),
  results: z
    .union([z.array(z.record(z.unknown())), z.record(z.unknown()), z.string()])
    .optional(),
});

export const sumoLogicAdapter: AlertAdapter = payload => {
  const sumo = parsePayload(sumoSchema, payload, 'Sumo Logic');
  const resolved = /^resolved/i.test(sumo.triggerType);
  // Critical and ResolvedCritical are one alert; Warning another.
  const family = sumo.triggerType.replace(/^resolved/i, '').toLowerCase();
  const labels: Record<string, string> = {
    alertname: sumo.name,
    'sumologic.triggerType': sumo.triggerType,
  };
  // The first result row's fields (e.g. `service`) can route the alert.
  const rows = Array.isArray(sumo.results) ? sumo.results : [];
  for (const [key, value] of Object.entries(rows[0] ?? {}).slice(0, 20)) {
    if (typeof value === 'string' || typeof value === 'number') {
      labels[key] = String(value);
    }
  }
  const startsAt = sumo.triggerTime ? Date.parse(sumo.triggerTime) : NaN;
  return [
    {
      dedupKey: `${sumo.id}:${family}`,
      status: resolved ? 'resolved' : 'firing',
      summary: sumo.name,
      severity: family,
      labels,
      links: sumo.queryUrl ? [sumo.queryUrl] : [],
      startsAt: Number.isFinite(startsAt)
        ? new Date(startsAt).toISOString()
        : undefined,
    },
  ];
};
