import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  createActionItemSchema,
  listActionItemsQuerySchema,
  listPostmortemsQuerySchema,
  postmortemCreatePermission,
  postmortemPublishPermission,
  postmortemReadPermission,
  postmortemStatusSchema,
  postmortemUpdatePermission,
  reopenPostmortemSchema,
  updateActionItemSchema,
  updatePostmortemSchema,
} from '@multivac/plugin-multivac-common';
import { InputError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import express, { Request } from 'express';
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

  /**
   * The post-mortem `:id` (and the request's body, parsed by `parseBody` so
   * that a bad body is a 400 whether or not it exists), if the policy allows
   * `permission` on it; else 403.
   */
  async function authorizePostmortem<TBody = undefined>(
    req: Request,
    permission: ResourcePermission,
    parseBody?: () => TBody,
  ) {
    const { item, credentials } = await requestAuth.authorizeItem(
      req,
      permission,
      async () => ({
        body: parseBody?.() as TBody,
        postmortem: await postmortems.get(req.params.id),
      }),
      ({ postmortem }) => postmortem.reference,
    );
    return { ...item, id: item.postmortem.id, credentials };
  }

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
    const { item: postmortem } = await requestAuth.authorizeItem(
      req,
      postmortemReadPermission,
      () => postmortems.findForIncident(req.params.id),
      found => found.reference,
    );
    if (postmortem) {
      res.json(postmortem);
    } else {
      res.status(204).end();
    }
  });

  router.get('/postmortems', async (req, res) => {
    const { filter } = await requestAuth.authorizeList(
      req,
      postmortemReadPermission,
    );
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
        permission: filter,
        limit: query.limit,
        offset: query.offset,
      }),
    );
  });

  /** One person's action items (`owner=me`: the caller's) in what they may read. */
  router.get('/action-items', async (req, res) => {
    const { filter, credentials } = await requestAuth.authorizeList(
      req,
      postmortemReadPermission,
    );
    const query = parseInput(listActionItemsQuerySchema, req.query, 'query');
    let ownerRef: string;
    if (query.owner === 'me') {
      ownerRef = requestAuth.actorOf(credentials);
      if (!ownerRef.startsWith('user:')) {
        throw new InputError('owner: "me" needs a signed-in user');
      }
    } else {
      ownerRef = entities.normalizeUsers([query.owner], 'owner')[0];
    }
    res.json(
      await postmortems.listActionItemsByOwner({
        ownerRef,
        statuses: query.status,
        permission: filter,
        limit: query.limit,
      }),
    );
  });

  router.get('/postmortems/:id', async (req, res) => {
    const { postmortem } = await authorizePostmortem(
      req,
      postmortemReadPermission,
    );
    res.json(postmortem);
  });

  router.get('/postmortems/:id/markdown', async (req, res) => {
    const { id } = await authorizePostmortem(req, postmortemReadPermission);
    const { filename, text } = await postmortems.markdown(id);
    res.attachment(filename).type('text/markdown; charset=utf-8').send(text);
  });

  router.patch('/postmortems/:id', async (req, res) => {
    const { id, body, credentials } = await authorizePostmortem(
      req,
      postmortemUpdatePermission,
      () => parseInput(updatePostmortemSchema, req.body, 'post-mortem'),
    );
    res.json(
      await postmortems.update(
        id,
        {
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
        },
        requestAuth.actorOf(credentials),
      ),
    );
  });

  // Being one of its reviewers is what lets a user approve; seeing it is
  // the only permission asked (the service answers 403 to others).
  router.post('/postmortems/:id/approve', async (req, res) => {
    const { id, credentials } = await authorizePostmortem(
      req,
      postmortemReadPermission,
    );
    res.json(await postmortems.approve(id, requestAuth.actorOf(credentials)));
  });

  // Reopening undoes a publication: whoever may publish may reopen.
  router.post('/postmortems/:id/reopen', async (req, res) => {
    const { id, body, credentials } = await authorizePostmortem(
      req,
      postmortemPublishPermission,
      () => parseInput(reopenPostmortemSchema, req.body, 'reopening'),
    );
    res.json(
      await postmortems.reopen(
        id,
        body.reason,
        requestAuth.actorOf(credentials),
      ),
    );
  });

  router.post('/postmortems/:id/status', async (req, res) => {
    // Publishing is its own permission; moving between draft and review is an edit.
    const { id, body, credentials } = await authorizePostmortem(
      req,
      req.body?.status === 'published'
        ? postmortemPublishPermission
        : postmortemUpdatePermission,
      () => parseInput(postmortemStatusSchema, req.body, 'status change'),
    );
    res.json(
      await postmortems.setStatus(
        id,
        body.status,
        requestAuth.actorOf(credentials),
      ),
    );
  });

  router.post('/postmortems/:id/action-items', async (req, res) => {
    const { id, body, credentials } = await authorizePostmortem(
      req,
      postmortemUpdatePermission,
      () => parseInput(createActionItemSchema, req.body, 'action item'),
    );
    const item = await postmortems.addActionItem(
      id,
      {
        ...body,
        ownerRef: await requireUser('ownerRef', body.ownerRef, credentials),
      },
      requestAuth.actorOf(credentials),
    );
    res.status(201).json(item);
  });

  router.patch('/postmortems/:id/action-items/:itemId', async (req, res) => {
    const { id, body, credentials } = await authorizePostmortem(
      req,
      postmortemUpdatePermission,
      () => parseInput(updateActionItemSchema, req.body, 'action item'),
    );
    res.json(
      await postmortems.updateActionItem(id, req.params.itemId, {
        ...body,
        ownerRef: body.ownerRef
          ? await requireUser('ownerRef', body.ownerRef, credentials)
          : body.ownerRef,
      }),
    );
  });

  router.delete('/postmortems/:id/action-items/:itemId', async (req, res) => {
    const { id } = await authorizePostmortem(req, postmortemUpdatePermission);
    await postmortems.deleteActionItem(id, req.params.itemId);
    res.status(204).end();
  });

  return router;
}
