import { AlertVendor } from '@multivac/plugin-multivac-common';
import { AlertAdapter } from '../types';
import { alertmanagerAdapter } from './alertmanager';
import { datadogAdapter } from './datadog';
import { genericAdapter } from './generic';
import { grafanaAdapter } from './grafana';
import { sumoLogicAdapter } from './sumologic';

/** One small adapter per vendor. */
export const adapters: Record<AlertVendor, AlertAdapter> = {
  alertmanager: alertmanagerAdapter,
  grafana: grafanaAdapter,
  generic: genericAdapter,
  datadog: datadogAdapter,
  sumologic: sumoLogicAdapter,
};
