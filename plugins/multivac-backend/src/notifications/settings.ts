import {
  LoggerService,
  RootInstanceMetadataService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

const ENABLED_KEY = 'multivac.notifications.enabled';

/**
 * Whether Multivac sends Backstage notifications:
 * `multivac.notifications.enabled`, else whether the notifications backend
 * plugin runs in this backend. Set it to true when the notifications
 * backend runs in another backend of the same Backstage (a split
 * deployment); false turns them off.
 */
export async function notificationsEnabled(
  config: Config,
  instance: RootInstanceMetadataService,
  logger: LoggerService,
): Promise<boolean> {
  const configured = config.getOptionalBoolean(ENABLED_KEY);
  if (configured !== undefined) {
    logger.info(
      `Backstage notifications ${configured ? 'on' : 'off'} (${ENABLED_KEY})`,
    );
    return configured;
  }
  const installed = (await instance.getInstalledPlugins()).some(
    plugin => plugin.pluginId === 'notifications',
  );
  logger.info(
    installed
      ? 'Backstage notifications on: the notifications plugin is installed'
      : `Backstage notifications off: the notifications plugin is not installed in this backend (set ${ENABLED_KEY} when it runs in another)`,
  );
  return installed;
}
