import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogNames } from '../service/peopleNames';
import { PortalUrls } from '../service/PortalUrls';
import { createBookReleaseAction } from './bookReleaseAction';
import { createRenderScheduleAction } from './renderScheduleAction';

/**
 * Multivac's Scaffolder actions, a module of the `scaffolder` plugin:
 * `multivac:release:book` (books a release window through Multivac's REST
 * API as the template's user) and `multivac:schedule:render` (a team's
 * Schedule entity file from a form, validated by the catalog's rules, with
 * a 4-week preview).
 *
 * By Backstage's convention it would be its own package,
 * `scaffolder-backend-module-multivac`; it ships inside the backend plugin
 * instead (a named export next to the plugin) because a new package needs
 * new lockfile entries, and because `multivac:schedule:render` previews
 * with the backend's on-call engine. Add it with
 * `backend.add(multivacScaffolderModule)` next to the Scaffolder backend.
 *
 * @public
 */
export const multivacScaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'multivac',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, auth, discovery, config, catalog }) {
        scaffolder.addActions(
          createBookReleaseAction({
            auth,
            discovery,
            portalUrls: PortalUrls.fromConfig(config),
          }),
          createRenderScheduleAction({ names: catalogNames(catalog, auth) }),
        );
      },
    });
  },
});
