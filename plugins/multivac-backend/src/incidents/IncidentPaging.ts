import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  Incident,
  PageRecord,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { IncidentStore } from '../database/IncidentStore';
import { Transaction } from '../database/Transaction';
import { JobQueue } from '../jobs/JobQueue';
import { OnCallService } from '../oncall/OnCallService';
import { PagingService } from '../oncall/PagingService';
import { PortalUrls } from '../service/PortalUrls';
import { DeclarePagingPolicy } from './pagingPolicy';

const PAGE_INCIDENT = 'incident.page';
const PAGE_SCHEDULE = 'incident.page-schedule';
const ACTOR = 'service:multivac';

/**
 * A declared incident pages the on-call of its affected entities, by the
 * severity policy (`multivac.incidents.paging`), whoever declared it: the
 * portal, chat, the API or a report. One page per schedule even when
 * several entities share it (a schedule already paged for the incident,
 * e.g. by the report it came from, is not paged again); the people paged
 * first become responders, and the timeline says who was paged.
 *
 * Two durable jobs: the first resolves who is on call for each entity and
 * records one job per schedule; each of those pages its schedule once.
 */
export class IncidentPaging {
  constructor(
    private readonly options: {
      store: IncidentStore;
      onCall: OnCallService;
      paging: PagingService;
      pages: { listForIncident(incidentId: string): Promise<PageRecord[]> };
      jobs: JobQueue;
      auth: AuthService;
      logger: LoggerService;
      policy: DeclarePagingPolicy;
      urls: PortalUrls;
    },
  ) {
    options.jobs.registerHandler(PAGE_INCIDENT, job =>
      this.planPages(String(job.incidentId)),
    );
    options.jobs.registerHandler(PAGE_SCHEDULE, job =>
      this.pageSchedule(
        String(job.incidentId),
        String(job.payload.entityRef),
        String(job.payload.schedule),
      ),
    );
  }

  /** Called in the declaring transaction. */
  async declared(tx: Transaction, incidentId: string): Promise<void> {
    await this.options.jobs.enqueue(
      {
        type: PAGE_INCIDENT,
        lane: 'paging',
        idempotencyKey: `${PAGE_INCIDENT}:${incidentId}`,
        incidentId,
        payload: {},
      },
      tx,
    );
  }

  private async planPages(incidentId: string): Promise<void> {
    const { onCall, jobs, auth, policy, logger } = this.options;
    const incident = await this.incident(incidentId);
    if (policy[incident.severity] === 'none') {
      return;
    }
    const credentials = await auth.getOwnServiceCredentials();
    const schedules = new Map<string, string>();
    const unpaged: string[] = [];
    for (const entityRef of incident.entityRefs) {
      try {
        const { answer } = await onCall.resolve(entityRef, credentials);
        const schedule = scheduleKey(answer.provider, answer.schedule.id);
        if (!schedules.has(schedule)) {
          schedules.set(schedule, entityRef);
        }
      } catch (error) {
        if (!(error instanceof NotFoundError)) {
          throw error;
        }
        logger.info(
          `${incident.reference}: nobody to page for ${entityRef}: ${error.message}`,
        );
        unpaged.push(entityRef);
      }
    }
    for (const [schedule, entityRef] of schedules) {
      await jobs.enqueue({
        type: PAGE_SCHEDULE,
        lane: 'paging',
        idempotencyKey: `${PAGE_SCHEDULE}:${incidentId}:${schedule}`,
        incidentId,
        payload: { entityRef, schedule },
      });
    }
    if (unpaged.length > 0) {
      await this.noteOnce(
        incident,
        `Nobody paged for ${unpaged
          .map(shortRef)
          .join(', ')}: no on-call schedule found`,
      );
    }
  }

  private async pageSchedule(
    incidentId: string,
    entityRef: string,
    schedule: string,
  ): Promise<void> {
    const { paging, pages, store, auth, policy, urls } = this.options;
    const incident = await this.incident(incidentId);
    const urgency = policy[incident.severity];
    if (urgency === 'none') {
      return;
    }
    const page =
      (await pages.listForIncident(incident.id)).find(
        p => scheduleKey(p.provider, p.scheduleId) === schedule,
      ) ??
      (await paging.page(
        {
          entityRef,
          summary: `${incident.severity} ${shortRef(entityRef)}: ${
            incident.title
          }`,
          urgency,
          incidentId: incident.id,
          details: {
            incident: incident.reference,
            severity: incident.severity,
            description: incident.description,
            link: urls.incident(incident.reference),
          },
        },
        await auth.getOwnServiceCredentials(),
        incident.createdBy,
      ));
    // People known only to the provider (no catalog user) get no role.
    for (const { userRef } of page.targets) {
      if (userRef) {
        await store.changeRole(
          incident.id,
          { role: 'responder', userRef, action: 'assign' },
          ACTOR,
        );
      }
    }
    await this.noteOnce(
      incident,
      `Paged ${page.targets.map(p => p.name).join(', ') || 'nobody'} (${
        page.scheduleName
      }, ${page.urgency} urgency)`,
    );
  }

  private async incident(incidentId: string): Promise<Incident> {
    const incident = await this.options.store.getIncident(incidentId);
    if (!incident) {
      throw new NotFoundError(`No incident ${incidentId}`);
    }
    return incident;
  }

  /** A retried job must not write the same line twice. */
  private async noteOnce(incident: Incident, text: string): Promise<void> {
    const { store } = this.options;
    const timeline = await store.getTimeline(incident.id);
    if (!timeline.some(e => e.type === 'note' && e.payload.text === text)) {
      await store.addNote(incident.id, text, ACTOR);
    }
  }
}

function scheduleKey(provider: string, scheduleId: string): string {
  return `${provider}:${scheduleId}`;
}
