import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  checkReleaseSchema,
  createReleaseSchema,
  declareIncidentSchema,
  incidentReadPermission,
  listIncidentsQuerySchema,
  noteSchema,
  pageRequestSchema,
  refSchema,
  reportRequestSchema,
} from '@multivac/plugin-multivac-common';
import { z } from 'zod';
import { IncidentService } from '../incidents/IncidentService';
import { BuiltinOnCallProvider } from '../oncall/BuiltinOnCallProvider';
import { OnCallService } from '../oncall/OnCallService';
import { PagingService } from '../oncall/PagingService';
import { PermissionResources } from '../permissions/registerResourceTypes';
import { ReleaseService } from '../releases';
import { ReportService } from '../reports/ReportService';
import { CatalogEntities } from '../service/CatalogEntities';
import {
  addIncidentNote,
  authorizeIncident,
  declareIncident,
  listIncidents,
} from '../service/incidentsRouter';
import { onCallFor, onCallQuery, sendPage } from '../service/oncallRouter';
import { bookRelease, checkRelease } from '../service/releasesRouter';
import { submitReport } from '../service/reportsRouter';
import { RequestAuth } from '../service/RequestAuth';
import { parseInput } from '../service/validation';
import { registerAction } from './defineAction';

/** What Multivac's actions are built from: the services its routes use. */
export interface MultivacActionServices {
  requestAuth: RequestAuth;
  incidents: IncidentService;
  onCall: OnCallService;
  paging: PagingService;
  builtin: BuiltinOnCallProvider;
  entities: CatalogEntities;
  releases: ReleaseService;
  resources: PermissionResources;
  reports: ReportService;
}

/** The most timeline events `get-incident` returns (the latest ones). */
export const MAX_TIMELINE_EVENTS = 200;

const READ = { readOnly: true, destructive: false, idempotent: true };
/** Adds a record (an incident, a note, a page, a booking, a report). */
const ADD = { readOnly: false, destructive: false, idempotent: false };

// Outputs: the fields a client can count on; the rest passes through.
const incidentOutput = z
  .object({
    id: z.string(),
    reference: z.string().describe('INC-<number>'),
    title: z.string(),
    severity: z.string(),
    status: z.string(),
    entityRefs: z.array(z.string()),
    summary: z.string(),
    impact: z.string(),
  })
  .passthrough();
const timelineEventOutput = z
  .object({
    id: z.string(),
    type: z.string(),
    actor: z.string(),
    createdAt: z.string(),
    payload: z.record(z.unknown()),
  })
  .passthrough();
const conflictsOutput = z.array(z.object({}).passthrough());

/** Names the incident an action is about. */
const incidentInput = z
  .object({
    incident: refSchema().describe('The incident: its reference (INC-7) or id'),
  })
  .passthrough();

/**
 * Registers Multivac's actions, for AI assistants through Backstage's MCP
 * actions backend. Each calls the same operation as its REST route (same
 * schema, same permission, as the calling user), so the two cannot drift.
 */
export function registerMultivacActions(
  registry: ActionsRegistryService,
  services: MultivacActionServices,
): void {
  const { requestAuth, incidents, onCall, entities } = services;
  const incidentOperations = { incidents, requestAuth };

  registerAction(registry, {
    name: 'who-is-on-call',
    title: 'Who is on call',
    description:
      "Who is on call for a catalog entity (a service, its owner group or its system) now, or at a given time: the escalation levels with each person's name, and who takes over next. Needs the permission multivac.oncall.read.",
    input: onCallQuery,
    output: z
      .object({
        entityRef: z.string(),
        resolvedFrom: z.string(),
        provider: z.string(),
        schedule: z.object({ id: z.string(), name: z.string() }).passthrough(),
        levels: z.array(z.object({}).passthrough()),
      })
      .passthrough(),
    attributes: READ,
    examples: [
      {
        title: 'Who is on call for payments-api',
        input: { entityRef: 'component:default/payments-api' },
      },
    ],
    run: (input, credentials) =>
      onCallFor({ onCall, entities, requestAuth }, credentials, input),
  });

  registerAction(registry, {
    name: 'list-active-incidents',
    title: 'List active incidents',
    description:
      'Incidents the caller may read, newest first; by default the active ones (not resolved or cancelled). Filters: entityRef (a service, or a group or system for everything it owns or contains), severity (SEV1..SEV4), status (a state, "active" or "all"), q (words in the title or summary). At most 100 per call (limit, default 20; offset to page on).',
    input: listIncidentsQuerySchema,
    output: z
      .object({
        items: z.array(incidentOutput),
        totalCount: z.number(),
        limit: z.number(),
        offset: z.number(),
      })
      .passthrough(),
    attributes: READ,
    examples: [
      {
        title: 'Active SEV1 incidents of the payments team',
        input: { entityRef: 'group:default/payments', severity: ['SEV1'] },
      },
    ],
    run: (input, credentials) =>
      listIncidents(incidentOperations, credentials, {
        ...input,
        status: input.status ?? 'active',
      }),
  });

  registerAction(registry, {
    name: 'get-incident',
    title: "An incident's summary and timeline",
    description: `One incident (by reference, e.g. INC-7, or id): title, severity, status, affected entities, summary, impact, roles, and its timeline (the latest ${MAX_TIMELINE_EVENTS} events, oldest first; timelineCount says how many there are). Needs multivac.incident.read on the incident.`,
    input: incidentInput.strict(),
    output: z
      .object({
        incident: incidentOutput,
        timeline: z.array(timelineEventOutput),
        timelineCount: z.number(),
      })
      .passthrough(),
    attributes: READ,
    examples: [{ title: 'INC-1', input: { incident: 'INC-1' } }],
    run: async (input, credentials) => {
      const { incident: id } = parseInput(
        incidentInput.strict(),
        input,
        'input',
      );
      const { incident } = await authorizeIncident(
        incidentOperations,
        credentials,
        id,
        incidentReadPermission,
      );
      const timeline = await incidents.timeline(incident.id);
      return {
        incident,
        timeline: timeline.slice(-MAX_TIMELINE_EVENTS),
        timelineCount: timeline.length,
      };
    },
  });

  registerAction(registry, {
    name: 'declare-incident',
    title: 'Declare an incident',
    description:
      'Declares an incident on one or more catalog entities with a severity (SEV1 is the worst); the caller becomes its incident controller, and the on-call is paged as the severity policy says. Returns the incident (its reference is INC-<number>). Needs multivac.incident.create.',
    input: declareIncidentSchema,
    output: incidentOutput,
    attributes: ADD,
    examples: [
      {
        title: 'Card payments failing',
        input: {
          title: 'Card payments failing',
          severity: 'SEV2',
          entityRefs: ['component:default/payments-api'],
        },
      },
    ],
    run: (input, credentials) =>
      declareIncident(incidentOperations, credentials, input),
  });

  registerAction(registry, {
    name: 'add-incident-note',
    title: 'Add a note to an incident',
    description:
      "Adds a note to an incident's timeline, as the caller. Needs multivac.incident.update on the incident.",
    input: noteSchema.extend(incidentInput.shape),
    output: timelineEventOutput,
    attributes: ADD,
    examples: [
      {
        title: 'A note on INC-1',
        input: { incident: 'INC-1', text: 'Rolled back ledger-service 4.2.1' },
      },
    ],
    run: async (input, credentials) => {
      const { incident, ...note } = parseInput(incidentInput, input, 'input');
      return addIncidentNote(incidentOperations, credentials, incident, note);
    },
  });

  registerAction(registry, {
    name: 'page-on-call',
    title: 'Page on-call',
    description:
      'Pages (phone, SMS, app) whoever is on call for a catalog entity, or one person (userRef), or a built-in schedule (scheduleId) about an entity, with a one-line summary saying why. It wakes people up: page only when a person is needed now. Returns the page. Needs multivac.oncall.page.',
    input: pageRequestSchema,
    output: z
      .object({
        id: z.string(),
        entityRef: z.string(),
        status: z.string(),
        summary: z.string(),
      })
      .passthrough(),
    attributes: ADD,
    examples: [
      {
        title: 'Page the on-call of payments-api',
        input: {
          entityRef: 'component:default/payments-api',
          summary: 'Checkout returns 502 for card payments',
        },
      },
    ],
    run: (input, credentials) =>
      sendPage(
        {
          paging: services.paging,
          builtin: services.builtin,
          entities,
          requestAuth,
        },
        credentials,
        input,
      ),
  });

  const releaseOperations = {
    releases: services.releases,
    entities,
    requestAuth,
  };

  registerAction(registry, {
    name: 'check-release-window',
    title: 'Check a release window for conflicts',
    description:
      'The conflicts a release of a catalog entity to an environment in a window (ISO times) would have: releases of the services it depends on or that depend on it, freezes and active incidents; blocked is true when any of them blocks the booking. Books nothing. Needs multivac.release.read.',
    input: checkReleaseSchema,
    output: z
      .object({ conflicts: conflictsOutput, blocked: z.boolean() })
      .passthrough(),
    attributes: READ,
    examples: [
      {
        title: 'payments-api to production tomorrow 10:00-11:00 UTC',
        input: {
          entityRef: 'component:default/payments-api',
          environment: 'production',
          start: '2026-12-06T10:00:00Z',
          end: '2026-12-06T11:00:00Z',
        },
      },
    ],
    run: (input, credentials) =>
      checkRelease(releaseOperations, credentials, input),
  });

  registerAction(registry, {
    name: 'book-release',
    title: 'Book a release',
    description:
      "Books a release window of a catalog entity in the release calendar (owner: the entity's owner unless ownerRef says otherwise). Fails with a conflict error when a blocking conflict is in the way; force (with a reason) overrides it and needs multivac.release.force. Returns the release with its conflicts. Needs multivac.release.create.",
    input: createReleaseSchema,
    output: z
      .object({
        id: z.string(),
        reference: z.string().describe('REL-<number>'),
        entityRef: z.string(),
        environment: z.string(),
        start: z.string(),
        end: z.string(),
        status: z.string(),
        conflicts: conflictsOutput,
      })
      .passthrough(),
    attributes: ADD,
    examples: [
      {
        title: 'Book payments-api v2.4.1 to production',
        input: {
          entityRef: 'component:default/payments-api',
          title: 'v2.4.1',
          environment: 'production',
          start: '2026-12-06T10:00:00Z',
          end: '2026-12-06T11:00:00Z',
        },
      },
    ],
    run: (input, credentials) =>
      bookRelease(
        { ...releaseOperations, resources: services.resources },
        credentials,
        input,
      ),
  });

  registerAction(registry, {
    name: 'create-triage-report',
    title: 'Create a triage report',
    description:
      "Files an issue report: what is broken, on which catalog entity, how many users are affected (usersAffected) and where (scope: everywhere, one region or one customer). The severity rubric rates it (a lower severity than the rubric's needs severityReason), and the entity's on-call is paged with it. Returns the report (RPT-<number>). Needs multivac.report.create.",
    input: reportRequestSchema,
    output: z
      .object({
        id: z.string(),
        reference: z.string().describe('RPT-<number>'),
        entityRef: z.string(),
        severity: z.string(),
      })
      .passthrough(),
    attributes: ADD,
    run: (input, credentials) =>
      submitReport(
        { reports: services.reports, entities, requestAuth },
        credentials,
        input,
      ),
  });
}
