import { InputError, NotFoundError } from '@backstage/errors';
import {
  isoDateTimeSchema,
  oncallPagePermission,
  oneOrMany,
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
import { BuiltinOnCallProvider } from '../oncall/BuiltinOnCallProvider';
import { OnCallService } from '../oncall/OnCallService';
import { PagingService } from '../oncall/PagingService';
import { CatalogEntities } from './CatalogEntities';
import { RequestAuth } from './RequestAuth';
import { checkIdParams, parseInput } from './validation';

const onCallQuery = z
  .object({
    entityRef: refSchema(),
    /** Ask about another moment than now (ISO time). */
    at: isoDateTimeSchema().optional(),
  })
  .strict();
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

/** Who is on call (`/oncall`, `/oncall/schedules`) and paging (`/pages`). */
export function createOnCallRouter(options: {
  onCall: OnCallService;
  paging: PagingService;
  builtin: BuiltinOnCallProvider;
  entities: CatalogEntities;
  requestAuth: RequestAuth;
}): express.Router {
  const { onCall, paging, builtin, entities, requestAuth } = options;
  const router = Router();
  checkIdParams(router, 'id');
  router.use(express.json({ limit: '1mb' }));

  router.get('/oncall', async (req, res) => {
    const credentials = await requestAuth.authorize(req, oncallReadPermission);
    const { entityRef, at } = parseInput(onCallQuery, req.query, 'query');
    const [ref] = entities.normalize([entityRef]);
    res.json(
      await onCall.whoIsOnCall(
        ref,
        credentials,
        at ? new Date(at) : new Date(),
      ),
    );
  });

  router.get('/oncall/schedules', async (req, res) => {
    await requestAuth.authorize(req, oncallReadPermission);
    const { from, days } = parseInput(schedulesQuery, req.query, 'query');
    const items = await builtin.overview(
      from ? new Date(from) : new Date(),
      days,
    );
    res.json({ items });
  });

  router.post('/pages', async (req, res) => {
    const credentials = await requestAuth.authorize(req, oncallPagePermission);
    const { userRef, scheduleId, entityRef, ...page } = parseInput(
      pageRequestSchema,
      req.body,
      'page',
    );
    const actor = requestAuth.actorOf(credentials);
    const [about] = entityRef
      ? await entities.requireExisting([entityRef], credentials)
      : [];
    let record: PageRecord;
    if (userRef) {
      const [user] = await entities.requireUsers(
        [userRef],
        credentials,
        'userRef',
      );
      record = await paging.pageUser(user, { ...page, about }, actor);
    } else if (scheduleId) {
      if (!builtin.hasSchedule(scheduleId)) {
        throw new InputError(
          `scheduleId: no built-in schedule '${scheduleId}' in multivac.onCall.schedules`,
        );
      }
      record = await paging.pageSchedule(
        scheduleId,
        { ...page, entityRef: about! },
        actor,
        { fallback: false },
      );
    } else {
      record = await paging.page(
        { ...page, entityRef: about! },
        credentials,
        actor,
      );
    }
    res.status(201).json(record);
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
