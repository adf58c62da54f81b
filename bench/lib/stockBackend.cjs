/*
 * The baseline of bench/production-footprint.mjs (BENCH_BACKEND=stock): the
 * demo backend's Backstage plugins and modules (packages/backend/src/index.ts)
 * without any Multivac package, as installed (their published dist, no
 * TypeScript loader), with Backstage's allow-all permission policy in place
 * of Multivac's. Started with the demo's config, so it reads the same
 * catalog files (the Schedule entities, whose kind only Multivac's catalog
 * module knows, are refused) and answers 404 on the Multivac routes.
 *
 * BENCH_STOCK_NO_SECRET_SCHEMA=1 (a diagnostic, not a deployment): the
 * default root logger, except that it does not learn which config values
 * are secrets from the config schema. Backstage's does, at start, by
 * compiling every config.d.ts of the workspace's packages with TypeScript.
 */
const { createBackend } = require('@backstage/backend-defaults');

const backend = createBackend();
if (process.env.BENCH_STOCK_NO_SECRET_SCHEMA) {
  const {
    coreServices,
    createServiceFactory,
  } = require('@backstage/backend-plugin-api');
  const { WinstonLogger } = require('@backstage/backend-defaults/rootLogger');
  const { format, transports } = require('winston');
  backend.add(
    createServiceFactory({
      service: coreServices.rootLogger,
      deps: { config: coreServices.rootConfig },
      async factory() {
        return WinstonLogger.create({
          meta: { service: 'backstage' },
          level: process.env.LOG_LEVEL || 'info',
          format: format.json(),
          transports: [new transports.Console()],
        });
      },
    }),
  );
}
backend.add(require('@backstage/plugin-app-backend'));
backend.add(require('@backstage/plugin-auth-backend'));
backend.add(require('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(require('@backstage/plugin-catalog-backend'));
backend.add(
  require('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(require('@backstage/plugin-permission-backend'));
backend.add(
  require('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(require('@backstage/plugin-notifications-backend'));
backend.add(require('@backstage/plugin-signals-backend'));
backend.add(require('@backstage/plugin-events-backend'));
backend.add(require('@backstage/plugin-search-backend'));
backend.add(require('@backstage/plugin-search-backend-module-catalog'));
backend.add(require('@backstage/plugin-mcp-actions-backend'));
backend.add(require('@backstage/plugin-scaffolder-backend'));
backend.add(require('@backstage/plugin-scaffolder-backend-module-github'));
backend.start();
