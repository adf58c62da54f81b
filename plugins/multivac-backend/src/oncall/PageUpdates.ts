import { isActiveStatus, PageRecord } from '@multivac/plugin-multivac-common';
import { PageUpdate, PageUpdateReceiver } from '@multivac/plugin-multivac-node';
import { PageStore } from '../database/PageStore';
import { IncidentService } from '../incidents/IncidentService';
import { deliverPageChange, PageChangeDeliveries } from './deliverPageChange';

/**
 * Page updates reported by providers (e.g. PagerDuty webhooks): recorded on
 * the page and carried into the incident the page belongs to. Repeats are
 * harmless, so a provider may deliver the same update again.
 */
export class PageUpdates implements PageUpdateReceiver {
  constructor(
    private readonly pages: PageStore,
    private readonly incidents: IncidentService,
    private readonly deliveries: PageChangeDeliveries,
  ) {}

  async record(update: PageUpdate): Promise<boolean> {
    const page = await this.pages.findByDedupKey(update.dedupKey);
    if (!page) {
      return false;
    }
    const who = `${update.by ?? 'someone'} in ${update.source}`;
    if (update.status === 'acknowledged') {
      if (page.status === 'triggered') {
        await this.pages.acknowledge(page.id, who, (tx, acknowledged) =>
          deliverPageChange(
            this.deliveries,
            acknowledged,
            'acknowledged',
            '',
            tx,
          ),
        );
      }
    } else {
      await this.pages.resolve(page.id, `resolved by ${who}`, (tx, resolved) =>
        deliverPageChange(this.deliveries, resolved, 'resolved', '', tx),
      );
    }
    await this.syncIncident(page, update, who);
    return true;
  }

  /** Acknowledged: a triggered incident is acknowledged; resolved: resolved. */
  private async syncIncident(
    page: PageRecord,
    update: PageUpdate,
    who: string,
  ): Promise<void> {
    if (!page.incidentId) {
      return;
    }
    const incident = await this.incidents.find(page.incidentId);
    if (!incident || !isActiveStatus(incident.status)) {
      return;
    }
    const actor = { ref: `service:${page.provider}`, isUser: false };
    if (update.status === 'resolved') {
      await this.incidents.transition(
        incident.id,
        'resolved',
        actor,
        `page resolved by ${who}`,
      );
    } else if (incident.status === 'triggered') {
      await this.incidents.transition(
        incident.id,
        'acknowledged',
        actor,
        `page acknowledged by ${who}`,
      );
    }
  }
}
