import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { Severity } from '@multivac/plugin-multivac-common';
import { ReportService } from '../reports/ReportService';
import { readZendeskTicket, ZendeskTicket } from './adapters/zendesk';
import { AlertIntegration } from './integrations';
import { IntegrationStore } from './IntegrationStore';
import { RouteCandidate } from './routeAlert';
import { NormalizedAlert } from './types';

/** Who files the reports that support tickets become. */
export const ZENDESK_REPORTER = 'service:zendesk';

/** Zendesk priorities that raise a report above the rubric's severity. */
const PRIORITY_SEVERITY: Record<string, Severity> = {
  urgent: 'SEV2',
  high: 'SEV3',
};

/** Tags that name the entity: `service_<name>`, `component_<name>`, `team_<name>`. */
const ENTITY_TAG = /^(service|component|team)_(.+)$/;

/**
 * Zendesk tickets become triage reports (the existing report flow: stored,
 * the entity's on-call paged), not alerts: a customer's problem is triaged
 * like a person's report. One report per ticket: a repeated delivery or an
 * update of the ticket finds the report it already became.
 */
export class TicketReports {
  constructor(
    private readonly options: {
      reports: Pick<ReportService, 'submit'>;
      store: IntegrationStore;
      /** The alerts' routing: tags as labels, the integration's rules, its default. */
      route: (
        alert: Pick<NormalizedAlert, 'labels' | 'entityHint'>,
        integration: AlertIntegration,
      ) => Promise<RouteCandidate | undefined>;
      logger: LoggerService;
    },
  ) {}

  async receive(
    integration: AlertIntegration,
    payload: unknown,
  ): Promise<{ reportId: string; reference?: string; created: boolean }> {
    const { store } = this.options;
    const ticket = readZendeskTicket(payload);
    const known = await store.ticketReport(integration.id, ticket.ticketId);
    if (known) {
      return { reportId: known, created: false };
    }
    const route = await this.options.route(
      { labels: labelsOf(ticket) },
      integration,
    );
    if (!route) {
      throw new InputError(
        `Zendesk ticket ${ticket.ticketId} names no catalog entity: tag it service_<name>, or give the integration a rule or a defaultEntityRef`,
      );
    }
    try {
      const report = await this.options.reports.submit(
        {
          title: (ticket.subject || `Zendesk ticket ${ticket.ticketId}`).slice(
            0,
            200,
          ),
          description: ticket.description.slice(0, 20_000),
          entityRef: route.entityRef,
          usersAffected: 'one',
          scope: 'customer',
          customer: ticket.organizationId
            ? `Zendesk organization ${ticket.organizationId}`
            : `Zendesk requester ${ticket.requesterId ?? 'unknown'}`,
          customerFacing: true,
          links: integration.zendeskUrl
            ? [`${integration.zendeskUrl}/agent/tickets/${ticket.ticketId}`]
            : [],
          severity: ticket.priority
            ? PRIORITY_SEVERITY[ticket.priority]
            : undefined,
        },
        ZENDESK_REPORTER,
        {
          andThen: (tx, reportId) =>
            store.recordTicket(tx, {
              integrationId: integration.id,
              ticketId: ticket.ticketId,
              reportId,
            }),
        },
      );
      return {
        reportId: report.id,
        reference: report.reference,
        created: true,
      };
    } catch (error) {
      // The same ticket delivered twice at once: the other delivery won.
      const winner = await store.ticketReport(integration.id, ticket.ticketId);
      if (winner) {
        return { reportId: winner, created: false };
      }
      throw error;
    }
  }
}

function labelsOf(ticket: ZendeskTicket): Record<string, string> {
  const labels = { ...ticket.labels };
  for (const name of Object.keys(ticket.labels)) {
    const named = ENTITY_TAG.exec(name.slice('tag:'.length));
    if (named && !labels[named[1]]) {
      labels[named[1]] = named[2];
    }
  }
  return labels;
}
