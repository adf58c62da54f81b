/*
 * One backend replica of the multivac plugin in a child process, for alert
 * tests that kill a replica (SIGKILL) in the middle of its work: on the
 * PostgreSQL database named in MULTIVAC_ALERTS_REPLICA, each plugin in its
 * own schema as in production. Sends `{ port }` to the parent once it
 * serves.
 *
 * A replica started with `stallRouting` hangs forever in the catalog when
 * alert processing routes its alerts (the catalog lookup of
 * `CatalogExistence`), after telling the parent `{ stalled: true }`: it then
 * holds claimed `alert.process` jobs for as long as the parent lets it live.
 */
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AddressInfo } from 'node:net';
import { multivacPlugin } from '../plugin';
import { catalog } from './testBackend';

/** Root config as the mock config service takes it (JSON). */
type ConfigData = NonNullable<
  NonNullable<Parameters<typeof mockServices.rootConfig.factory>[0]>['data']
>;

/** What the parent hands the replica (as JSON in MULTIVAC_ALERTS_REPLICA). */
export interface AlertsReplicaSettings {
  /** A knex connection to the shared PostgreSQL database. */
  connection: ConfigData[string];
  multivac: ConfigData;
  /** Hang in the catalog when alert processing routes alerts. */
  stallRouting?: boolean;
}

/** The catalog; with `stall`, its routing lookups never answer. */
function catalogFactory(stall: boolean) {
  const real = catalogServiceMock({ entities: catalog });
  const service = new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') {
        return value;
      }
      return (...args: any[]) => {
        const fields = args[0]?.fields;
        const routing =
          property === 'getEntitiesByRefs' &&
          Array.isArray(fields) &&
          fields.join() === 'kind,metadata.name';
        if (stall && routing) {
          process.send!({ stalled: true });
          return new Promise(() => {});
        }
        return value.apply(target, args);
      };
    },
  });
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => service,
  });
}

async function main() {
  const settings: AlertsReplicaSettings = JSON.parse(
    process.env.MULTIVAC_ALERTS_REPLICA!,
  );
  const backend = await startTestBackend({
    features: [
      multivacPlugin,
      catalogFactory(Boolean(settings.stallRouting)),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: {
              client: 'pg',
              connection: settings.connection,
              pluginDivisionMode: 'schema',
            },
          },
          multivac: settings.multivac,
        },
      }),
      databaseServiceFactory,
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  process.send!({ port });
}

main().catch(error => {
  process.stderr.write(`replica failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
