import { createBackend } from '@backstage/backend-defaults';
import { rootLoggerServiceFactory } from './rootLogger';

const backend = createBackend();

// Backstage's root logger, redacting calendar feed tokens from every URL it logs.
backend.add(rootLoggerServiceFactory);

// Serves the built frontend in production; in development the app runs on :3000.
backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Lets the chat bot act with the permissions of the catalog user behind a Slack user.
backend.add(import('@multivac/plugin-auth-backend-module-multivac-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
// Replace with your own policy to restrict the multivac.incident.* permissions.
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

backend.add(import('@multivac/plugin-multivac-backend'));
// Switches on when multivac.pagerDuty is configured; otherwise it logs and does nothing.
backend.add(import('@multivac/plugin-multivac-backend-module-pagerduty'));
// Switches on when multivac.slack is configured.
backend.add(import('@multivac/plugin-multivac-backend-module-slack'));
// Switches on when multivac.jira is configured.
backend.add(import('@multivac/plugin-multivac-backend-module-jira'));

backend.start();
