import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  describeZodError,
  oncallReadPermission,
  oncallReconcilePermission,
} from '@multivac/plugin-multivac-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { DEFAULT_ACCOUNT } from '../client/pagerDutyConfig';
import { importSchedule } from './importSchedule';
import { ScheduleReconciler } from './ScheduleReconciler';

/** The route permissions are basic ones (no resource). */
type BasicPermission =
  | typeof oncallReadPermission
  | typeof oncallReconcilePermission;

const ENTITY_NAME = /^[A-Za-z0-9]([-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;

const importSchema = z
  .object({
    scheduleId: z.string().trim().min(1).max(64),
    escalationPolicyId: z.string().trim().min(1).max(64).optional(),
    owner: z
      .string()
      .trim()
      .regex(/^(group:)?([^:/\s]+\/)?[^:/\s]+$/i, {
        message: 'must be a Group entity ref, e.g. group:default/payments',
      }),
    name: z.string().trim().regex(ENTITY_NAME, {
      message:
        'must be an entity name: letters, digits, -, _ and ., at most 63',
    }),
    namespace: z.string().trim().regex(ENTITY_NAME).optional(),
    /** The `multivac.pagerDuty` account; default `default`. */
    account: z.string().trim().min(1).optional(),
  })
  .strict();

export interface ReconcileRouterOptions {
  reconciler: ScheduleReconciler;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

/**
 * `/pagerduty/schedules/:namespace/:name/{plan,reconcile,state}` and
 * `/pagerduty/import`, under the plugin's `/api/multivac`.
 */
export function createReconcileRouter(
  options: ReconcileRouterOptions,
): express.Router {
  const { reconciler, catalog, auth, httpAuth, permissions } = options;
  const router = Router();
  // JSON is parsed for the import only: other routes under /pagerduty (the
  // webhooks) need their raw body.
  const json = express.json({ limit: '64kb' });

  async function authorized(
    req: Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    // Basic permissions are allowed or denied, never conditional.
    if (String(decision.result) !== 'ALLOW') {
      throw new NotAllowedError(`Needs the permission ${permission.name}`);
    }
    return credentials;
  }

  /** The Schedule, as the caller may see it in the catalog. */
  async function scheduleOf(req: Request, credentials: BackstageCredentials) {
    const ref = stringifyEntityRef({
      kind: 'schedule',
      namespace: req.params.namespace,
      name: req.params.name,
    });
    return reconciler.findSchedule(ref, credentials);
  }

  router.get('/pagerduty/schedules/:namespace/:name/plan', async (req, res) => {
    const credentials = await authorized(req, oncallReadPermission);
    const entity = await scheduleOf(req, credentials);
    res.json(await reconciler.plan(entity));
  });

  router.post(
    '/pagerduty/schedules/:namespace/:name/reconcile',
    async (req, res) => {
      const credentials = await authorized(req, oncallReconcilePermission);
      const entity = await scheduleOf(req, credentials);
      res.status(202).json(await reconciler.enqueue(entity, 'manual'));
    },
  );

  router.get(
    '/pagerduty/schedules/:namespace/:name/state',
    async (req, res) => {
      const credentials = await authorized(req, oncallReadPermission);
      const entity = await scheduleOf(req, credentials);
      const ref = stringifyEntityRef(entity);
      if (!reconciler.isMarked(entity)) {
        throw new NotFoundError(
          `${ref} is not marked for PagerDuty (annotation pagerduty.com/reconcile: 'true')`,
        );
      }
      const state = await reconciler.state(ref);
      if (!state) {
        throw new NotFoundError(`${ref} was never reconciled to PagerDuty`);
      }
      res.json(state);
    },
  );

  router.post('/pagerduty/import', json, async (req, res) => {
    await authorized(req, oncallReconcilePermission);
    const parsed = importSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw new InputError(describeZodError(parsed.error));
    }
    const input = parsed.data;
    const account = input.account ?? DEFAULT_ACCOUNT;
    const api = reconciler.apiForAccount(account);
    const { items } = await catalog.getEntities(
      {
        filter: { kind: 'User' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'spec.profile.email',
        ],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const userByEmail = new Map<string, string>();
    for (const user of items) {
      const email = (user.spec?.profile as { email?: string } | undefined)
        ?.email;
      if (email) {
        userByEmail.set(
          email.toLocaleLowerCase('en-US'),
          stringifyEntityRef(user),
        );
      }
    }
    const { yaml, entity, escalationPolicyId } = await importSchedule(
      api,
      userByEmail,
      {
        ...input,
        owner: stringifyEntityRef(parseGroupRef(input.owner)),
      },
    );
    await reconciler.recordImported(
      stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
      account,
      { scheduleId: input.scheduleId, escalationPolicyId },
    );
    res.json({ yaml, entity });
  });

  return router;
}

function parseGroupRef(ref: string) {
  const match = /^(?:group:)?(?:([^:/\s]+)\/)?([^:/\s]+)$/i.exec(ref)!;
  return { kind: 'group', namespace: match[1] ?? 'default', name: match[2] };
}
