import { z } from 'zod';
import { AlertAdapter } from '../types';
import { parsePayload } from './parsePayload';

/**
 * Multivac's own JSON format for any other sender (see the README's
 * "Alerts" section): one alert, or `{ alerts: [...] }`.
 */
const genericAlertSchema = z.object({
  summary: z.string().min(1).max(1000),
  dedupKey: z.string().min(1).max(400),
  status: z.enum(['firing', 'resolved']).default('firing'),
  severity: z.string().max(100).optional(),
  source: z.string().max(200).optional(),
  entityRef: z.string().max(400).optional(),
  links: z.array(z.string().url().max(2000)).max(20).default([]),
  labels: z.record(z.string().max(1000)).default({}),
  startsAt: z.string().datetime({ offset: true }).optional(),
});

const genericListSchema = z.object({
  alerts: z.array(genericAlertSchema).min(1).max(10_000),
});

function readGeneric(payload: unknown) {
  if (payload && typeof payload === 'object' && 'alerts' in payload) {
    return parsePayload(genericListSchema, payload, 'generic alert').alerts;
  }
  return [parsePayload(genericAlertSchema, payload, 'generic alert')];
}

export const genericAdapter: AlertAdapter = payload =>
  readGeneric(payload).map(a => ({
    dedupKey: a.dedupKey,
    status: a.status,
    summary: a.summary,
    severity: a.severity,
    labels: { ...a.labels, ...(a.source ? { source: a.source } : {}) },
    links: a.links,
    startsAt: a.startsAt ? new Date(a.startsAt).toISOString() : undefined,
    entityHint: a.entityRef,
  }));
