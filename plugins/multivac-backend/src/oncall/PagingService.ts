import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { OnCallAnswer, PageRecord } from '@multivac/plugin-multivac-common';
import {
  OnCallProvider,
  PagingOnCallProvider,
} from '@multivac/plugin-multivac-node';
import { DatabasePageStore } from '../database/DatabasePageStore';
import { JobQueue } from '../jobs/JobQueue';
import { BuiltinOnCallProvider } from './BuiltinOnCallProvider';
import { OnCallService } from './OnCallService';
import { PeopleDirectory } from './PeopleDirectory';
import { WorkflowDeliveries } from '../service/WorkflowDeliveries';

const DELIVER = 'page.deliver';
const ACKNOWLEDGE = 'page.acknowledge';
const ESCALATE = 'page.escalate';

export interface PageInput {
  /** The entity the page is about (for a direct page: the user paged). */
  entityRef: string;
  summary: string;
  urgency: 'high' | 'low';
  details?: Record<string, unknown>;
  /** The triage report that asks for the page. */
  reportId?: string;
  /** The incident the page is for. */
  incidentId?: string;
}

export interface PagingServiceOptions {
  store: DatabasePageStore;
  onCall: OnCallService;
  jobs: JobQueue;
  catalog: CatalogService;
  auth: AuthService;
  builtin: BuiltinOnCallProvider;
  people: PeopleDirectory;
  deliveries: WorkflowDeliveries;
}

function canPage(provider: OnCallProvider): provider is PagingOnCallProvider {
  return 'page' in provider;
}

/**
 * Pages whoever is on call for an entity. Providers that page themselves
 * (PagerDuty) get the page through a durable job and escalate on their side;
 * for built-in schedules the page is recorded here and a delayed job moves it
 * to the next escalation level when nobody acknowledged it in time.
 */
export class PagingService {
  private readonly store: DatabasePageStore;
  private readonly onCall: OnCallService;
  private readonly jobs: JobQueue;
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly builtin: BuiltinOnCallProvider;
  private readonly people: PeopleDirectory;
  private readonly deliveries: WorkflowDeliveries;

  constructor(options: PagingServiceOptions) {
    this.store = options.store;
    this.onCall = options.onCall;
    this.jobs = options.jobs;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.builtin = options.builtin;
    this.people = options.people;
    this.deliveries = options.deliveries;
    const { jobs } = options;
    jobs.registerHandler(DELIVER, job =>
      this.deliver(String(job.payload.pageId)),
    );
    jobs.registerHandler(ACKNOWLEDGE, job =>
      this.acknowledgeUpstream(String(job.payload.pageId)),
    );
    jobs.registerHandler(ESCALATE, job =>
      this.escalate(String(job.payload.pageId), Number(job.payload.fromLevel)),
    );
  }

  async page(
    request: PageInput,
    credentials: BackstageCredentials,
    actor: string,
  ): Promise<PageRecord> {
    const { answer, provider } = await this.onCall.resolve(
      request.entityRef,
      credentials,
    );
    return this.record(request, answer, provider, false, actor);
  }

  /**
   * Pages a built-in schedule directly: the fallback when nobody could be
   * resolved for the entity or its provider is down.
   */
  async pageSchedule(
    scheduleId: string,
    request: PageInput,
    actor: string,
  ): Promise<PageRecord> {
    const answer = await this.builtin.getOnCallForSchedule(
      scheduleId,
      new Date(),
    );
    return this.record(
      request,
      {
        ...answer,
        entityRef: request.entityRef,
        resolvedFrom: request.entityRef,
      },
      this.builtin,
      true,
      actor,
    );
  }

  /**
   * Pages one catalog user directly, through the built-in provider: the page
   * reaches them through chat subscribers and does not escalate.
   */
  async pageUser(
    userRef: string,
    request: Omit<PageInput, 'entityRef'>,
    actor: string,
  ): Promise<PageRecord> {
    const person = (await this.people.lookup([userRef])).get(userRef)!;
    return this.store.create(
      {
        entityRef: userRef,
        resolvedFrom: userRef,
        provider: this.builtin.id,
        scheduleId: userRef,
        scheduleName: `direct page to ${person.name}`,
        fallback: false,
        reportId: request.reportId,
        incidentId: request.incidentId,
        summary: request.summary,
        details: request.details ?? {},
        urgency: request.urgency,
        targets: [person],
        delivery: 'recorded; sent to chat where configured',
        createdBy: actor,
      },
      (tx, page) => this.deliveries.pageChanged(page, 'triggered', '', tx),
    );
  }

  /**
   * Stores the page for level 1 of `answer` and, in the same transaction,
   * hands it to a paging provider or schedules its built-in escalation.
   */
  private record(
    request: PageInput,
    answer: OnCallAnswer,
    provider: OnCallProvider,
    fallback: boolean,
    actor: string,
  ): Promise<PageRecord> {
    const first = answer.levels[0];
    const delegated = canPage(provider);
    return this.store.create(
      {
        entityRef: answer.entityRef,
        resolvedFrom: answer.resolvedFrom,
        provider: provider.id,
        scheduleId: answer.schedule.id,
        scheduleName: answer.schedule.name,
        fallback,
        reportId: request.reportId,
        incidentId: request.incidentId,
        summary: request.summary,
        details: request.details ?? {},
        urgency: request.urgency,
        targets: first?.onCall.map(s => s.person) ?? [],
        delivery: delegated
          ? `sending to ${provider.id}`
          : 'recorded; shown on the On call card and page',
        createdBy: actor,
      },
      async (tx, page) => {
        await this.deliveries.pageChanged(page, 'triggered', '', tx);
        if (delegated) {
          await this.jobs.enqueue(
            {
              type: DELIVER,
              idempotencyKey: `${DELIVER}:${page.id}`,
              payload: { pageId: page.id },
            },
            tx,
          );
        } else {
          await this.scheduleEscalation(
            tx,
            page.id,
            1,
            first?.timeoutMinutes ?? 0,
          );
        }
      },
    );
  }

  async acknowledge(id: string, actor: string): Promise<PageRecord> {
    return this.store.acknowledge(id, actor, async (tx, page) => {
      await this.deliveries.pageChanged(page, 'acknowledged', '', tx);
      if (page.provider !== 'builtin') {
        await this.jobs.enqueue(
          {
            type: ACKNOWLEDGE,
            idempotencyKey: `${ACKNOWLEDGE}:${id}`,
            payload: { pageId: id },
          },
          tx,
        );
      }
    });
  }

  get(id: string) {
    return this.store.get(id);
  }

  list(filter: { entityRefs?: string[]; limit: number }) {
    return this.store.list(filter);
  }

  private scheduleEscalation(
    tx: Parameters<JobQueue['enqueue']>[1],
    pageId: string,
    fromLevel: number,
    afterMinutes: number,
  ) {
    return this.jobs.enqueue(
      {
        type: ESCALATE,
        idempotencyKey: `${ESCALATE}:${pageId}:${fromLevel}`,
        payload: { pageId, fromLevel },
        runAfter: new Date(Date.now() + afterMinutes * 60_000),
      },
      tx,
    );
  }

  private async deliver(pageId: string) {
    const { page, provider, annotated } = await this.load(pageId);
    const result = await provider.page(annotated, {
      summary: page.summary,
      details: page.details,
      urgency: page.urgency,
      dedupKey: page.dedupKey,
    });
    await this.store.setDelivery(pageId, result.status);
  }

  private async acknowledgeUpstream(pageId: string) {
    const { page, provider, annotated } = await this.load(pageId);
    await provider.acknowledge(annotated, page.dedupKey);
  }

  private async escalate(pageId: string, fromLevel: number) {
    const page = await this.store.get(pageId);
    if (!page || page.status !== 'triggered' || page.level !== fromLevel) {
      return;
    }
    // Built-in pages escalate along the schedule that was paged.
    const answer = await this.builtin.getOnCallForSchedule(
      page.scheduleId,
      new Date(),
    );
    const next = answer.levels[fromLevel];
    if (!next) {
      await this.store.setDelivery(
        pageId,
        `not acknowledged after level ${fromLevel}, the last escalation level`,
      );
      return;
    }
    await this.store.escalate(
      pageId,
      fromLevel,
      next.onCall.map(s => s.person),
      async tx => {
        await this.deliveries.pageChanged(
          page,
          'escalated',
          String(fromLevel + 1),
          tx,
        );
        await this.scheduleEscalation(
          tx,
          pageId,
          fromLevel + 1,
          next.timeoutMinutes,
        );
      },
    );
  }

  private async load(pageId: string): Promise<{
    page: PageRecord;
    provider: PagingOnCallProvider;
    annotated: Entity;
  }> {
    const page = await this.store.get(pageId);
    if (!page) {
      throw new NotFoundError(`No page ${pageId}`);
    }
    const provider = this.onCall.provider(page.provider);
    const annotated = await this.catalog.getEntityByRef(page.resolvedFrom, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
    if (!provider || !canPage(provider) || !annotated) {
      throw new NotFoundError(
        `Cannot deliver page ${pageId}: provider '${page.provider}' or ${page.resolvedFrom} is gone`,
      );
    }
    return { page, provider, annotated };
  }
}
