import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  alertReadPermission,
  isoDateTimeSchema,
  OnCallAnswer,
  OnCallCardData,
  oncallOverridePermission,
  oncallPagePermission,
  oneOrMany,
  overrideRequestSchema,
  oncallReadPermission,
  pageAcknowledgePermission,
  pageReadPermission,
  PageRecord,
  pageRequestSchema,
  refSchema,
} from '@multivac/plugin-multivac-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AlertService } from '../alerts';
import { BuiltinOnCallProvider } from '../oncall/BuiltinOnCallProvider';
import { OnCallService } from '../oncall/OnCallService';
import { OverrideService } from '../oncall/OverrideService';
import { PagingService } from '../oncall/PagingService';
import { pageResource } from '../permissions/registerResourceTypes';
import { CatalogEntities } from './CatalogEntities';
import { Caller, ListAuthorization, RequestAuth } from './RequestAuth';
import { checkIdParams, parseInput } from './validation';

/** `GET /oncall` and the who-is-on-call action. */
export const onCallQuery = z
  .object({
    entityRef: refSchema(),
    /** Ask about another moment than now (ISO time). */
    at: isoDateTimeSchema().optional(),
  })
  .strict();
const cardQuery = z.object({ entityRef: refSchema() }).strict();
/** How many recent pages the card shows. */
const CARD_PAGES = 5;
const schedulesQuery = z
  .object({
    from: isoDateTimeSchema().optional(),
    days: z.coerce.number().int().min(1).max(31).default(7),
  })
  .strict();

const pagesQuery = z
  .object({
    entityRef: oneOrMany(refSchema()).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/**
 * `GET /oncall` and the who-is-on-call action: who is on call for the
 * entity (now, or `at`), if the policy lets the caller read on-call.
 */
export async function onCallFor(
  deps: {
    onCall: OnCallService;
    entities: CatalogEntities;
    requestAuth: RequestAuth;
  },
  caller: Caller,
  input: unknown,
): Promise<OnCallAnswer> {
  const credentials = await deps.requestAuth.authorize(
    caller,
    oncallReadPermission,
  );
  const { entityRef, at } = parseInput(onCallQuery, input, 'query');
  const [ref] = deps.entities.normalize([entityRef]);
  return deps.onCall.whoIsOnCall(
    ref,
    credentials,
    at ? new Date(at) : new Date(),
  );
}

/**
 * `POST /pages` and the page-on-call action: if the policy lets the caller
 * page, pages whoever is on call for the entity, one person (`userRef`) or
 * a built-in schedule (`scheduleId`); 400 naming the field on bad input.
 */
export async function sendPage(
  deps: {
    paging: PagingService;
    builtin: BuiltinOnCallProvider;
    entities: CatalogEntities;
    requestAuth: RequestAuth;
  },
  caller: Caller,
  input: unknown,
): Promise<PageRecord> {
  const { paging, builtin, entities, requestAuth } = deps;
  const credentials = await requestAuth.authorize(caller, oncallPagePermission);
  const { userRef, scheduleId, entityRef, ...page } = parseInput(
    pageRequestSchema,
    input,
    'page',
  );
  const actor = requestAuth.actorOf(credentials);
  const [about] = entityRef
    ? await entities.requireExisting([entityRef], credentials)
    : [];
  if (userRef) {
    const [user] = await entities.requireUsers(
      [userRef],
      credentials,
      'userRef',
    );
    return paging.pageUser(user, { ...page, about }, actor);
  }
  if (scheduleId) {
    if (!builtin.hasSchedule(scheduleId)) {
      throw new InputError(
        `scheduleId: no built-in schedule '${scheduleId}' in multivac.onCall.schedules`,
      );
    }
    return paging.pageSchedule(
      scheduleId,
      { ...page, entityRef: about! },
      actor,
      { fallback: false },
    );
  }
  return paging.page({ ...page, entityRef: about! }, credentials, actor);
}

/** Who is on call (`/oncall`, `/oncall/schedules`) and paging (`/pages`). */
export function createOnCallRouter(options: {
  onCall: OnCallService;
  paging: PagingService;
  builtin: BuiltinOnCallProvider;
  entities: CatalogEntities;
  requestAuth: RequestAuth;
  /** For the card's count of firing alerts. */
  alerts?: AlertService;
  /** Shift cover (`/oncall/schedules/:id/overrides`); absent: no such routes. */
  overrides?: OverrideService;
}): express.Router {
  const { onCall, paging, builtin, entities, requestAuth, alerts } = options;
  const router = Router();
  checkIdParams(router, 'id');
  router.use(express.json({ limit: '1mb' }));

  router.get('/oncall', async (req, res) => {
    res.json(
      await onCallFor({ onCall, entities, requestAuth }, req, req.query),
    );
  });

  /** A refusal as `false`, anything else as it is. */
  async function allowed(check: () => Promise<unknown>): Promise<boolean> {
    try {
      await check();
      return true;
    } catch (error) {
      if (error instanceof NotAllowedError) {
        return false;
      }
      throw error;
    }
  }

  /**
   * The entity page's on-call card in one request: the on-call answer, the
   * recent pages the caller may read, and whether the caller may page and
   * acknowledge each of them. The decisions are the policy's (through the
   * plugin's per-user decision cache, conditions applied here to each
   * page), so the browser asks the permission backend nothing; the POSTs
   * check again.
   */
  router.get('/oncall/card', async (req, res) => {
    // Asked together: decisions not remembered yet go to the policy in one
    // call per method (CachedPermissions batches a user's checks of the
    // same moment).
    const [credentials, mayPage, mayReadAlerts, pageRead, mayOverride] =
      await Promise.all([
        requestAuth.authorize(req, oncallReadPermission),
        allowed(() => requestAuth.authorize(req, oncallPagePermission)),
        allowed(() => requestAuth.authorize(req, alertReadPermission)),
        readablePages(req),
        allowed(() => requestAuth.authorize(req, oncallOverridePermission)),
      ]);
    const { entityRef } = parseInput(cardQuery, req.query, 'query');
    const [ref] = entities.normalize([entityRef]);
    const [answer, recentPages, firingAlerts] = await Promise.all([
      whoIsOnCall(ref, credentials),
      pageRead
        ? paging.list({
            entityRefs: [ref],
            limit: CARD_PAGES,
            permission: pageRead.filter,
          })
        : [],
      mayReadAlerts ? firingAlertsOf(ref) : undefined,
    ]);
    const card: OnCallCardData = {
      ...answer,
      recentPages,
      ...(firingAlerts !== undefined && { firingAlerts }),
      viewer: {
        mayPage,
        mayAcknowledge: await acknowledgeable(req, recentPages),
        // Shift cover (issue 19): only built-in schedules store overrides.
        mayOverride:
          mayOverride &&
          Boolean(options.overrides) &&
          'onCall' in answer &&
          answer.onCall.provider === 'builtin',
      },
    };
    res.json(card);
  });

  async function whoIsOnCall(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<{ onCall: OnCallAnswer } | { notFound: string }> {
    try {
      return { onCall: await onCall.whoIsOnCall(ref, credentials, new Date()) };
    } catch (error) {
      if (error instanceof NotFoundError) {
        return { notFound: error.message };
      }
      throw error;
    }
  }

  /** As `GET /alerts?entityRef=&status=firing` counts them. */
  async function firingAlertsOf(ref: string): Promise<number | undefined> {
    if (!alerts) {
      return undefined;
    }
    const { totalCount } = await alerts.list({
      status: 'firing',
      entityRefs: await entities.withOwnedAndContained([ref]),
      limit: 1,
      offset: 0,
    });
    return totalCount;
  }

  /** Which pages the caller may read; undefined when none. */
  async function readablePages(
    req: express.Request,
  ): Promise<ListAuthorization | undefined> {
    try {
      return await requestAuth.authorizeList(req, pageReadPermission);
    } catch (error) {
      if (error instanceof NotAllowedError) {
        return undefined;
      }
      throw error;
    }
  }

  /** The ids of the triggered pages the caller may acknowledge. */
  async function acknowledgeable(
    req: express.Request,
    pages: PageRecord[],
  ): Promise<string[]> {
    const triggered = pages.filter(page => page.status === 'triggered');
    if (triggered.length === 0) {
      return [];
    }
    const owners = await entities.ownersOf(triggered.map(p => p.entityRef));
    const decisions = await Promise.all(
      triggered.map(page =>
        allowed(() =>
          requestAuth.authorizeCandidate(
            req,
            pageAcknowledgePermission,
            pageResource(page, owners.get(page.entityRef) ?? []),
            page.id,
          ),
        ),
      ),
    );
    return triggered.filter((_, i) => decisions[i]).map(page => page.id);
  }

  router.get('/oncall/schedules', async (req, res) => {
    await requestAuth.authorize(req, oncallReadPermission);
    const { from, days } = parseInput(schedulesQuery, req.query, 'query');
    const items = await builtin.overview(
      from ? new Date(from) : new Date(),
      days,
    );
    res.json({ items });
  });

  // Shift cover (issue 19): overrides stored by Multivac.
  const { overrides } = options;
  if (overrides) {
    checkIdParams(router, 'overrideId');
    router.get('/oncall/schedules/:id/overrides', async (req, res) => {
      await requestAuth.authorize(req, oncallReadPermission);
      res.json({ items: await overrides.list(req.params.id) });
    });
    router.post('/oncall/schedules/:id/overrides', async (req, res) => {
      const credentials = await requestAuth.authorize(
        req,
        oncallOverridePermission,
      );
      const request = parseInput(overrideRequestSchema, req.body, 'override');
      res
        .status(201)
        .json(
          await overrides.create(
            req.params.id,
            request,
            requestAuth.actorOf(credentials),
            credentials,
          ),
        );
    });
    router.delete(
      '/oncall/schedules/:id/overrides/:overrideId',
      async (req, res) => {
        const credentials = await requestAuth.authorize(
          req,
          oncallOverridePermission,
        );
        await overrides.cancel(
          req.params.id,
          req.params.overrideId,
          requestAuth.actorOf(credentials),
          credentials,
        );
        res.status(204).end();
      },
    );
  }

  router.post('/pages', async (req, res) => {
    res
      .status(201)
      .json(
        await sendPage(
          { paging, builtin, entities, requestAuth },
          req,
          req.body,
        ),
      );
  });

  router.get('/pages', async (req, res) => {
    const { filter } = await requestAuth.authorizeList(req, pageReadPermission);
    const query = parseInput(pagesQuery, req.query, 'query');
    const refs = query.entityRef ? [query.entityRef].flat() : undefined;
    res.json({
      items: await paging.list({
        entityRefs: refs && entities.normalize(refs),
        limit: query.limit,
        permission: filter,
      }),
    });
  });

  async function requirePage(id: string): Promise<PageRecord> {
    const page = await paging.get(id);
    if (!page) {
      throw new NotFoundError(`No page ${id}`);
    }
    return page;
  }

  router.get('/pages/:id', async (req, res) => {
    const { item: page } = await requestAuth.authorizeItem(
      req,
      pageReadPermission,
      () => requirePage(req.params.id),
      found => found.id,
    );
    res.json(page);
  });

  router.post('/pages/:id/acknowledge', async (req, res) => {
    const { item: page, credentials } = await requestAuth.authorizeItem(
      req,
      pageAcknowledgePermission,
      () => requirePage(req.params.id),
      found => found.id,
    );
    res.json(
      await paging.acknowledge(page.id, requestAuth.actorOf(credentials)),
    );
  });

  return router;
}
