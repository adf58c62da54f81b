import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { CachedPermissions } from './CachedPermissions';

const read = createPermission({
  name: 'multivac.incident.read',
  attributes: { action: 'read' },
});
const page = createPermission({
  name: 'multivac.oncall.page',
  attributes: { action: 'create' },
});
const incidentUpdate = createPermission({
  name: 'multivac.incident.update',
  attributes: { action: 'update' },
  resourceType: 'multivac-incident',
});

/**
 * The permission backend as the decorator sees it: a policy that can change,
 * and every call recorded.
 */
function policyService() {
  const calls: Array<{ method: string; names: string[]; user?: string }> = [];
  const state = {
    decide: (_name: string, _user?: string): PolicyDecision => ({
      result: AuthorizeResult.ALLOW,
    }),
    fail: false,
  };
  const userOf = (options: { credentials: any }) =>
    options.credentials.principal.userEntityRef;
  const service: PermissionsService = {
    async authorize(requests, options) {
      calls.push({
        method: 'authorize',
        names: requests.map(r =>
          r.resourceRef
            ? `${r.permission.name}@${r.resourceRef}`
            : r.permission.name,
        ),
        user: userOf(options),
      });
      if (state.fail) {
        throw new Error('permission backend down');
      }
      return requests.map(r => {
        const decision = state.decide(r.permission.name, userOf(options));
        return {
          result:
            decision.result === AuthorizeResult.CONDITIONAL
              ? AuthorizeResult.DENY
              : decision.result,
        };
      });
    },
    async authorizeConditional(requests, options) {
      calls.push({
        method: 'conditional',
        names: requests.map(r => r.permission.name),
        user: userOf(options),
      });
      return requests.map(r =>
        state.decide(r.permission.name, userOf(options)),
      ) as any;
    },
  };
  return { service, calls, state };
}

describe('CachedPermissions', () => {
  const ada = { credentials: mockCredentials.user('user:default/ada') };
  const grace = { credentials: mockCredentials.user('user:default/grace') };
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('asks once for a repeat within the window, and again after it', async () => {
    const { service, calls, state } = policyService();
    const cached = new CachedPermissions(service, {
      windowMs: 10_000,
      now: clock,
    });

    expect(await cached.authorize([{ permission: read }], ada)).toEqual([
      { result: AuthorizeResult.ALLOW },
    ]);
    state.decide = () => ({ result: AuthorizeResult.DENY });
    now += 9_999;
    // Still within the window: the remembered decision, no call.
    expect(await cached.authorize([{ permission: read }], ada)).toEqual([
      { result: AuthorizeResult.ALLOW },
    ]);
    expect(calls).toHaveLength(1);

    now += 1;
    // The window is over: the policy's new answer.
    expect(await cached.authorize([{ permission: read }], ada)).toEqual([
      { result: AuthorizeResult.DENY },
    ]);
    expect(calls).toHaveLength(2);
  });

  it('keeps each principal and permission apart, and asks for the missing ones in one call', async () => {
    const { service, calls, state } = policyService();
    state.decide = (_name, user) => ({
      result:
        user === 'user:default/grace'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    const cached = new CachedPermissions(service, { now: clock });

    await cached.authorize([{ permission: read }], ada);
    expect(
      await cached.authorize([{ permission: read }, { permission: page }], ada),
    ).toEqual([
      { result: AuthorizeResult.ALLOW },
      { result: AuthorizeResult.ALLOW },
    ]);
    expect(await cached.authorize([{ permission: read }], grace)).toEqual([
      { result: AuthorizeResult.DENY },
    ]);
    expect(calls).toEqual([
      {
        method: 'authorize',
        names: ['multivac.incident.read'],
        user: 'user:default/ada',
      },
      {
        method: 'authorize',
        names: ['multivac.oncall.page'],
        user: 'user:default/ada',
      },
      {
        method: 'authorize',
        names: ['multivac.incident.read'],
        user: 'user:default/grace',
      },
    ]);
  });

  it("asks in one call for the decisions one principal's callers miss at the same moment, per method", async () => {
    const { service, calls, state } = policyService();
    state.decide = (name, user) => ({
      result:
        user === 'user:default/grace' || name === page.name
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    const cached = new CachedPermissions(service, { now: clock });

    // What a route's parallel checks do: separate calls, same moment.
    const answers = await Promise.all([
      cached.authorize([{ permission: read }], ada),
      cached.authorize([{ permission: page }], ada),
      cached.authorize([{ permission: read }], ada),
      cached.authorize([{ permission: read }], grace),
      cached.authorizeConditional([{ permission: incidentUpdate }], ada),
    ]);
    expect(answers).toEqual([
      [{ result: AuthorizeResult.ALLOW }],
      [{ result: AuthorizeResult.DENY }],
      [{ result: AuthorizeResult.ALLOW }],
      [{ result: AuthorizeResult.DENY }],
      [{ result: AuthorizeResult.ALLOW }],
    ]);
    expect(calls).toEqual([
      {
        method: 'authorize',
        names: ['multivac.incident.read', 'multivac.oncall.page'],
        user: 'user:default/ada',
      },
      {
        method: 'authorize',
        names: ['multivac.incident.read'],
        user: 'user:default/grace',
      },
      {
        method: 'conditional',
        names: ['multivac.incident.update'],
        user: 'user:default/ada',
      },
    ]);
  });

  it('never remembers a decision about one resource', async () => {
    const { service, calls, state } = policyService();
    const cached = new CachedPermissions(service, { now: clock });
    const request = {
      permission: incidentUpdate,
      resourceRef: 'incident:INC-1',
    };

    expect(await cached.authorize([request], ada)).toEqual([
      { result: AuthorizeResult.ALLOW },
    ]);
    state.decide = () => ({ result: AuthorizeResult.DENY });
    expect(await cached.authorize([request], ada)).toEqual([
      { result: AuthorizeResult.DENY },
    ]);
    expect(calls.map(c => c.names)).toEqual([
      ['multivac.incident.update@incident:INC-1'],
      ['multivac.incident.update@incident:INC-1'],
    ]);
  });

  it('remembers conditional decisions as the policy gave them, per user', async () => {
    const { service, calls, state } = policyService();
    const conditional = {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'multivac',
      resourceType: 'multivac-incident',
      conditions: {
        rule: 'HAS_ROLE',
        resourceType: 'multivac-incident',
        params: { roles: ['controller'] },
      },
    } as PolicyDecision;
    state.decide = () => conditional;
    const cached = new CachedPermissions(service, { now: clock });

    const [first] = await cached.authorizeConditional(
      [{ permission: incidentUpdate }],
      ada,
    );
    const [again] = await cached.authorizeConditional(
      [{ permission: incidentUpdate }],
      ada,
    );
    expect(first).toEqual(conditional);
    expect(again).toEqual(conditional);
    // Another user's decision is the policy's answer for them.
    await cached.authorizeConditional([{ permission: incidentUpdate }], grace);
    expect(calls).toEqual([
      {
        method: 'conditional',
        names: ['multivac.incident.update'],
        user: 'user:default/ada',
      },
      {
        method: 'conditional',
        names: ['multivac.incident.update'],
        user: 'user:default/grace',
      },
    ]);
  });

  it('shares one call between concurrent requests and does not remember failures', async () => {
    const { service, calls, state } = policyService();
    const cached = new CachedPermissions(service, { now: clock });

    await Promise.all(
      Array.from({ length: 16 }, () =>
        cached.authorize([{ permission: read }], ada),
      ),
    );
    expect(calls).toHaveLength(1);

    state.fail = true;
    await expect(cached.authorize([{ permission: page }], ada)).rejects.toThrow(
      'permission backend down',
    );
    state.fail = false;
    expect(await cached.authorize([{ permission: page }], ada)).toEqual([
      { result: AuthorizeResult.ALLOW },
    ]);
    expect(calls).toHaveLength(3);
  });

  it('keeps at most maxDecisions, dropping the oldest first', async () => {
    const { service, calls } = policyService();
    const cached = new CachedPermissions(service, {
      maxDecisions: 2,
      now: clock,
    });
    const permissions = ['a', 'b', 'c'].map(name =>
      createPermission({ name, attributes: {} }),
    );
    for (const permission of permissions) {
      await cached.authorize([{ permission }], ada);
      now += 1;
    }
    expect(cached.size).toBe(2);

    await cached.authorize([{ permission: permissions[2] }], ada);
    expect(calls).toHaveLength(3); // c is still remembered
    await cached.authorize([{ permission: permissions[0] }], ada);
    expect(calls).toHaveLength(4); // a was dropped
  });

  it('does not remember decisions for unauthenticated callers', async () => {
    const { service, calls } = policyService();
    const cached = new CachedPermissions(service, { now: clock });
    const none = { credentials: mockCredentials.none() };

    await cached.authorize([{ permission: read }], none);
    await cached.authorize([{ permission: read }], none);
    expect(calls).toHaveLength(2);
    expect(cached.size).toBe(0);
  });
});
