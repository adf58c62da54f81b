import {
  BackstageCredentials,
  PermissionsService,
  PermissionsServiceRequestOptions,
} from '@backstage/backend-plugin-api';
import {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  Permission,
  QueryPermissionRequest,
  QueryPermissionResponse,
} from '@backstage/plugin-permission-common';

/** How long a decision is reused: never longer than this after it was asked. */
export const DEFAULT_DECISION_WINDOW_MS = 10_000;
const DEFAULT_MAX_DECISIONS = 10_000;

interface Remembered<T> {
  decision: Promise<T>;
  /** When the policy was asked plus the window. */
  expiresAt: number;
}

/** Decisions being collected for one call to the policy. */
interface Batch<R, T> {
  requests: R[];
  /** The policy's answers, in the order of `requests`. */
  answers: Promise<T[]>;
}

/**
 * Backstage's PermissionsService, remembering each principal's decisions for
 * a short window (default 10 seconds), so that the routes a page calls at
 * once, and the same route called again within the window, cost the
 * permission backend one request at most instead of one each.
 *
 * - Keyed by principal (the user and the service acting for them, or the
 *   service with its access restrictions) + method + permission.
 *   Unauthenticated callers are never cached.
 * - A decision is served for at most the window counted from when the
 *   policy was asked, so a policy change or a changed group membership takes
 *   effect within the window.
 * - Decisions about one resource (`authorize` with a `resourceRef`) are
 *   passed through, never remembered: they depend on the resource's current
 *   state (e.g. who holds a role on an incident), which changes with the
 *   request before. `authorizeConditional` decisions, conditional ones
 *   included, are the policy's answer for the principal and are remembered
 *   as they are; their conditions are applied to the resources by the caller
 *   each time.
 * - Concurrent requests for the same decision share one call, and the
 *   decisions one principal's callers miss in the same turn of the event
 *   loop are asked in one call per method (`authorize`,
 *   `authorizeConditional`); failures are not remembered; at most
 *   `maxDecisions` are kept (the oldest go first).
 */
export class CachedPermissions implements PermissionsService {
  readonly #permissions: PermissionsService;
  readonly #windowMs: number;
  readonly #maxDecisions: number;
  readonly #now: () => number;
  readonly #decisions = new Map<string, Remembered<unknown>>();
  readonly #batches = new Map<string, Batch<unknown, unknown>>();

  constructor(
    permissions: PermissionsService,
    options: {
      windowMs?: number;
      maxDecisions?: number;
      now?: () => number;
    } = {},
  ) {
    this.#permissions = permissions;
    this.#windowMs = options.windowMs ?? DEFAULT_DECISION_WINDOW_MS;
    this.#maxDecisions = options.maxDecisions ?? DEFAULT_MAX_DECISIONS;
    this.#now = options.now ?? Date.now;
  }

  /** How many decisions are remembered now (expired ones included until pruned). */
  get size(): number {
    return this.#decisions.size;
  }

  authorize(
    requests: AuthorizePermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<AuthorizePermissionResponse[]> {
    return this.#decide(
      'authorize',
      requests,
      options,
      request => request.resourceRef === undefined,
      missing => this.#permissions.authorize(missing, options),
    );
  }

  authorizeConditional(
    requests: QueryPermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<QueryPermissionResponse[]> {
    return this.#decide(
      'conditional',
      requests,
      options,
      () => true,
      missing => this.#permissions.authorizeConditional(missing, options),
    );
  }

  /**
   * Answers each request from a remembered decision, asking the policy in
   * one call for the others; requests that are not `cacheable` are always
   * asked.
   */
  async #decide<R extends { permission: Permission }, T>(
    method: string,
    requests: R[],
    options: PermissionsServiceRequestOptions,
    cacheable: (request: R) => boolean,
    ask: (missing: R[]) => Promise<T[]>,
  ): Promise<T[]> {
    const principal = principalKey(options?.credentials);
    if (principal === undefined) {
      return ask(requests);
    }
    const now = this.#now();
    const keys = requests.map(request =>
      cacheable(request)
        ? decisionKey(method, principal, request.permission)
        : undefined,
    );
    const answers = keys.map(key => key && this.#fresh<T>(key, now));
    const missing = answers.flatMap((answer, i) => (answer ? [] : [i]));
    if (missing.length > 0) {
      const asked = this.#batched(
        method,
        principal,
        missing.map(i => requests[i]),
        ask,
      );
      missing.forEach((i, j) => {
        const decision = asked.then(decisions => decisions[j]);
        answers[i] = decision;
        const key = keys[i];
        if (key) {
          this.#remember(key, decision, now);
        }
      });
    }
    return Promise.all(answers as Array<Promise<T>>);
  }

  /**
   * Asks for `requests` together with the other decisions the same
   * principal's callers miss in the same turn of the event loop (e.g. the
   * checks of one route run in parallel): one call to the policy for all,
   * made with the first caller's options (same principal).
   */
  #batched<R, T>(
    method: string,
    principal: string,
    requests: R[],
    ask: (missing: R[]) => Promise<T[]>,
  ): Promise<T[]> {
    const batchKey = JSON.stringify([method, principal]);
    let batch = this.#batches.get(batchKey) as Batch<R, T> | undefined;
    if (!batch) {
      const created: Batch<R, T> = {
        requests: [],
        answers: new Promise<void>(resolve => setImmediate(resolve)).then(
          () => {
            this.#batches.delete(batchKey);
            return ask(created.requests);
          },
        ),
      };
      batch = created;
      this.#batches.set(batchKey, created as Batch<unknown, unknown>);
    }
    const offset = batch.requests.length;
    batch.requests.push(...requests);
    return batch.answers.then(answers =>
      answers.slice(offset, offset + requests.length),
    );
  }

  #fresh<T>(key: string, now: number): Promise<T> | undefined {
    const remembered = this.#decisions.get(key);
    if (!remembered) {
      return undefined;
    }
    if (remembered.expiresAt <= now) {
      this.#decisions.delete(key);
      return undefined;
    }
    return remembered.decision as Promise<T>;
  }

  #remember(key: string, decision: Promise<unknown>, askedAt: number) {
    this.#decisions.delete(key);
    this.#decisions.set(key, { decision, expiresAt: askedAt + this.#windowMs });
    decision.catch(() => {
      if (this.#decisions.get(key)?.decision === decision) {
        this.#decisions.delete(key);
      }
    });
    if (this.#decisions.size > this.#maxDecisions) {
      this.#prune(askedAt);
    }
  }

  /** Drops expired decisions, then the oldest until within the bound. */
  #prune(now: number) {
    for (const [key, remembered] of this.#decisions) {
      if (remembered.expiresAt <= now) {
        this.#decisions.delete(key);
      }
    }
    for (const key of this.#decisions.keys()) {
      if (this.#decisions.size <= this.#maxDecisions) {
        break;
      }
      this.#decisions.delete(key);
    }
  }
}

/** Who is asking, or undefined for a caller whose decisions are not kept. */
function principalKey(
  credentials: BackstageCredentials | undefined,
): string | undefined {
  const principal = credentials?.principal as
    | {
        type: string;
        userEntityRef?: string;
        subject?: string;
        actor?: { subject: string };
        accessRestrictions?: unknown;
      }
    | undefined;
  if (principal?.type === 'user' && principal.userEntityRef) {
    return JSON.stringify([
      'user',
      principal.userEntityRef.toLocaleLowerCase('en-US'),
      principal.actor?.subject ?? null,
    ]);
  }
  if (principal?.type === 'service' && principal.subject) {
    return JSON.stringify([
      'service',
      principal.subject,
      principal.accessRestrictions ?? null,
    ]);
  }
  return undefined;
}

function decisionKey(
  method: string,
  principal: string,
  permission: Permission,
): string {
  return JSON.stringify([
    method,
    principal,
    permission.type,
    permission.name,
    'resourceType' in permission ? permission.resourceType : null,
    permission.attributes ?? {},
  ]);
}
