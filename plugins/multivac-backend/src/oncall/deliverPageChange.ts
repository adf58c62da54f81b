import { PageRecord } from '@multivac/plugin-multivac-common';
import { PageChange } from '@multivac/plugin-multivac-node';
import { Transaction } from '../database/Transaction';
import { PageDeliveries, ReportDeliveries } from '../deliveries/kinds';

export interface PageChangeDeliveries {
  pages: PageDeliveries;
  reports: ReportDeliveries;
}

/**
 * Tells page subscribers about a page change. An acknowledged page also
 * changes the report that asked for it (its triage message says who took it).
 */
export async function deliverPageChange(
  deliveries: PageChangeDeliveries,
  page: Pick<PageRecord, 'id' | 'incidentId' | 'reportId'>,
  change: PageChange['change'],
  key: string,
  tx?: Transaction,
): Promise<void> {
  if (page.reportId && change === 'acknowledged') {
    await deliveries.reports.changed(
      { id: page.reportId },
      'acknowledged',
      page.id,
      tx,
    );
  }
  await deliveries.pages.changed(page, change, key, tx);
}
