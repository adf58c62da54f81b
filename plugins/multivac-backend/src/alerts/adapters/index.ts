import { InputError } from '@backstage/errors';
import { AlertVendor } from '@multivac/plugin-multivac-common';
import { AlertAdapter } from '../types';
import { alertmanagerAdapter } from './alertmanager';
import { datadogAdapter } from './datadog';
import { genericAdapter } from './generic';
import { grafanaAdapter } from './grafana';
import { sumoLogicAdapter } from './sumologic';

/** The vendors whose deliveries are alerts (Zendesk's become reports). */
export type AlertSourceVendor = Exclude<AlertVendor, 'zendesk'>;

/** One small adapter per vendor. */
export const adapters: Record<AlertSourceVendor, AlertAdapter> = {
  alertmanager: alertmanagerAdapter,
  grafana: grafanaAdapter,
  generic: genericAdapter,
  datadog: datadogAdapter,
  sumologic: sumoLogicAdapter,
};

/** The adapter of a vendor whose deliveries are alerts; 400 for the others. */
export function alertAdapterOf(vendor: AlertVendor): AlertAdapter {
  if (vendor === 'zendesk') {
    throw new InputError(
      'Zendesk deliveries become triage reports, not alerts',
    );
  }
  return adapters[vendor];
}
