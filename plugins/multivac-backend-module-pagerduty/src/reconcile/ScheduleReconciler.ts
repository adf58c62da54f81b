import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError, isError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  isScheduleEntity,
  parseScheduleEntity,
  RELATION_ONCALL_FOR,
  SCHEDULE_KIND,
} from '@multivac/plugin-multivac-common';
import {
  MultivacWorkflow,
  WorkflowClient,
} from '@multivac/plugin-multivac-node';
import { createHash, randomUUID } from 'node:crypto';
import { PagerDutyRestClient } from '../client/PagerDutyRestClient';
import { annotation, clientForEntity } from '../entities';
import { desiredPolicy, desiredSchedule } from './mapping';
import { PagerDutyScheduleApi } from './pagerDutyScheduleApi';
import {
  applySchedule,
  planSchedule,
  PlannedChange,
  ReconcileTarget,
} from './planSchedule';
import {
  ReconcileRecord,
  ReconcileState,
  ReconcileStore,
  RUN_LEASE_MS,
  stateOf,
} from './ReconcileStore';

/** Marks a Schedule entity for PagerDuty. */
export const ANNOTATION_PAGERDUTY_RECONCILE = 'pagerduty.com/reconcile';
/** Allows the reconcile to remove layers and escalation rules the file does not have. */
export const ANNOTATION_PAGERDUTY_RECONCILE_REMOVALS =
  'pagerduty.com/reconcile-removals';

export const RECONCILE_JOB = 'pagerduty.schedule-reconcile';

export interface ReconcileSettings {
  /** Attempts of one run before it fails. */
  maxAttempts: number;
  /** Delay before the first retry; doubled per attempt, capped at maxBackoffMs. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RECONCILE_SETTINGS: ReconcileSettings = {
  maxAttempts: 8,
  initialBackoffMs: 30_000,
  maxBackoffMs: 30 * 60_000,
};

/** Reads `multivac.pagerDuty.scheduleReconcile`. */
export function reconcileConfigFromConfig(config: Config): {
  enabled: boolean;
  catalogPollSeconds: number;
  intervalMinutes: number;
  settings: ReconcileSettings;
} {
  const c = config.getOptionalConfig('multivac.pagerDuty.scheduleReconcile');
  const positive = (key: string, fallback: number) => {
    const value = c?.getOptionalNumber(key) ?? fallback;
    if (!(value > 0)) {
      throw new InputError(
        `multivac.pagerDuty.scheduleReconcile.${key} must be positive, not ${value}`,
      );
    }
    return value;
  };
  return {
    enabled: c?.getOptionalBoolean('enabled') ?? true,
    catalogPollSeconds: positive('catalogPollSeconds', 60),
    intervalMinutes: positive('intervalMinutes', 60),
    settings: {
      ...DEFAULT_RECONCILE_SETTINGS,
      maxAttempts: positive(
        'maxAttempts',
        DEFAULT_RECONCILE_SETTINGS.maxAttempts,
      ),
    },
  };
}

interface ReconcileJob {
  entityRef: string;
  runId: string;
  attempt: number;
}

/** What the REST plan answers. */
export interface SchedulePlan {
  schedule: { entityRef: string; title: string; account: string };
  changes: PlannedChange[];
}

/**
 * Reconciles Schedule entities annotated `pagerduty.com/reconcile: 'true'`
 * to PagerDuty: plans, applies as durable jobs of the plugin's job queue
 * (`pagerduty.schedule-reconcile`), retries what PagerDuty could not take
 * (429, 5xx, network), and keeps each schedule's state and PagerDuty ids.
 */
export class ScheduleReconciler implements WorkflowClient {
  readonly id = 'pagerduty-schedule-reconcile';
  private jobs?: MultivacWorkflow['jobs'];

  constructor(
    private readonly options: {
      clients: ReadonlyMap<string, { rest: PagerDutyRestClient }>;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      store: ReconcileStore;
      settings?: ReconcileSettings;
      now?: () => number;
    },
  ) {}

  private get settings() {
    return this.options.settings ?? DEFAULT_RECONCILE_SETTINGS;
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }

  connect(workflow: MultivacWorkflow): void {
    this.jobs = workflow.jobs;
    workflow.jobs.registerHandler(RECONCILE_JOB, job =>
      this.runJob(job.payload as unknown as ReconcileJob),
    );
  }

  /** The Schedule entity, if it exists and `credentials` may see it. */
  async findSchedule(
    entityRef: string,
    credentials?: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials:
        credentials ?? (await this.options.auth.getOwnServiceCredentials()),
    });
    if (!entity || !isScheduleEntity(entity)) {
      throw new NotFoundError(`No Schedule entity ${entityRef}`);
    }
    return entity;
  }

  /** The changes a reconcile would make now. */
  async plan(entity: Entity): Promise<SchedulePlan> {
    const target = await this.target(entity);
    const record = await this.options.store.get(target.entityRef);
    const changes = await planSchedule(target, record?.pagerDuty ?? {});
    return {
      schedule: {
        entityRef: target.entityRef,
        title: target.title,
        account: target.api.accountId,
      },
      changes,
    };
  }

  /** Queues a reconcile of the entity; returns its state. */
  async enqueue(entity: Entity, reason: string): Promise<ReconcileState> {
    const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    this.requireMarked(entity);
    const account = this.apiFor(entity).accountId;
    if (!this.jobs) {
      throw new Error(
        'PagerDuty schedule reconcile: the job queue is not ready',
      );
    }
    const runId = `${reason}:${randomUUID()}`;
    await this.options.store.markPending(entityRef, account);
    await this.jobs.enqueue({
      type: RECONCILE_JOB,
      idempotencyKey: `${RECONCILE_JOB}:${entityRef}:${runId}:1`,
      payload: { entityRef, runId, attempt: 1 },
      maxAttempts: 1,
    });
    return stateOf((await this.options.store.get(entityRef))!);
  }

  /** The stored state; undefined when never reconciled. */
  async state(entityRef: string): Promise<ReconcileState | undefined> {
    const record = await this.options.store.get(
      entityRef.toLocaleLowerCase('en-US'),
    );
    return record && stateOf(record);
  }

  /**
   * Queues the marked Schedules whose spec changed since it was last
   * applied (or, with `all`, every marked Schedule not already running).
   */
  async poll(options: { all: boolean }): Promise<number> {
    const { catalog, auth, store, logger } = this.options;
    const { items } = await catalog.getEntities(
      { filter: { kind: SCHEDULE_KIND } },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const records = new Map(
      (await store.list()).map(record => [record.entityRef, record]),
    );
    let queued = 0;
    for (const entity of items) {
      if (!isScheduleEntity(entity) || !this.isMarked(entity)) {
        continue;
      }
      const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
      const record = records.get(ref);
      if (record && this.inProgress(record)) {
        continue;
      }
      // Compared with what the latest run worked on: a file that failed is
      // not tried again every poll, only when it changes (or on the interval).
      const changed = record?.attemptedHash !== (await this.hashOf(entity));
      if (!changed && !options.all) {
        continue;
      }
      try {
        await this.enqueue(entity, options.all ? 'interval' : 'catalog');
        queued++;
      } catch (error) {
        logger.warn(
          `Not reconciling ${ref} to PagerDuty: ${
            isError(error) ? error.message : error
          }`,
        );
      }
    }
    return queued;
  }

  /**
   * A run that holds the schedule or has its next attempt queued. One that
   * died (its attempt outlived the lease, or its next attempt is long
   * overdue) no longer counts, so the poll starts another.
   */
  private inProgress(record: ReconcileRecord): boolean {
    const now = this.now();
    if (record.status === 'running') {
      return (
        record.lastRunAt !== null &&
        Date.parse(record.lastRunAt) > now - RUN_LEASE_MS
      );
    }
    if (record.status === 'retrying') {
      return (
        record.nextAttemptAt !== null &&
        Date.parse(record.nextAttemptAt) > now - RUN_LEASE_MS
      );
    }
    return false;
  }

  /** One attempt of a run; schedules the next attempt itself. */
  async runJob(job: ReconcileJob): Promise<void> {
    const { store, logger } = this.options;
    const { entityRef, runId, attempt } = job;
    let target: ReconcileTarget;
    let specHash = '';
    try {
      const entity = await this.findSchedule(entityRef);
      specHash = await this.hashOf(entity);
      target = await this.target(entity);
    } catch (error) {
      // Not something to apply (gone, invalid): recorded as failed, and
      // not tried again until the file changes or the interval comes.
      const record = await store.get(entityRef);
      if (
        record &&
        (await store.claim(entityRef, record.account, runId, attempt, specHash))
      ) {
        await this.failed(job, error);
      }
      return;
    }
    const account = target.api.accountId;
    if (!(await store.claim(entityRef, account, runId, attempt, specHash))) {
      logger.info(
        `PagerDuty reconcile of ${entityRef} skipped: another run holds it`,
      );
      return;
    }
    try {
      const record = await store.get(entityRef);
      const changes = await applySchedule(
        target,
        record?.pagerDuty ?? {},
        ids => store.recordIds(entityRef, account, ids),
      );
      await store.finish(entityRef, runId, { status: 'succeeded', specHash });
      const made = changes.filter(c => c.action !== 'none');
      logger.info(
        `Reconciled ${entityRef} to PagerDuty: ${
          made.length === 0
            ? 'no change'
            : made.map(c => `${c.action} ${c.resource}`).join(', ')
        }`,
      );
    } catch (error) {
      await this.failed(job, error);
    }
  }

  private async failed(job: ReconcileJob, error: unknown) {
    const { store, logger } = this.options;
    const message = isError(error) ? error.message : String(error);
    if (!retryable(error) || job.attempt >= this.settings.maxAttempts) {
      logger.warn(
        `PagerDuty reconcile of ${job.entityRef} failed after ${job.attempt} attempt(s): ${message}`,
      );
      await store.finish(job.entityRef, job.runId, {
        status: 'failed',
        error: message,
      });
      return;
    }
    const backoff = Math.min(
      this.settings.initialBackoffMs * 2 ** (job.attempt - 1),
      this.settings.maxBackoffMs,
    );
    const delay = Math.max(backoff, retryAfterMs(message));
    const nextAttemptAt = new Date(this.now() + delay);
    await store.finish(job.entityRef, job.runId, {
      status: 'retrying',
      error: message,
      nextAttemptAt,
    });
    const next = { ...job, attempt: job.attempt + 1 };
    await this.jobs!.enqueue({
      type: RECONCILE_JOB,
      idempotencyKey: `${RECONCILE_JOB}:${job.entityRef}:${job.runId}:${next.attempt}`,
      payload: { ...next },
      runAfter: nextAttemptAt,
      maxAttempts: 1,
    });
    logger.info(
      `PagerDuty reconcile of ${
        job.entityRef
      } retrying at ${nextAttemptAt.toISOString()} (attempt ${
        next.attempt
      } of ${this.settings.maxAttempts}): ${message}`,
    );
  }

  isMarked(entity: Entity): boolean {
    return annotation(entity, ANNOTATION_PAGERDUTY_RECONCILE) === 'true';
  }

  private requireMarked(entity: Entity) {
    if (!this.isMarked(entity)) {
      throw new NotFoundError(
        `${stringifyEntityRef(
          entity,
        )} is not marked for PagerDuty (annotation ${ANNOTATION_PAGERDUTY_RECONCILE}: 'true')`,
      );
    }
  }

  /** The API of a configured account; 400 for an unknown one. */
  apiForAccount(account: string): PagerDutyScheduleApi {
    const client = this.options.clients.get(account);
    if (!client) {
      throw new InputError(
        `account: '${account}' is not a PagerDuty account in multivac.pagerDuty`,
      );
    }
    return new PagerDutyScheduleApi(client.rest);
  }

  apiFor(entity: Entity): PagerDutyScheduleApi {
    return new PagerDutyScheduleApi(
      clientForEntity(this.options.clients, entity).rest,
    );
  }

  /** The Schedule, validated by the catalog's rules, as PagerDuty should have it. */
  private async target(entity: Entity): Promise<ReconcileTarget> {
    this.requireMarked(entity);
    const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    const parsed = parseScheduleEntity(entity);
    if (!parsed.ok) {
      throw new InputError(
        `${entityRef} is not a valid Schedule: ${parsed.problems.join('; ')}`,
      );
    }
    const schedule = parsed.value;
    const policy = desiredPolicy(schedule);
    const userRefs = new Set([
      ...schedule.definition.layers.flatMap(l => l.members),
      ...policy.rules.flatMap(r =>
        r.targets.flatMap(t => (t.type === 'user' ? [t.userRef] : [])),
      ),
    ]);
    const emails = new Map<string, string>();
    const users = await this.entitiesByRefs([...userRefs]);
    for (const ref of userRefs) {
      const email = (users.get(ref)?.spec?.profile as { email?: string })
        ?.email;
      if (email) {
        emails.set(ref, email);
      }
    }
    return {
      entityRef,
      title: schedule.definition.name,
      api: this.apiFor(entity),
      schedule: desiredSchedule(
        schedule,
        entity.metadata.description || undefined,
      ),
      policy,
      emails,
      serviceIds: await this.serviceIdsOf(entity),
      removals:
        annotation(entity, ANNOTATION_PAGERDUTY_RECONCILE_REMOVALS) === 'true',
    };
  }

  /**
   * The Schedule's own `pagerduty.com/service-id` (several, comma-separated)
   * and that of each entity that gets its on-call from it.
   */
  private async serviceIdsOf(entity: Entity): Promise<string[]> {
    const split = (value?: string) =>
      (value ?? '')
        .split(',')
        .map(s => s.trim())
        .filter(Boolean);
    const related = (entity.relations ?? [])
      .filter(r => r.type === RELATION_ONCALL_FOR)
      .map(r => r.targetRef);
    const entities = await this.entitiesByRefs(related);
    return [
      ...new Set([
        ...split(annotation(entity, ANNOTATION_PAGERDUTY_SERVICE_ID)),
        ...related.flatMap(ref => {
          const e = entities.get(ref);
          return e ? split(annotation(e, ANNOTATION_PAGERDUTY_SERVICE_ID)) : [];
        }),
      ]),
    ].sort();
  }

  /** What a reconcile depends on: the spec, the annotations, the services. */
  private async hashOf(entity: Entity): Promise<string> {
    return createHash('sha256')
      .update(
        JSON.stringify({
          spec: entity.spec,
          title: entity.metadata.title ?? null,
          description: entity.metadata.description ?? null,
          removals: annotation(entity, ANNOTATION_PAGERDUTY_RECONCILE_REMOVALS),
          account: annotation(entity, 'pagerduty.com/account'),
          services: await this.serviceIdsOf(entity),
        }),
      )
      .digest('hex');
  }

  private async entitiesByRefs(refs: string[]): Promise<Map<string, Entity>> {
    if (refs.length === 0) {
      return new Map();
    }
    const normal = refs.map(ref =>
      stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'user' })),
    );
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: normal },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    return new Map(
      items.flatMap((entity, i) => (entity ? [[refs[i], entity]] : [])),
    );
  }

  /** For the import: records PagerDuty ids the new file will reconcile to. */
  async recordImported(
    entityRef: string,
    account: string,
    ids: { scheduleId: string; escalationPolicyId?: string },
  ): Promise<ReconcileRecord | undefined> {
    const existing = await this.options.store.get(entityRef);
    if (existing) {
      return existing;
    }
    await this.options.store.recordIds(entityRef, account, ids);
    return this.options.store.get(entityRef);
  }
}

/** PagerDuty could not take it now (429, 5xx, network): worth another try. */
function retryable(error: unknown): boolean {
  if (!isError(error)) {
    return true;
  }
  return ![
    'InputError',
    'NotFoundError',
    'AuthenticationError',
    'NotAllowedError',
    'ConflictError',
  ].includes(error.name);
}

/**
 * The `Retry-After` PagerDuty gave, from the client's message when it
 * stopped waiting (`... Retry-After 120s; try again later`).
 */
function retryAfterMs(message: string): number {
  const match = /Retry-After (\d+(?:\.\d+)?)s/.exec(message);
  return match ? Number(match[1]) * 1000 : 0;
}
