import { createBackend } from '@backstage/backend-defaults';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import { ConfigReader } from '@backstage/config';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { MultivacSamplePolicy } from '@multivac/plugin-multivac-backend';
import fs from 'node:fs';
import path from 'node:path';
import {
  ALLOW_ALL_IN_PRODUCTION_KEY,
  permissionPolicyModule,
  readPermissionPolicy,
} from './permissionPolicy';
import { useProductionEnvironment } from './__testUtils__/productionEnvironment';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '../../..');

describe('the backend start-up with the production config', () => {
  const dir = useProductionEnvironment('multivac-policy-');

  /**
   * Starts the backend's permission plugin and policy with the real config
   * files plus `override` (and `backendKeys` under `backend:`).
   */
  async function start(override: string, backendKeys = '') {
    const file = path.join(dir, `override-${Date.now()}.yaml`);
    // Any free port: the root HTTP server listens as soon as it is built.
    fs.writeFileSync(
      file,
      `backend:\n  listen:\n    port: 0\n${backendKeys}${override}`,
    );
    const backend = createBackend();
    backend.add(
      rootConfigServiceFactory({
        argv: [
          'node',
          'backend',
          '--config',
          path.join(root, 'app-config.yaml'),
          '--config',
          path.join(root, 'app-config.production.yaml'),
          '--config',
          file,
        ],
      }),
    );
    backend.add(permissionPlugin);
    backend.add(permissionPolicyModule);
    try {
      await backend.start();
    } finally {
      await backend.stop();
    }
  }

  it('refuses to start with the allow-all policy', async () => {
    await expect(
      start('multivac:\n  permissions:\n    policy: allow-all\n'),
    ).rejects.toThrow(
      /Refusing to start a production backend where every signed-in user may do everything \(multivac\.permissions\.policy: allow-all/,
    );
  });

  it('refuses to start with an external access token that may change Multivac', async () => {
    const token = (restrictions: string) =>
      start(
        '',
        `  auth:\n    externalAccess:\n      - type: static\n        options:\n          token: ci-bot-0123456789abcdef\n          subject: ci-bot\n${restrictions}`,
      );
    await expect(token('')).rejects.toThrow(
      /an external access token may do everything in Multivac \(backend\.auth\.externalAccess: ci-bot\)/,
    );
    await expect(
      token(
        '        accessRestrictions:\n          - plugin: multivac\n          - plugin: catalog\n',
      ),
    ).rejects.toThrow(/externalAccess: ci-bot/);
    await expect(
      token(
        '        accessRestrictions:\n          - plugin: multivac\n            permissionAttribute:\n              action: [read]\n',
      ),
    ).resolves.toBeUndefined();
    await expect(
      token('        accessRestrictions:\n          - plugin: catalog\n'),
    ).resolves.toBeUndefined();
  });

  it('refuses to start with permissions switched off', async () => {
    await expect(start('permission:\n  enabled: false\n')).rejects.toThrow(
      /permission\.enabled: false\).*dangerouslyAllowAllInProduction: true/,
    );
  });
});

describe('readPermissionPolicy', () => {
  const read = (data: object) =>
    readPermissionPolicy(new ConfigReader(data as any));
  const production = { auth: { environment: 'production' } };

  it('installs the sample policy with the configured admins by default', async () => {
    const { name, policy } = read({
      permission: { enabled: true },
      multivac: { permissions: { admins: ['group:default/platform'] } },
    });
    expect(policy).toBeInstanceOf(MultivacSamplePolicy);
    expect(name).toBe(
      'the Multivac sample policy (admins: group:default/platform)',
    );
  });

  it('allows all outside production, and in production only when told so loudly', async () => {
    const allowAll = { multivac: { permissions: { policy: 'allow-all' } } };
    const decide = (policy: ReturnType<typeof read>['policy']) =>
      policy.handle({
        permission: { name: 'x', type: 'basic', attributes: {} },
      });
    await expect(decide(read(allowAll).policy)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(() => read({ ...production, ...allowAll })).toThrow(
      ALLOW_ALL_IN_PRODUCTION_KEY,
    );
    const told = read({
      ...production,
      multivac: {
        permissions: {
          policy: 'allow-all',
          dangerouslyAllowAllInProduction: true,
        },
      },
    });
    await expect(decide(told.policy)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it('names the key when the policy is unknown', () => {
    expect(() =>
      read({ multivac: { permissions: { policy: 'rbac' } } }),
    ).toThrow(
      "multivac.permissions.policy: must be 'sample' or 'allow-all', not 'rbac'",
    );
  });
});
