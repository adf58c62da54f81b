import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  NotFoundError,
  stringifyError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  OnCallAnswer,
  OnCallPerson,
  PageRecord,
} from '@multivac/plugin-multivac-common';
import {
  OnCallProvider,
  PagingOnCallProvider,
  PersonPaging,
} from '@multivac/plugin-multivac-node';
import {
  PageAlreadyHandledError,
  PageListFilter,
  PageStore,
} from '../database/PageStore';
import { JobQueue } from '../jobs/JobQueue';
import { alreadyHandled } from '../paging/readable';
import { ChannelPaging } from '../paging/ChannelPaging';
import { BuiltinOnCallProvider } from './BuiltinOnCallProvider';
import { OnCallService } from './OnCallService';
import { PeopleDirectory } from './PeopleDirectory';
import { deliverPageChange, PageChangeDeliveries } from './deliverPageChange';

const DELIVER = 'page.deliver';
const ACKNOWLEDGE = 'page.acknowledge';
const ESCALATE = 'page.escalate';
const RESOLVE = 'page.resolve';

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
  store: PageStore;
  onCall: OnCallService;
  jobs: JobQueue;
  catalog: CatalogService;
  auth: AuthService;
  builtin: BuiltinOnCallProvider;
  people: PeopleDirectory;
  deliveries: PageChangeDeliveries;
  /** Reaches the people of built-in pages; without it, pages are only recorded. */
  channels?: ChannelPaging;
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
  private readonly store: PageStore;
  private readonly onCall: OnCallService;
  private readonly jobs: JobQueue;
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly builtin: BuiltinOnCallProvider;
  private readonly people: PeopleDirectory;
  private readonly deliveries: PageChangeDeliveries;
  private readonly channels?: ChannelPaging;

  constructor(options: PagingServiceOptions) {
    this.store = options.store;
    this.onCall = options.onCall;
    this.jobs = options.jobs;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.builtin = options.builtin;
    this.people = options.people;
    this.deliveries = options.deliveries;
    this.channels = options.channels;
    const { jobs } = options;
    jobs.registerHandler(DELIVER, job =>
      this.deliver(String(job.payload.pageId)),
    );
    jobs.registerHandler(ACKNOWLEDGE, job =>
      this.acknowledgeUpstream(String(job.payload.pageId)),
    );
    jobs.registerHandler(RESOLVE, job =>
      this.resolveUpstream(String(job.payload.pageId)),
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
   * Pages a built-in schedule directly, e.g. as the `fallback` when nobody
   * could be resolved for the entity or its provider is down.
   */
  async pageSchedule(
    scheduleId: string,
    request: PageInput,
    actor: string,
    options: { fallback: boolean },
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
      options.fallback,
      actor,
    );
  }

  /**
   * Pages one catalog user directly, without escalation. A paging provider
   * that can reach them (a PagerDuty user) gets the page through a durable
   * job; otherwise it is recorded for chat subscribers to deliver.
   */
  async pageUser(
    userRef: string,
    request: Omit<PageInput, 'entityRef'> & { about?: string },
    actor: string,
  ): Promise<PageRecord> {
    const person = (await this.people.lookup([userRef])).get(userRef)!;
    const context = request.about
      ? await this.entity(request.about)
      : undefined;
    const { provider, unavailable } = await this.personProvider(
      person,
      context,
    );
    const plans = provider ? [] : await this.planDeliveries([person]);
    return this.store.create(
      {
        entityRef: request.about ?? userRef,
        resolvedFrom: userRef,
        provider: provider?.id ?? this.builtin.id,
        scheduleId: userRef,
        scheduleName: `direct page to ${person.name}`,
        fallback: false,
        reportId: request.reportId,
        incidentId: request.incidentId,
        summary: request.summary,
        details: request.details ?? {},
        urgency: request.urgency,
        targets: [person],
        delivery: provider
          ? `sending to ${provider.id}`
          : `recorded; ${this.builtinDelivery(
              'sent to chat where configured',
            )}${unavailable}`,
        createdBy: actor,
      },
      async (tx, page) => {
        await deliverPageChange(this.deliveries, page, 'triggered', '', tx);
        if (provider) {
          await this.enqueueDelivery(tx, page.id);
        } else {
          await this.channels?.start(tx, page, 1, plans);
        }
      },
    );
  }

  /**
   * The first paging provider that can reach `person`; a provider that
   * cannot say (it is down) is named so the page record explains why chat
   * carries the page instead.
   */
  private async personProvider(
    person: OnCallPerson,
    context: Entity | undefined,
  ): Promise<{ provider?: PagingOnCallProvider; unavailable: string }> {
    const failures: string[] = [];
    for (const provider of this.onCall.allProviders()) {
      if (!canPage(provider) || !provider.person) {
        continue;
      }
      try {
        if (await provider.person.canPage(person, context)) {
          return { provider, unavailable: '' };
        }
      } catch (error) {
        failures.push(`${provider.id} unavailable: ${stringifyError(error)}`);
      }
    }
    return {
      unavailable: failures.length ? ` (${failures.join('; ')})` : '',
    };
  }

  /**
   * Stores the page for level 1 of `answer` and, in the same transaction,
   * hands it to a paging provider or schedules its built-in escalation.
   */
  private async record(
    request: PageInput,
    answer: OnCallAnswer,
    provider: OnCallProvider,
    fallback: boolean,
    actor: string,
  ): Promise<PageRecord> {
    const first = answer.levels[0];
    const delegated = canPage(provider);
    const targets = first?.onCall.map(s => s.person) ?? [];
    const plans = delegated ? [] : await this.planDeliveries(targets);
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
        targets,
        delivery: delegated
          ? `sending to ${provider.id}`
          : `recorded; ${this.builtinDelivery(
              'shown on the On call card and page',
            )}`,
        createdBy: actor,
      },
      async (tx, page) => {
        await deliverPageChange(this.deliveries, page, 'triggered', '', tx);
        if (delegated) {
          await this.enqueueDelivery(tx, page.id);
        } else {
          await this.channels?.start(tx, page, 1, plans);
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

  /**
   * Acknowledges a triggered page; 409 when it already was acknowledged
   * (saying by whom, by display name, and when, zone named) or resolved.
   */
  async acknowledge(id: string, actor: string): Promise<PageRecord> {
    try {
      return await this.acknowledgeTriggered(id, actor);
    } catch (error) {
      if (error instanceof PageAlreadyHandledError) {
        throw new ConflictError(await alreadyHandled(error.page, this.people));
      }
      throw error;
    }
  }

  private acknowledgeTriggered(id: string, actor: string) {
    return this.store.acknowledge(id, actor, async (tx, page) => {
      await deliverPageChange(this.deliveries, page, 'acknowledged', '', tx);
      if (page.provider !== 'builtin') {
        await this.jobs.enqueue(
          {
            type: ACKNOWLEDGE,
            idempotencyKey: `${ACKNOWLEDGE}:${id}`,
            payload: { pageId: id },
            lane: 'paging',
          },
          tx,
        );
      }
    });
  }

  /**
   * Resolves a page nobody needs to act on any more (e.g. its alerts
   * recovered): escalation stops, subscribers hear `resolved`, and a paging
   * provider (PagerDuty) resolves its side through a durable job. Direct
   * pages to one person are resolved here only (person paging has no
   * resolve). False when it already was resolved.
   */
  async resolve(id: string, text: string): Promise<boolean> {
    return this.store.resolve(id, text, async (tx, page) => {
      await deliverPageChange(this.deliveries, page, 'resolved', '', tx);
      if (page.provider !== this.builtin.id && !isDirectPage(page)) {
        await this.jobs.enqueue(
          {
            type: RESOLVE,
            idempotencyKey: `${RESOLVE}:${id}`,
            payload: { pageId: id },
            lane: 'paging',
          },
          tx,
        );
      }
    });
  }

  /** With its channel deliveries. */
  async get(id: string): Promise<PageRecord | undefined> {
    const page = await this.store.get(id);
    return page && (await this.withDeliveries([page]))[0];
  }

  /** Newest first, with their channel deliveries. */
  async list(filter: PageListFilter): Promise<PageRecord[]> {
    return this.withDeliveries(await this.store.list(filter));
  }

  private withDeliveries(pages: PageRecord[]): Promise<PageRecord[]> {
    return this.channels
      ? this.channels.withDeliveries(pages)
      : Promise.resolve(pages);
  }

  /** The channel order of each person a built-in page reaches. */
  private async planDeliveries(people: OnCallPerson[]) {
    return this.channels?.enabled ? this.channels.plan(people) : [];
  }

  /** How a built-in page reaches people, for the page's delivery text. */
  private builtinDelivery(withoutChannels: string): string {
    return this.channels?.enabled
      ? 'sent to each person through their paging channels'
      : withoutChannels;
  }

  private enqueueDelivery(
    tx: Parameters<JobQueue['enqueue']>[1],
    pageId: string,
  ) {
    return this.jobs.enqueue(
      {
        type: DELIVER,
        idempotencyKey: `${DELIVER}:${pageId}`,
        payload: { pageId },
        lane: 'paging',
      },
      tx,
    );
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
        lane: 'paging',
        runAfter: new Date(Date.now() + afterMinutes * 60_000),
      },
      tx,
    );
  }

  private async deliver(pageId: string) {
    const target = await this.load(pageId);
    const { page } = target;
    const request = {
      summary: page.summary,
      details: page.details,
      urgency: page.urgency,
      dedupKey: page.dedupKey,
    };
    const result =
      'person' in target
        ? await target.person.page(page.targets[0], target.context, request)
        : await target.provider.page(target.annotated, request);
    await this.store.setDelivery(pageId, result.status);
  }

  private async acknowledgeUpstream(pageId: string) {
    const target = await this.load(pageId);
    const { page } = target;
    if ('person' in target) {
      await target.person.acknowledge(
        page.targets[0],
        target.context,
        page.dedupKey,
      );
    } else {
      await target.provider.acknowledge(target.annotated, page.dedupKey);
    }
  }

  private async resolveUpstream(pageId: string) {
    const target = await this.load(pageId);
    if ('provider' in target) {
      await target.provider.resolve(target.annotated, target.page.dedupKey);
    }
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
    const targets = next.onCall.map(s => s.person);
    const plans = await this.planDeliveries(targets);
    await this.store.escalate(pageId, fromLevel, targets, async tx => {
      await this.channels?.start(tx, page, fromLevel + 1, plans);
      await deliverPageChange(
        this.deliveries,
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
    });
  }

  /**
   * What a delegated page is delivered through: the provider and the
   * annotated entity, or for a direct page the provider's person paging and
   * the entity the page is about.
   */
  private async load(
    pageId: string,
  ): Promise<
    { page: PageRecord } & (
      | { provider: PagingOnCallProvider; annotated: Entity }
      | { person: PersonPaging; context?: Entity }
    )
  > {
    const page = await this.store.get(pageId);
    if (!page) {
      throw new NotFoundError(`No page ${pageId}`);
    }
    const provider = this.onCall.provider(page.provider);
    if (!provider || !canPage(provider)) {
      throw new NotFoundError(
        `Cannot deliver page ${pageId}: provider '${page.provider}' is not installed`,
      );
    }
    if (isDirectPage(page)) {
      if (!provider.person) {
        throw new NotFoundError(
          `Cannot deliver page ${pageId}: provider '${page.provider}' no longer pages people`,
        );
      }
      return {
        page,
        person: provider.person,
        context:
          page.entityRef === page.resolvedFrom
            ? undefined
            : await this.entity(page.entityRef),
      };
    }
    const annotated = await this.entity(page.resolvedFrom);
    if (!annotated) {
      throw new NotFoundError(
        `Cannot deliver page ${pageId}: ${page.resolvedFrom} is not in the catalog`,
      );
    }
    return { page, provider, annotated };
  }

  private async entity(ref: string): Promise<Entity | undefined> {
    return this.catalog.getEntityByRef(ref, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
  }
}

/** A page to one person (`pageUser`) rather than to a schedule. */
function isDirectPage(page: PageRecord): boolean {
  return parseEntityRef(page.resolvedFrom).kind === 'user';
}
