import { z } from 'zod';
import { parsePayload } from './parsePayload';

const id = z.union([z.string().max(100), z.number()]).transform(String);

/**
 * A Zendesk webhook event about a ticket (`zen:event-type:ticket.*`), as
 * Zendesk's webhook event schema documents it (see
 * `__fixtures__/README.md`): the ticket is in `detail`.
 */
const zendeskTicketEventSchema = z.object({
  type: z
    .string()
    .max(200)
    .regex(/^zen:event-type:ticket\./, 'must be a ticket event'),
  id: z.string().max(200).optional(),
  time: z.string().max(40).optional(),
  detail: z.object({
    id,
    subject: z.string().max(1000).default(''),
    description: z.string().max(100_000).default(''),
    priority: z.string().max(50).nullish(),
    status: z.string().max(50).nullish(),
    requester_id: id.nullish(),
    organization_id: id.nullish(),
    tags: z.array(z.string().max(200)).max(200).nullish(),
    created_at: z.string().max(40).nullish(),
  }),
});

/** What a ticket event says about its ticket. */
export interface ZendeskTicket {
  /** Zendesk's ticket id: one report per ticket. */
  ticketId: string;
  /** `zen:event-type:ticket.created`, `…ticket.status_changed`, … */
  eventType: string;
  subject: string;
  description: string;
  /** Lower case: `urgent`, `high`, `normal`, `low`. */
  priority?: string;
  organizationId?: string;
  requesterId?: string;
  /** Tags as labels (`tag:<name>`), plus `priority`, for routing rules. */
  labels: Record<string, string>;
  createdAt?: string;
}

/** Reads a Zendesk ticket event; 400 naming what is missing. */
export function readZendeskTicket(payload: unknown): ZendeskTicket {
  const event = parsePayload(zendeskTicketEventSchema, payload, 'Zendesk');
  const { detail } = event;
  const priority = detail.priority?.toLowerCase() || undefined;
  const labels: Record<string, string> = {};
  for (const tag of detail.tags ?? []) {
    labels[`tag:${tag}`] = 'true';
  }
  if (priority) {
    labels.priority = priority;
  }
  return {
    ticketId: detail.id,
    eventType: event.type,
    subject: detail.subject,
    description: detail.description,
    priority,
    organizationId: detail.organization_id ?? undefined,
    requesterId: detail.requester_id ?? undefined,
    labels,
    createdAt: detail.created_at ?? undefined,
  };
}
