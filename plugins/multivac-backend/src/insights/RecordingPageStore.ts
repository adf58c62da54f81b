import { OnCallPerson, PageRecord } from '@multivac/plugin-multivac-common';
import { NewPage, PageListFilter, PageStore } from '../database/PageStore';
import { Transaction } from '../database/Transaction';
import { localMoment } from './bands';
import { InsightsStore, NewNotification } from './InsightsStore';
import { PersonTimeZones } from './PersonTimeZones';

/**
 * The page store, recording every level's page to each catalog user in the
 * interruptions ledger, in the same transaction as the page itself. Time
 * zones are looked up before the transaction starts.
 */
export class RecordingPageStore implements PageStore {
  constructor(
    private readonly pages: PageStore,
    private readonly insights: Pick<
      InsightsStore,
      'recordNotifications' | 'linkNotifications'
    >,
    private readonly timeZones: PersonTimeZones,
  ) {}

  async create(
    page: NewPage,
    andThen: (tx: Transaction, page: PageRecord) => Promise<void>,
  ): Promise<PageRecord> {
    const zones = await this.zonesOf(page.targets, page.scheduleId);
    return this.pages.create(page, async (tx, created) => {
      await this.record(tx, created, 1, created.createdAt, zones);
      await andThen(tx, created);
    });
  }

  async escalate(
    id: string,
    fromLevel: number,
    targets: OnCallPerson[],
    andThen: (tx: Transaction) => Promise<void>,
  ): Promise<boolean> {
    const page = await this.pages.get(id);
    const zones = page
      ? await this.zonesOf(targets, page.scheduleId)
      : new Map<string, string>();
    return this.pages.escalate(id, fromLevel, targets, async tx => {
      if (page) {
        await this.record(
          tx,
          { ...page, targets },
          fromLevel + 1,
          new Date().toISOString(),
          zones,
        );
      }
      await andThen(tx);
    });
  }

  async linkIncident(
    tx: Transaction,
    reportId: string,
    incidentId: string,
  ): Promise<void> {
    await this.pages.linkIncident(tx, reportId, incidentId);
    await this.insights.linkNotifications(tx, reportId, incidentId);
  }

  get(id: string) {
    return this.pages.get(id);
  }

  findByDedupKey(dedupKey: string) {
    return this.pages.findByDedupKey(dedupKey);
  }

  listForReports(reportIds: string[]) {
    return this.pages.listForReports(reportIds);
  }

  listForIncident(incidentId: string) {
    return this.pages.listForIncident(incidentId);
  }

  list(filter: PageListFilter) {
    return this.pages.list(filter);
  }

  acknowledge(
    id: string,
    by: string,
    andThen: (tx: Transaction, page: PageRecord) => Promise<void>,
  ) {
    return this.pages.acknowledge(id, by, andThen);
  }

  resolve(
    id: string,
    text: string,
    andThen: (tx: Transaction, page: PageRecord) => Promise<void>,
  ) {
    return this.pages.resolve(id, text, andThen);
  }

  setDelivery(id: string, delivery: string) {
    return this.pages.setDelivery(id, delivery);
  }

  private zonesOf(targets: OnCallPerson[], scheduleId: string) {
    return this.timeZones.zones(
      targets.flatMap(t => (t.userRef ? [t.userRef] : [])),
      scheduleId,
    );
  }

  /** People without a catalog user (e.g. only known to PagerDuty) are not. */
  private async record(
    tx: Transaction,
    page: Pick<PageRecord, 'id' | 'entityRef' | 'incidentId' | 'targets'>,
    level: number,
    at: string,
    zones: Map<string, string>,
  ): Promise<void> {
    const notifications: NewNotification[] = page.targets.flatMap(person => {
      const zone = person.userRef && zones.get(person.userRef);
      if (!person.userRef || !zone) {
        return [];
      }
      const local = localMoment(at, zone);
      return [
        {
          userRef: person.userRef,
          notifiedAt: at,
          source: 'page',
          pageId: page.id,
          level,
          incidentId: page.incidentId,
          entityRef: page.entityRef,
          timeZone: zone,
          localWeekday: local.weekday,
          localHour: local.hour,
          band: local.band,
        },
      ];
    });
    await this.insights.recordNotifications(tx, notifications);
  }
}
