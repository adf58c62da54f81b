import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  createActionItemSchema,
  listPostmortemsQuerySchema,
  postmortemCreatePermission,
  postmortemPublishPermission,
  postmortemReadPermission,
  postmortemStatusSchema,
  postmortemUpdatePermission,
  updateActionItemSchema,
  updatePostmortemSchema,
} from '@multivac/plugin-multivac-common';
import express from 'express';
import Router from 'express-promise-router';
import { PostmortemService } from '../postmortems';
import { CatalogEntities } from './CatalogEntities';
import { RequestAuth } from './RequestAuth';
import { checkIdParams, parseInput } from './validation';

/** Post-mortems of resolved incidents (`/postmortems`). */
export function createPostmortemsRouter(options: {
  postmortems: PostmortemService;
  entities: CatalogEntities;
  requestAuth: RequestAuth;
}): express.Router {
  const { postmortems, entities, requestAuth } = options;
  const router = Router();
  checkIdParams(router, 'id', 'itemId');
  router.use(express.json({ limit: '1mb' }));

  async function requireUser(
    field: string,
    ref: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<string | undefined> {
    return ref === undefined
      ? undefined
      : (await entities.requireUsers([ref], credentials, field))[0];
  }

  router.post('/incidents/:id/postmortem', async (req, res) => {
    const credentials = await requestAuth.authorize(
      req,
      postmortemCreatePermission,
    );
    const { postmortem, created } = await postmortems.create(
      req.params.id,
      requestAuth.actorOf(credentials),
    );
    res.status(created ? 201 : 200).json(postmortem);
  });

  // 204 while the incident has none: the incident page asks on every load.
  router.get('/incidents/:id/postmortem', async (req, res) => {
    await requestAuth.authorize(req, postmortemReadPermission);
    const postmortem = await postmortems.findForIncident(req.params.id);
    if (postmortem) {
      res.json(postmortem);
    } else {
      res.status(204).end();
    }
  });

  router.get('/postmortems', async (req, res) => {
    await requestAuth.authorize(req, postmortemReadPermission);
    const query = parseInput(listPostmortemsQuerySchema, req.query, 'query');
    res.json(
      await postmortems.list({
        q: query.q || undefined,
        entityRefs: query.entityRef
          ? await entities.withOwnedAndContained(query.entityRef)
          : undefined,
        ownerRef:
          query.owner && entities.normalizeUsers([query.owner], 'owner')[0],
        severities: query.severity,
        statuses: query.status,
        overdue: query.overdue,
        limit: query.limit,
        offset: query.offset,
      }),
    );
  });

  router.get('/postmortems/:id', async (req, res) => {
    await requestAuth.authorize(req, postmortemReadPermission);
    res.json(await postmortems.get(req.params.id));
  });

  router.get('/postmortems/:id/markdown', async (req, res) => {
    await requestAuth.authorize(req, postmortemReadPermission);
    const { filename, text } = await postmortems.markdown(req.params.id);
    res.attachment(filename).type('text/markdown; charset=utf-8').send(text);
  });

  router.patch('/postmortems/:id', async (req, res) => {
    const credentials = await requestAuth.authorize(
      req,
      postmortemUpdatePermission,
    );
    const body = parseInput(updatePostmortemSchema, req.body, 'post-mortem');
    res.json(
      await postmortems.update(req.params.id, {
        sections: body.sections,
        ownerRef: await requireUser('ownerRef', body.ownerRef, credentials),
        reviewerRefs:
          body.reviewerRefs &&
          (await entities.requireUsers(
            body.reviewerRefs,
            credentials,
            'reviewerRefs',
          )),
        dueDate: body.dueDate,
      }),
    );
  });

  router.post('/postmortems/:id/status', async (req, res) => {
    // Publishing is its own permission; moving between draft and review is an edit.
    const credentials = await requestAuth.authorize(
      req,
      req.body?.status === 'published'
        ? postmortemPublishPermission
        : postmortemUpdatePermission,
    );
    const body = parseInput(postmortemStatusSchema, req.body, 'status change');
    res.json(
      await postmortems.setStatus(
        req.params.id,
        body.status,
        requestAuth.actorOf(credentials),
      ),
    );
  });

  router.post('/postmortems/:id/action-items', async (req, res) => {
    const credentials = await requestAuth.authorize(
      req,
      postmortemUpdatePermission,
    );
    const body = parseInput(createActionItemSchema, req.body, 'action item');
    const item = await postmortems.addActionItem(
      req.params.id,
      {
        ...body,
        ownerRef: await requireUser('ownerRef', body.ownerRef, credentials),
      },
      requestAuth.actorOf(credentials),
    );
    res.status(201).json(item);
  });

  router.patch('/postmortems/:id/action-items/:itemId', async (req, res) => {
    const credentials = await requestAuth.authorize(
      req,
      postmortemUpdatePermission,
    );
    const body = parseInput(updateActionItemSchema, req.body, 'action item');
    res.json(
      await postmortems.updateActionItem(req.params.id, req.params.itemId, {
        ...body,
        ownerRef: body.ownerRef
          ? await requireUser('ownerRef', body.ownerRef, credentials)
          : body.ownerRef,
      }),
    );
  });

  router.delete('/postmortems/:id/action-items/:itemId', async (req, res) => {
    await requestAuth.authorize(req, postmortemUpdatePermission);
    await postmortems.deleteActionItem(req.params.id, req.params.itemId);
    res.status(204).end();
  });

  return router;
}
