import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  serializeError,
} from '@backstage/errors';
import {
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ACTIVE_RELEASE_STATUSES,
  checkReleaseSchema,
  createReleaseSchema,
  listReleasesQuerySchema,
  releaseCalendarQuerySchema,
  ReleaseCheckResult,
  releaseCreatePermission,
  ReleaseEnvironment,
  releaseForcePermission,
  ReleaseList,
  releaseReadPermission,
  ReleaseStatus,
  releaseStatusSchema,
  releaseUpdatePermission,
  releasesAroundQuerySchema,
  RelevantRelease,
  updateReleaseSchema,
} from '@multivac/plugin-multivac-common';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PermissionFilter } from '../permissions/permissionFilter';
import { PermissionResources } from '../permissions/registerResourceTypes';
import {
  FeedTokenStore,
  releaseCalendar,
  ReleaseBlockedError,
  ReleaseService,
} from '../releases';
import { CatalogEntities } from './CatalogEntities';
import { Caller, RequestAuth } from './RequestAuth';
import { checkIdParams, parseInput } from './validation';
import { redactQuery } from './redactQuery';

/**
 * The feed shows releases from this long ago to this far ahead, at most
 * this many (each described in at most FEED_MAX_DESCRIPTION characters):
 * a few megabytes at most, however much is booked.
 */
const FEED_PAST_DAYS = 30;
const FEED_FUTURE_DAYS = 180;
const FEED_MAX_EVENTS = 500;

/** `POST /releases/feed-token`: an optional lifetime of the new token. */
const feedTokenRequestSchema = z
  .object({ expiresInDays: z.number().int().min(1).max(366).optional() })
  .strict();

/** The path calendar clients fetch without signing in (the token is the credential). */
export const RELEASE_CALENDAR_PATH = '/releases/calendar.ics';

const sha256 = (token: string) =>
  createHash('sha256').update(token).digest('hex');

/** A status filter with `active` spelled out. */
const statusesOf = (statuses?: Array<ReleaseStatus | 'active'>) =>
  statuses?.flatMap(s => (s === 'active' ? ACTIVE_RELEASE_STATUSES : [s]));

/** `payments-api` → `component:default/payments-api`; 400 unless it is in the catalog. */
async function requireReleaseEntity(
  entities: CatalogEntities,
  ref: string,
  credentials: BackstageCredentials,
): Promise<string> {
  const [entityRef] = await entities.requireExisting([ref], credentials);
  return entityRef;
}

/** `payments` → `group:default/payments`; 400 unless it is in the catalog. */
async function requireReleaseOwner(
  entities: CatalogEntities,
  ref: string | undefined,
  credentials: BackstageCredentials,
): Promise<string | undefined> {
  if (ref === undefined) {
    return undefined;
  }
  const [normalized] = entities.normalize([
    ref.includes(':') ? ref : `group:${ref}`,
  ]);
  try {
    return await requireReleaseEntity(entities, normalized, credentials);
  } catch (error) {
    if (error instanceof InputError) {
      throw new InputError(`ownerRef: unknown catalog entity ${normalized}`);
    }
    throw error;
  }
}

/** What the release routes and actions (src/actions) are built from. */
export interface ReleaseOperations {
  releases: ReleaseService;
  entities: CatalogEntities;
  requestAuth: RequestAuth;
}

/**
 * `POST /releases/check` and the check-release-window action: the
 * conflicts a release of the entity in the window would have, if the
 * caller may read releases.
 */
export async function checkRelease(
  { releases, entities, requestAuth }: ReleaseOperations,
  caller: Caller,
  input: unknown,
): Promise<ReleaseCheckResult> {
  const { credentials } = await requestAuth.authorizeList(
    caller,
    releaseReadPermission,
  );
  const body = parseInput(checkReleaseSchema, input, 'release check');
  return releases.check({
    entityRef: await requireReleaseEntity(
      entities,
      body.entityRef,
      credentials,
    ),
    environment: body.environment,
    start: body.start,
    end: body.end,
    excludeReleaseId: body.releaseId,
  });
}

/**
 * `POST /releases` and the book-release action: books the window if the
 * caller may create releases (and, with `force`, may force this booking);
 * a blocking conflict throws ReleaseBlockedError (409) with the conflicts.
 */
export async function bookRelease(
  {
    releases,
    entities,
    requestAuth,
    resources,
  }: ReleaseOperations & { resources: PermissionResources },
  caller: Caller,
  input: unknown,
) {
  const credentials = await requestAuth.authorize(
    caller,
    releaseCreatePermission,
  );
  const body = parseInput(createReleaseSchema, input, 'release');
  const actor = {
    ref: requestAuth.actorOf(credentials),
    isUser: requestAuth.isUser(credentials),
  };
  const entityRef = await requireReleaseEntity(
    entities,
    body.entityRef,
    credentials,
  );
  const ownerRef =
    (await requireReleaseOwner(entities, body.ownerRef, credentials)) ??
    (await releases.ownerOf(entityRef, actor));
  if (body.force) {
    await requestAuth.authorizeCandidate(
      caller,
      releaseForcePermission,
      await resources.booking({ entityRef, ownerRef }),
      `a release of ${entityRef} owned by ${ownerRef}`,
    );
  }
  const { release, conflicts } = await releases.create(
    { ...body, entityRef, ownerRef },
    actor,
  );
  return { ...release, conflicts };
}

/** The release calendar (`/releases`), its conflict check and its feeds. */
export function createReleasesRouter(options: {
  releases: ReleaseService;
  feedTokens: FeedTokenStore;
  environments: ReleaseEnvironment[];
  entities: CatalogEntities;
  requestAuth: RequestAuth;
  /** Asks the permission policy as a catalog user (see UserPermissions). */
  decideForUser(
    userRef: string,
    permission: ResourcePermission,
  ): Promise<PolicyDecision>;
  /** Bookings as the force permission's conditions see them. */
  resources: PermissionResources;
  /** Where calendar clients fetch the feed with `token`. */
  feedUrl(token: string): Promise<string>;
  /** The release in the portal. */
  releaseUrl(reference: string): string;
}): express.Router {
  const { releases, feedTokens, entities, requestAuth } = options;
  const router = Router();
  checkIdParams(router, 'id');
  router.use(express.json({ limit: '1mb' }));

  const requireOwner = (
    ref: string | undefined,
    credentials: BackstageCredentials,
  ) => requireReleaseOwner(entities, ref, credentials);

  /** 409 with the conflicts, so that clients can show each sentence. */
  function refuseBlocked(req: Request, res: Response, error: unknown) {
    if (!(error instanceof ReleaseBlockedError)) {
      throw error;
    }
    res.status(409).json({
      error: serializeError(error),
      request: { method: req.method, url: req.originalUrl },
      response: { statusCode: 409 },
      conflicts: error.conflicts,
    });
  }

  router.get(RELEASE_CALENDAR_PATH, redactQuery('token'), async (req, res) => {
    const query = parseInput(releaseCalendarQuerySchema, req.query, 'query');
    const filter = query.token
      ? await authorizeFeedToken(query.token)
      : (await requestAuth.authorizeList(req, releaseReadPermission)).filter;
    res
      .type('text/calendar; charset=utf-8')
      .set('Content-Disposition', 'inline; filename="releases.ics"')
      .send(await calendar(query, filter));
  });

  /** The feed owner's filter of the calendar, as the policy decides for them. */
  async function authorizeFeedToken(token: string) {
    const userRef = await feedTokens.userOf(sha256(token));
    if (!userRef) {
      throw new AuthenticationError(
        'This calendar feed token is not valid (any more); get a new feed URL from the release calendar',
      );
    }
    const decision = await options.decideForUser(
      userRef,
      releaseReadPermission,
    );
    try {
      return await requestAuth.filterOf(releaseReadPermission, decision);
    } catch (error) {
      if (error instanceof NotAllowedError) {
        throw new NotAllowedError(
          `${userRef} is not allowed to ${releaseReadPermission.name}`,
        );
      }
      throw error;
    }
  }

  /**
   * The release `:id` (and the request's body, parsed by `parseBody` so that
   * a bad body is a 400 whether or not it exists), if the policy allows
   * `permission` on it; else 403.
   */
  async function authorizeRelease<TBody = undefined>(
    req: Request,
    permission: ResourcePermission,
    parseBody?: () => TBody,
  ) {
    const { item, credentials } = await requestAuth.authorizeItem(
      req,
      permission,
      async () => ({
        body: parseBody?.() as TBody,
        release: await releases.get(req.params.id),
      }),
      ({ release }) => release.reference,
    );
    return { ...item, credentials };
  }

  async function calendar(
    query: z.output<typeof releaseCalendarQuerySchema>,
    filter: PermissionFilter | undefined,
  ) {
    const now = Date.now();
    const { items } = await releases.list({
      entityRefs: query.entityRef
        ? await entities.withOwnedAndContained(query.entityRef)
        : undefined,
      environments: query.environment,
      from: new Date(now - FEED_PAST_DAYS * 86_400_000).toISOString(),
      to: new Date(now + FEED_FUTURE_DAYS * 86_400_000).toISOString(),
      permission: filter,
      limit: FEED_MAX_EVENTS,
      offset: 0,
    });
    const scope = query.entityRef ? `: ${query.entityRef.join(', ')}` : '';
    // Each event's description says what its window conflicts with now.
    return releaseCalendar(await releases.withCurrentConflicts(items), {
      name: `Releases${scope}`,
      releaseUrl: options.releaseUrl,
      nameOf: await releases.ownerNames(items),
    });
  }

  router.post('/releases/feed-token', async (req, res) => {
    const userRef = await feedOwner(req);
    const { expiresInDays } = parseInput(
      feedTokenRequestSchema,
      req.body ?? {},
      'body',
    );
    const token = randomBytes(32).toString('base64url');
    const info = await feedTokens.replace(
      userRef,
      sha256(token),
      expiresInDays === undefined
        ? undefined
        : new Date(Date.now() + expiresInDays * 86_400_000),
    );
    res.status(201).json({ token, url: await options.feedUrl(token), ...info });
  });

  /** The caller's own feed token: when it was made and when it expires. */
  router.get('/releases/feed-token', async (req, res) => {
    const userRef = await feedOwner(req);
    const info = await feedTokens.infoOf(userRef);
    if (!info) {
      throw new NotFoundError(
        'You have no calendar feed token; POST /releases/feed-token makes one',
      );
    }
    res.json(info);
  });

  /** Revokes the caller's feed token: its URL stops working at once. */
  router.delete('/releases/feed-token', async (req, res) => {
    await feedTokens.revoke(await feedOwner(req));
    res.status(204).end();
  });

  async function feedOwner(req: Request): Promise<string> {
    const { credentials } = await requestAuth.authorizeList(
      req,
      releaseReadPermission,
    );
    if (!requestAuth.isUser(credentials)) {
      throw new NotAllowedError('Only users have calendar feeds');
    }
    return requestAuth.actorOf(credentials);
  }

  router.get('/releases/environments', async (req, res) => {
    await requestAuth.authorizeList(req, releaseReadPermission);
    res.json({ items: options.environments });
  });

  router.post('/releases/check', async (req, res) => {
    res.json(
      await checkRelease({ releases, entities, requestAuth }, req, req.body),
    );
  });

  router.post('/releases', async (req, res) => {
    try {
      const booked = await bookRelease(
        { releases, entities, requestAuth, resources: options.resources },
        req,
        req.body,
      );
      res.status(201).json(booked);
    } catch (error) {
      refuseBlocked(req, res, error);
    }
  });

  /** A planned or in-progress release with its conflicts as they are now. */
  router.get('/releases', async (req, res) => {
    const { filter } = await requestAuth.authorizeList(
      req,
      releaseReadPermission,
    );
    const query = parseInput(listReleasesQuerySchema, req.query, 'query');
    const { items, totalCount } = await releases.list({
      entityRefs: query.entityRef
        ? await entities.withOwnedAndContained(query.entityRef)
        : undefined,
      environments: query.environment,
      statuses: statusesOf(query.status),
      from: query.from,
      to: query.to,
      permission: filter,
      limit: query.limit,
      offset: query.offset,
    });
    const list: ReleaseList = {
      items: query.withConflicts
        ? await releases.withCurrentConflicts(items)
        : items,
      totalCount,
      limit: query.limit,
      offset: query.offset,
    };
    res.json(list);
  });

  router.get('/releases/around', async (req, res) => {
    const { filter } = await requestAuth.authorizeList(
      req,
      releaseReadPermission,
    );
    const query = parseInput(releasesAroundQuerySchema, req.query, 'query');
    const items: RelevantRelease[] = await releases.around(
      entities.normalize(query.entityRef),
      {
        environments: query.environment,
        statuses: statusesOf(query.status),
        from: query.from,
        to: query.to,
        permission: filter,
      },
    );
    res.json({ items });
  });

  router.get('/releases/:id', async (req, res) => {
    const { release } = await authorizeRelease(req, releaseReadPermission);
    res.json(release);
  });

  router.patch('/releases/:id', async (req, res) => {
    const {
      release: current,
      body,
      credentials,
    } = await authorizeRelease(req, releaseUpdatePermission, () =>
      parseInput(updateReleaseSchema, req.body, 'release update'),
    );
    if (body.force) {
      await requestAuth.authorizeItem(
        req,
        releaseForcePermission,
        async () => current,
        release => release.reference,
      );
    }
    const edit = {
      ...body,
      ownerRef: await requireOwner(body.ownerRef, credentials),
    };
    try {
      const { release, conflicts } = await releases.update(
        current.id,
        edit,
        requestAuth.actorOf(credentials),
      );
      res.json({ ...release, conflicts });
    } catch (error) {
      refuseBlocked(req, res, error);
    }
  });

  router.post('/releases/:id/status', async (req, res) => {
    const { release, body, credentials } = await authorizeRelease(
      req,
      releaseUpdatePermission,
      () => parseInput(releaseStatusSchema, req.body, 'status change'),
    );
    res.json(
      await releases.transition(
        release.id,
        body.to,
        requestAuth.actorOf(credentials),
        body.note,
      ),
    );
  });

  return router;
}
