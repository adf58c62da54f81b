import { createBackend } from '@backstage/backend-defaults';
import { multivacScaffolderModule } from '@multivac/plugin-multivac-backend';
import { permissionPolicyModule } from './permissionPolicy';
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
// Lets the catalog hold Scaffolder templates (kind Template).
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
// Multivac's on-call schedules as catalog entities (kind Schedule).
backend.add(import('@multivac/plugin-catalog-backend-module-multivac'));

backend.add(import('@backstage/plugin-permission-backend'));
// The Multivac sample policy (see permissionPolicy.ts and the backend
// plugin's README, "Permissions"); replace it with your own. A production
// config refuses to start with allow-all.
backend.add(permissionPolicyModule);

// Backstage notifications (the bell in the portal): Multivac notifies owners,
// paged people and post-mortem owners there (backend README, "Notifications").
backend.add(import('@backstage/plugin-notifications-backend'));

// Backstage signals: live updates pushed to open browsers over a WebSocket
// (Multivac's incident, page and report changes, the notifications bell).
backend.add(import('@backstage/plugin-signals-backend'));
// Backstage's events bus, which carries each signal to every replica's
// browsers: on PostgreSQL (production) it stores events and notifies the
// other replicas; on SQLite (`npm start`, one process) it keeps them in
// memory. Tested in liveUpdatesReplicas.test.ts (backend README, "Live updates").
backend.add(import('@backstage/plugin-events-backend'));

backend.add(import('@multivac/plugin-multivac-backend'));
// Switches on when multivac.pagerDuty is configured; otherwise it logs and does nothing.
backend.add(import('@multivac/plugin-multivac-backend-module-pagerduty'));
// Switches on when multivac.slack is configured.
backend.add(import('@multivac/plugin-multivac-backend-module-slack'));
// Switches on when multivac.jira is configured.
backend.add(import('@multivac/plugin-multivac-backend-module-jira'));

// Backstage search (in-memory Lunr index): the catalog's entities and
// Multivac's incidents and post-mortems, each result filtered by the reader's
// permissions (search.collators.multivac.schedule sets how often it re-reads).
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@multivac/plugin-search-backend-module-multivac'));

// Backstage's actions (Multivac's: on-call, incidents, paging, releases,
// reports) as MCP tools for AI assistants at /api/mcp-actions/v1; which
// plugins' actions it serves is `backend.actions.pluginSources`.
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// The Scaffolder ("Create..." in the portal) with its GitHub actions
// (publish:github:pull-request) and Multivac's actions: multivac:schedule:render
// for the "Put a team on call" template, multivac:release:book for release
// templates (backend plugin README, "Scaffolder actions").
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(multivacScaffolderModule);

backend.start();
