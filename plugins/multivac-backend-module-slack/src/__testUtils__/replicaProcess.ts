/*
 * One backend replica in a child process, for tests that kill a replica
 * (SIGKILL) in the middle of its work: the multivac plugin with the Slack
 * module, on the database and against the fake Slack named in
 * MULTIVAC_REPLICA. Sends `{ port }` to the parent once it serves.
 */
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { AddressInfo } from 'node:net';
import { FakeSlack } from './fakeSlack';
import { startSlackBackend } from './slackBackend';

/** What the parent hands the replica (as JSON in MULTIVAC_REPLICA). */
export interface ReplicaSettings {
  slackUrl: string;
  botToken: string;
  /** A knex connection to the shared PostgreSQL database. */
  connection: unknown;
  entities: Parameters<typeof startSlackBackend>[0]['entities'];
  multivac: Record<string, unknown>;
}

async function main() {
  const settings: ReplicaSettings = JSON.parse(process.env.MULTIVAC_REPLICA!);
  const { backend } = await startSlackBackend({
    fake: { url: settings.slackUrl, botToken: settings.botToken } as FakeSlack,
    entities: settings.entities,
    multivac: settings.multivac,
    // Each plugin in its own schema of the one database, as in production.
    config: {
      backend: {
        database: {
          client: 'pg',
          connection: settings.connection,
          pluginDivisionMode: 'schema',
        },
      },
    },
    features: [databaseServiceFactory],
  });
  const { port } = backend.server.address() as AddressInfo;
  process.send!({ port });
}

main().catch(error => {
  process.stderr.write(`replica failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
