import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { oncallOverridePermission } from '@multivac/plugin-multivac-common';
import { MultivacSamplePolicy } from '../permissions/MultivacSamplePolicy';

describe('the sample policy on multivac.oncall.override', () => {
  const policy = new MultivacSamplePolicy({
    admins: ['group:default/platform'],
  });
  const user = (userEntityRef: string, ownershipEntityRefs: string[]) => ({
    identity: {
      type: 'user' as const,
      userEntityRef,
      ownershipEntityRefs,
    },
    token: 'token',
    credentials: {} as any,
    info: { userEntityRef, ownershipEntityRefs },
  });

  it('lets any signed-in user cover a shift, and nobody without a user', async () => {
    const query = { permission: oncallOverridePermission };
    expect(
      await policy.handle(
        query,
        user('user:default/margaret.hamilton', ['group:default/storefront']),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(await policy.handle(query)).toEqual({
      result: AuthorizeResult.DENY,
    });
  });
});
