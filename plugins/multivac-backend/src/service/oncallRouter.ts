import { oncallReadPermission } from '@multivac/plugin-multivac-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { BuiltinOnCallProvider } from '../oncall/BuiltinOnCallProvider';
import { OnCallService } from '../oncall/OnCallService';
import { CatalogEntities } from './CatalogEntities';
import { RequestAuth } from './RequestAuth';
import { parseInput } from './validation';

const onCallQuery = z
  .object({
    entityRef: z.string().min(1),
    /** Ask about another moment than now (ISO time). */
    at: z.string().datetime({ offset: true }).optional(),
  })
  .strict();
const schedulesQuery = z
  .object({
    from: z.string().datetime({ offset: true }).optional(),
    days: z.coerce.number().int().min(1).max(31).default(7),
  })
  .strict();

/** `GET /oncall` and `GET /oncall/schedules`. */
export function createOnCallRouter(options: {
  onCall: OnCallService;
  builtin: BuiltinOnCallProvider;
  entities: CatalogEntities;
  requestAuth: RequestAuth;
}): express.Router {
  const { onCall, builtin, entities, requestAuth } = options;
  const router = Router();

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

  return router;
}
