import { AlertVendor } from '@multivac/plugin-multivac-common';
import { AlertAdapter } from '../types';
import { alertmanagerAdapter } from './alertmanager';
import { genericAdapter } from './generic';
import { grafanaAdapter } from './grafana';

/** One small adapter per vendor. */
export const adapters: Record<AlertVendor, AlertAdapter> = {
  alertmanager: alertmanagerAdapter,
  grafana: grafanaAdapter,
  generic: genericAdapter,
};
