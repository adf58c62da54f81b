import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { multivacIssueTrackerExtensionPoint } from '@multivac/plugin-multivac-node';
import { JiraIssueTracker } from './JiraIssueTracker';

/**
 * Jira for Multivac: post-mortems and their action items as Jira issues.
 * Without `multivac.jira` it does nothing.
 *
 * @public
 */
export const multivacModuleJira = createBackendModule({
  pluginId: 'multivac',
  moduleId: 'jira',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        issueTracker: multivacIssueTrackerExtensionPoint,
      },
      async init({ config, logger, issueTracker }) {
        if (!config.has('multivac.jira')) {
          logger.info('Jira not configured');
          return;
        }
        issueTracker.setIssueTracker(
          JiraIssueTracker.fromConfig(config, { logger }),
        );
      },
    });
  },
});
